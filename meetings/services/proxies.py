"""Proxies, as the unit's standing orders allow, and proxy votes.

A member entitled to attend appoints a proxy (another member) before the
standing orders' deadline, and may revoke it until then. In the room, the
holder's device shows one vote for each principal who is not there in
person: in an open or counted-hands vote each is an ``OpenVoteCast`` with its
``holder`` set (named, in the same table as votes in person so a member has
one vote, and in a counted-hands vote added to the room's figures); in
a secret vote the holder casts each principal's paper separately through
``ballots.services.casting.vote_cast``, so the principal is recorded as
having voted and the paper is stored apart, exactly like any other paper:
nothing records which paper was cast for which principal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ballots.counting import Ballot as EnginePaper
from ballots.counting import Election, count
from ballots.for_meetings import CastReceipt
from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotFound, NotPermitted
from governance import authority
from governance.models import Unit
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import meeting_for_update
from meetings.models import Attendance, Meeting, MeetingDelegate, MeetingVote, OpenVoteCast, ProxyAppointment
from meetings.selectors import is_checked_in, is_eligible, standing_orders_of_meeting
from meetings.services.casting import meeting_vote_record
from meetings.services.meetings import require_officer

User = get_user_model()
BEFORE_THE_MEETING = {Meeting.State.SCHEDULED, Meeting.State.NOTICE_SENT}


def proxy_deadline(*, meeting: Meeting) -> dt.datetime:
    """The last moment to appoint or revoke a proxy for ``meeting``."""
    hours = standing_orders_of_meeting(meeting=meeting).proxy_deadline_hours
    return meeting.starts_at - dt.timedelta(hours=hours)


def _check_window(meeting: Meeting, now: dt.datetime) -> None:
    orders = standing_orders_of_meeting(meeting=meeting)
    if not orders.proxies_allowed:
        raise NotPermitted(Code.PROXIES_NOT_ALLOWED, f"The standing orders of {meeting.unit.name} allow no proxies.")
    if meeting.state not in BEFORE_THE_MEETING or now > proxy_deadline(meeting=meeting):
        raise Conflict(
            Code.DEADLINE_PASSED,
            f"Proxies for this meeting closed {timezone.localtime(proxy_deadline(meeting=meeting)):%d %B %Y, %H:%M}.",
        )


def _holder_unavailable() -> DomainError:
    """The one refusal for an address that cannot hold the proxy, whatever
    the reason (no such account, inactive, not entitled to this meeting, not
    a member of the network). One status, one code, one sentence, no name:
    anyone signed in can try an address, so the answer must not tell them
    whether it is registered, nor whose it is."""
    return DomainError(
        Code.HOLDER_UNAVAILABLE,
        "That address cannot hold your proxy at this meeting: check it is the e-mail address of a member "
        "entitled to attend.",
    )


def proxy_appoint_by_email(
    *, meeting_id: int, principal: Any, holder_email: str, now: dt.datetime | None = None
) -> ProxyAppointment:
    """``proxy_appoint`` for the holder's e-mail address, as the page and the
    API take it. The address is looked up here, so every caller refuses an
    unknown one exactly as it refuses any other unavailable holder."""
    holder = User.objects.filter(email__iexact=holder_email.strip(), is_active=True).first()
    return proxy_appoint(meeting_id=meeting_id, principal=principal, holder=holder, now=now)


def proxy_appoint(
    *, meeting_id: int, principal: Any, holder: Any | None, now: dt.datetime | None = None
) -> ProxyAppointment:
    """``principal`` appoints ``holder`` to vote for them at the meeting,
    replacing any proxy they appointed before. The meeting's row lock
    serialises appointments, so two principals cannot both take a holder's
    last place. Everything about the principal is checked before anything
    about the holder, and an unavailable holder (``None`` for an unknown
    address) gets one refusal, so the answer reveals nothing about them."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        _check_window(meeting, now)
        orders = standing_orders_of_meeting(meeting=meeting)
        if not is_eligible(meeting=meeting, person=principal):
            raise NotPermitted(Code.NOT_ELIGIBLE, "Only a member entitled to vote at this meeting appoints a proxy.")
        if holder is not None and holder.pk == principal.pk:
            raise DomainError(ErrorCode.INVALID, "You cannot be your own proxy.")
        if holder is None or not getattr(holder, "is_active", False):
            raise _holder_unavailable()
        if orders.proxies_same_unit_only:
            if not is_eligible(meeting=meeting, person=holder):
                raise _holder_unavailable()
        elif not authority.is_member_anywhere(holder):
            raise _holder_unavailable()
        active = ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True)
        if active.filter(principal=holder).exists():
            raise Conflict(Code.PROXY_LIMIT, f"{holder} has given their own vote to a proxy and cannot hold yours.")
        if active.filter(holder=principal).exists():
            raise Conflict(Code.PROXY_LIMIT, "You hold a proxy for someone else: you cannot appoint one yourself.")
        if active.filter(holder=holder).exclude(principal=principal).count() >= orders.proxies_per_holder:
            raise Conflict(
                Code.PROXY_LIMIT,
                f"{holder} already holds {orders.proxies_per_holder} prox"
                f"{'y' if orders.proxies_per_holder == 1 else 'ies'}, the most the standing orders allow.",
            )
        active.filter(principal=principal).update(revoked_at=now)
        appointment = ProxyAppointment.objects.create(meeting=meeting, principal=principal, holder=holder)
        audit_record(actor=principal, action="proxy_appointed", obj=appointment, unit=meeting.unit)
    return appointment


def proxy_revoke(*, meeting_id: int, principal: Any, now: dt.datetime | None = None) -> ProxyAppointment:
    """The principal takes their proxy back, before the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        appointment = (
            ProxyAppointment.objects.select_for_update()
            .filter(meeting=meeting, principal=principal, revoked_at__isnull=True)
            .first()
        )
        if appointment is None:
            raise NotFound(Code.NOT_FOUND, "You have no proxy for this meeting.")
        _check_window(meeting, now)
        appointment.revoked_at = now
        appointment.save(update_fields=["revoked_at"])
        audit_record(actor=principal, action="proxy_revoked", obj=appointment, unit=meeting.unit)
    return appointment


def proxy_of(*, meeting: Meeting, principal: Any) -> ProxyAppointment | None:
    if not getattr(principal, "is_authenticated", False):
        return None
    return (
        ProxyAppointment.objects.filter(meeting=meeting, principal=principal, revoked_at__isnull=True)
        .select_related("holder")
        .first()
    )


def proxies_held(*, meeting: Meeting, holder: Any) -> QuerySet[ProxyAppointment]:
    if not getattr(holder, "is_authenticated", False):
        return ProxyAppointment.objects.none()
    return ProxyAppointment.objects.filter(meeting=meeting, holder=holder, revoked_at__isnull=True).select_related(
        "principal"
    )


def proxy_list(*, meeting: Meeting) -> QuerySet[ProxyAppointment]:
    """The meeting's proxy list, for its officers."""
    return ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True).select_related(
        "principal", "holder"
    )


def proxy_roll_additions(*, meeting: Meeting) -> list[int]:
    """Principals whose holder is in the room and who are not there
    themselves: they join a secret vote's roll, and the holder casts their
    paper. Call while the meeting's vote is being opened."""
    return [
        a.principal_id
        for a in proxy_list(meeting=meeting)
        if is_checked_in(meeting=meeting, person=a.holder) and not is_checked_in(meeting=meeting, person=a.principal)
    ]


CHOICES = ("for", "against", "abstain")


def weighted_tally(marks: list[tuple[str, int]]) -> tuple[int, int, int]:
    """For, against and abstaining from (choice, weight) pairs, counted by
    the engine's paper weights: each pair is one engine paper of that
    weight, summed by its plurality count's first stage."""
    if not marks:
        return 0, 0, 0
    papers = tuple(EnginePaper((CHOICES.index(choice),), weight) for choice, weight in marks)
    sheet = count("plurality", Election(candidates=CHOICES, ballots=papers, seats=1))
    first = sheet.stages[0].votes
    return int(first.get(0, 0)), int(first.get(1, 0)), int(first.get(2, 0))


def proxy_tally(*, vote: MeetingVote) -> tuple[int, int, int]:
    """Proxy votes (weighted) for, against and abstaining, to add to the
    room's figures at the close of an open or counted-hands vote."""
    return weighted_tally(
        list(OpenVoteCast.objects.filter(vote=vote, holder__isnull=False).values_list("choice", "weight"))
    )


def proxy_vote_cast(
    *, vote_id: int, holder: Any, principal_id: int, choice: str, idempotency_key: str = ""
) -> CastReceipt | None:
    """The holder votes for one principal. The holder must be in the room and
    the principal not (a principal present votes in person). The same
    recorder as a vote in person (``meetings.services.casting``), so the
    principal has one vote whoever casts it; a secret vote's paper goes
    through ``vote_cast`` under the principal's name on the roll and returns
    its receipt, and nothing else records it."""
    return meeting_vote_record(
        vote_id=vote_id, principal_id=principal_id, cast_by=holder, choice=choice, idempotency_key=idempotency_key
    )


def open_vote_tally(*, vote: MeetingVote) -> tuple[int, int, int]:
    """An open vote's figures: each member's vote, cast in person or by
    proxy, with the weight recorded when it was cast (a delegate's weight at
    a delegate meeting, else 1), counted together by the engine's weights."""
    return weighted_tally(list(vote.casts.values_list("choice", "weight")))


def voting_strength(*, meeting: Meeting) -> int:
    """The votes in the room when a vote opens: each member checked in (a
    delegate counting their weight) and each principal whose holder is
    there. The electorate of the vote's count."""
    weights = dict(MeetingDelegate.objects.filter(meeting=meeting).values_list("person_id", "weight"))
    present = Attendance.objects.filter(meeting=meeting, checked_out_at__isnull=True).values_list(
        "person_id", flat=True
    )
    return sum(weights.get(pk, 1) for pk in present) + sum(
        weights.get(pk, 1) for pk in proxy_roll_additions(meeting=meeting)
    )


MAX_DELEGATE_WEIGHT = 1_000_000


def meeting_delegate_set(
    *, meeting_id: int, actor: Any, person: Any, represents: Unit, weight: int
) -> MeetingDelegate | None:
    """An officer names ``person`` the delegate of ``represents`` (the
    meeting's unit or a unit below it) carrying ``weight`` votes in open and
    counted votes; weight 0 removes them. Before a vote opens: a vote's
    electorate is fixed when it opens."""
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="name delegates")
        if meeting.state not in {*BEFORE_THE_MEETING, Meeting.State.IN_PROGRESS}:
            raise Conflict(Code.INVALID_TRANSITION, f"The meeting is {meeting.get_state_display().lower()}.")
        if not 0 <= weight <= MAX_DELEGATE_WEIGHT:
            raise DomainError(
                ErrorCode.INVALID, f"A delegate's weight is from 1 to {MAX_DELEGATE_WEIGHT:,} (0 removes them)."
            )
        if not represents.path.startswith(meeting.unit.path):
            raise DomainError(Code.WRONG_UNIT, f"{represents.name} is not {meeting.unit.name} or a unit within it.")
        if weight == 0:
            MeetingDelegate.objects.filter(meeting=meeting, person=person).delete()
            audit_record(actor=actor, action="delegate_removed", obj=meeting, unit=meeting.unit)
            return None
        if not is_eligible(meeting=meeting, person=person):
            raise DomainError(Code.NOT_ELIGIBLE, f"{person} is not entitled to attend this meeting.")
        delegate, _ = MeetingDelegate.objects.update_or_create(
            meeting=meeting, person=person, defaults={"represents": represents, "weight": weight}
        )
        audit_record(actor=actor, action="delegate_named", obj=delegate, unit=meeting.unit, detail={"weight": weight})
    return delegate

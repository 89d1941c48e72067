"""What each person should do next: the one place that knows every pending act.

"Needs your attention" on a member's page is built here and nowhere else, so
the returning officer is told to declare, a scrutineer to review, the
secretary to rule, and members to second only motions that still need
seconders. Each item links to the page where the act is done; when the act
is done the item is gone, because every rule below reads the state the act
changes (a declared ballot, a ruled motion, a confirmed paper).

It composes ballots, meetings and governance, so it sits in accounts' top
layer beside the member's page that shows it (see the import contract).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ballots.models import Ballot, Participation, RollEntry, VerifiableTrustee
from governance import authority
from governance.models import Membership
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, Minutes, Motion, PaperCount, PaperEntry, Seconding

LIMIT = 20


@dataclass(frozen=True)
class AttentionItem:
    """One pending act: ``verb`` then a link ``title`` to ``url``, with ``meta`` in brackets.

    ``kind`` names the act (declare, scrutinise, rule, second, vote,
    approve_minutes, confirm_papers, attend, trustee_key, trustee_shuffle,
    trustee_decrypt) for tests and styling."""

    kind: str
    verb: str
    title: str
    url: str
    meta: str


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %b, %H:%M}"


def units_run_ids(user: Any) -> set[int]:
    """Units whose meetings ``user`` may run and whose motions they may rule
    on (``governance.authority.may_run_meetings``, as a set): the units they
    manage and those of the bodies they sit on."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    body_units = authority.holdings_current().filter(person_id=user.pk, body__isnull=False)
    return set(authority.units_managed_ids(user)) | set(body_units.values_list("body__unit_id", flat=True))


def _member_unit_ids(user: Any) -> Any:
    """Units where ``user`` may propose and second (an active full member), as a subquery."""
    return Membership.objects.filter(
        person_id=user.pk, status=Membership.Status.ACTIVE, kind=Membership.Kind.MEMBER
    ).values("unit_id")


def motions_seeking_seconders() -> Any:
    """Submitted motions with fewer seconders than they need."""
    return (
        Motion.objects.filter(state=Motion.State.SUBMITTED)
        .annotate(n_seconders=Count("secondings"))
        .filter(n_seconders__lt=F("seconders_required"))
    )


def motions_awaiting_ruling() -> Any:
    """Submitted motions with all the seconders they need: the secretary's to rule on."""
    return (
        Motion.objects.filter(state=Motion.State.SUBMITTED)
        .annotate(n_seconders=Count("secondings"))
        .filter(n_seconders__gte=F("seconders_required"))
    )


def _declare(user: Any) -> list[AttentionItem]:
    ballots = Ballot.objects.filter(
        returning_officer=user, state=Ballot.State.COUNTED, origin=Ballot.Origin.ONLINE
    ).select_related("unit")
    return [
        AttentionItem(
            "declare",
            "Review and declare the result of",
            b.title,
            reverse("ballots:provisional", args=[b.pk]),
            f"{b.unit.name}; counted, you are the returning officer",
        )
        for b in ballots.order_by("closes_at", "pk")[:LIMIT]
    ]


def _scrutinise(user: Any) -> list[AttentionItem]:
    ballots = Ballot.objects.filter(
        scrutineers=user, state=Ballot.State.COUNTED, origin=Ballot.Origin.ONLINE
    ).select_related("unit")
    return [
        AttentionItem(
            "scrutinise",
            "Scrutinise the provisional result of",
            b.title,
            reverse("ballots:provisional", args=[b.pk]),
            f"{b.unit.name}; you are a scrutineer until it is declared",
        )
        for b in ballots.order_by("closes_at", "pk")[:LIMIT]
    ]


def _vote(user: Any) -> list[AttentionItem]:
    ballots = (
        Ballot.objects.filter(
            Exists(RollEntry.objects.filter(ballot=OuterRef("pk"), voter=user)),
            state=Ballot.State.OPEN,
            origin=Ballot.Origin.ONLINE,
        )
        .exclude(Exists(Participation.objects.filter(ballot=OuterRef("pk"), voter=user)))
        .select_related("unit")
    )
    return [
        AttentionItem(
            "vote",
            "Vote in",
            b.title,
            reverse("ballots:vote", args=[b.pk]),
            f"{b.unit.name}; closes {_when(b.closes_at)}",
        )
        for b in ballots.order_by("closes_at", "pk")[:LIMIT]
    ]


def _rule(user: Any, run_ids: set[int]) -> list[AttentionItem]:
    if not run_ids:
        return []
    motions = motions_awaiting_ruling().filter(unit_id__in=run_ids).select_related("unit")
    return [
        AttentionItem(
            "rule",
            "Rule on the motion",
            m.title,
            reverse("meetings:motion", args=[m.pk]) + "#ruling",
            f"{m.unit.name}; seconded, awaiting your ruling",
        )
        for m in motions.order_by("submitted_at", "pk")[:LIMIT]
    ]


def _second(user: Any) -> list[AttentionItem]:
    motions = (
        motions_seeking_seconders()
        .filter(unit_id__in=_member_unit_ids(user))
        .exclude(proposer=user)
        .exclude(Exists(Seconding.objects.filter(motion=OuterRef("pk"), seconder=user)))
        .select_related("unit")
    )
    items = []
    for m in motions.order_by("-submitted_at", "-pk")[:LIMIT]:
        needed = m.seconders_required - m.n_seconders
        more = ngettext("needs %(n)d more seconder", "needs %(n)d more seconders", needed) % {"n": needed}
        items.append(
            AttentionItem(
                "second",
                "Second or discuss the motion",
                m.title,
                reverse("meetings:motion", args=[m.pk]),
                f"{m.unit.name}; {more}",
            )
        )
    return items


def _approve_minutes(run_ids: set[int]) -> list[AttentionItem]:
    """Draft minutes of a closed meeting, while a later meeting of the same
    unit is in progress: the only moment they can be approved."""
    if not run_ids:
        return []
    in_progress = Meeting.objects.filter(unit_id__in=run_ids, state=Meeting.State.IN_PROGRESS).select_related("unit")
    items = []
    for meeting in in_progress.order_by("starts_at", "pk")[:LIMIT]:
        drafts = Minutes.objects.filter(
            meeting__unit_id=meeting.unit_id,
            state=Minutes.State.DRAFT,
            meeting__state=Meeting.State.CLOSED,
            meeting__starts_at__lt=meeting.starts_at,
        ).select_related("meeting")
        for minutes in drafts.order_by("meeting__starts_at", "pk")[:LIMIT]:
            items.append(
                AttentionItem(
                    "approve_minutes",
                    "Put to the meeting the minutes of",
                    minutes.meeting.title,
                    reverse("meetings:console", args=[meeting.pk]) + "#minutes",
                    f"{meeting.unit.name}; to approve at {meeting.title}, in progress",
                )
            )
    return items


def _confirm_papers(user: Any, run_ids: set[int]) -> list[AttentionItem]:
    """Paper ballots entered by another officer, waiting for a second officer's check."""
    if not run_ids:
        return []
    waiting = PaperEntry.objects.filter(count=OuterRef("pk"), confirmed_by__isnull=True, rejected=False).exclude(
        entered_by=user
    )
    counts = (
        PaperCount.objects.filter(meeting__unit_id__in=run_ids, state=PaperCount.State.ENTERING)
        .filter(Exists(waiting))
        .annotate(
            n_waiting=Count(
                "entries",
                filter=Q(entries__confirmed_by__isnull=True, entries__rejected=False) & ~Q(entries__entered_by=user),
            )
        )
        .select_related("meeting__unit")
    )
    items = []
    for pc in counts.order_by("created_at", "pk")[:LIMIT]:
        papers = ngettext("%(n)d paper another officer entered", "%(n)d papers another officer entered", pc.n_waiting)
        items.append(
            AttentionItem(
                "confirm_papers",
                "Check the papers of",
                pc.title,
                reverse("meetings:paper_count", args=[pc.pk]),
                f"{pc.meeting.unit.name}; {papers % {'n': pc.n_waiting}}",
            )
        )
    return items


def _attend(user: Any) -> list[AttentionItem]:
    return [
        AttentionItem(
            "attend",
            "Attend",
            m.title,
            reverse("meetings:meeting", args=[m.pk]),
            f"{m.unit.name}; {timezone.localtime(m.starts_at):%-d %b %Y, %H:%M}",
        )
        for m in meeting_selectors.meetings_for_person(person=user)[:10]
    ]


KEY_STATES = {Ballot.State.DRAFT, Ballot.State.NOMINATIONS, Ballot.State.SCHEDULED}
SERVER_SHUFFLE = 0  # the shuffle's owner when the server shuffled (ballots.selectors_verifiable.SERVER)


def _key_step_due(row: VerifiableTrustee, others: list[VerifiableTrustee]) -> bool:
    """Whether the trustee's key is theirs to make now: their public key; or,
    for a threshold ballot, the ceremony's next step, once every trustee has
    done the one before (a step waiting on others is not theirs yet)."""
    if not row.election.threshold:
        return not row.public_key
    if not row.certificate:
        return True
    if not row.polynomial:
        return all(t.certificate for t in others)
    return not row.voutput and all(t.polynomial for t in others)


def _trustee(user: Any) -> list[AttentionItem]:
    """A trustee's step on a verifiable ballot, when it is due: their key
    before voting opens, a shuffle once the server has shuffled (the ballots
    must be mixed by someone other than the server too), their partial
    decryption once the shuffles end, until enough trustees have decrypted."""
    rows = (
        VerifiableTrustee.objects.filter(person=user, election__ballot__state__in=[*KEY_STATES, Ballot.State.CLOSED])
        .select_related("election__ballot__unit")
        .prefetch_related("election__trustee_rows", "election__shuffle_rows")
        .order_by("election__ballot__closes_at", "pk")[:LIMIT]
    )
    items = []
    for row in rows:
        election, ballot = row.election, row.election.ballot
        others = list(election.trustee_rows.all())
        url = reverse("ballots:trustee", args=[ballot.pk])
        if ballot.state in KEY_STATES and _key_step_due(row, others):
            items.append(AttentionItem("trustee_key", "Make your trustee key for", ballot.title, url, ballot.unit.name))
            continue
        if ballot.state != Ballot.State.CLOSED or election.result:
            continue
        owners = {s.owner for s in election.shuffle_rows.all()}
        if not election.shuffles_ended and SERVER_SHUFFLE in owners and row.position not in owners:
            meta = f"{ballot.unit.name}; the returning officer ends the shuffles"
            items.append(AttentionItem("trustee_shuffle", "Shuffle the ballots of", ballot.title, url, meta))
        decrypted = sum(1 for t in others if t.partial_decryption)
        if election.shuffles_ended and not row.partial_decryption and decrypted < (election.threshold or len(others)):
            meta = f"{ballot.unit.name}; {decrypted} of {election.threshold or len(others)} decryptions in"
            items.append(AttentionItem("trustee_decrypt", "Decrypt the result of", ballot.title, url, meta))
    return items


def attention_items(*, user: Any) -> list[AttentionItem]:
    """Every act ``user`` has pending, the most urgent first: results to
    declare or scrutinise, a trustee's step, motions to rule on, papers to check, minutes to
    approve, ballots to vote in, motions to second, then meetings to attend."""
    run_ids = units_run_ids(user)
    return [
        *_declare(user),
        *_scrutinise(user),
        *_trustee(user),
        *_rule(user, run_ids),
        *_confirm_papers(user, run_ids),
        *_approve_minutes(run_ids),
        *_vote(user),
        *_second(user),
        *_attend(user),
    ]


def ballot_next_step(ballot: Ballot) -> str:
    """What the returning officer does next with a ballot they run, in a phrase."""
    S = Ballot.State  # noqa: N806 - the model's own name for its states
    phrases: dict[str, str] = {
        S.DRAFT: "draft; finish setting it up",
        S.NOMINATIONS: f"nominations open; they close {_when(ballot.nominations_close_at)}"
        if ballot.nominations_close_at
        else "nominations open",
        S.SCHEDULED: f"scheduled; voting opens {_when(ballot.opens_at)}",
        S.OPEN: f"open; closes {_when(ballot.closes_at)}",
        S.CLOSED: "closed; being counted",
        S.COUNTED: "counted; review the provisional result and declare it",
    }
    return phrases.get(ballot.state, ballot.get_state_display().lower())

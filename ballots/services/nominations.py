"""Nominations for election questions.

Members nominate themselves or another member of the ballot's unit; where the
rules ask, other members second; the nominee accepts with a statement, and
may withdraw until nominations close. Closing nominations turns accepted,
sufficiently seconded nominations into the candidates on the paper.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ballots.error_codes import BallotErrorCode as Code
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, Nomination, Option, Question
from core.audit import audit_record
from core.errors import Conflict, DomainError, NotPermitted
from governance.selectors import eligible_memberships

S = Ballot.State


def _is_member(ballot: Ballot, user: Any) -> bool:
    return eligible_memberships(unit=ballot.unit, include_subunits=ballot.include_subunits).filter(person=user).exists()


def _open_for_nominations(ballot: Ballot, now: dt.datetime | None = None) -> None:
    """Refuse unless nominations are open now. Reads the ballot afresh: the
    caller's object may predate a state change."""
    now = now or timezone.now()
    ballot.refresh_from_db(fields=["state", "nominations_close_at"])
    if ballot.state != S.NOMINATIONS:
        raise Conflict(Code.NOMINATIONS_CLOSED, "Nominations are not open for this ballot.")
    if ballot.nominations_close_at and now >= ballot.nominations_close_at:
        raise Conflict(Code.NOMINATIONS_CLOSED, "Nominations for this ballot have closed.")


def nomination_make(*, question: Question, nominee: Any, nominated_by: Any) -> Nomination:
    ballot = question.ballot
    _open_for_nominations(ballot)
    if question.kind != Question.Kind.ELECTION:
        raise DomainError(Code.INVALID_NOMINATION, "Only elections take nominations.")
    for person, who in ((nominated_by, "You are"), (nominee, "The nominee is")):
        if not _is_member(ballot, person):
            raise NotPermitted(Code.NOT_ELIGIBLE, f"{who} not an active member of {ballot.unit.name}.")
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(question=question, nominee=nominee, nominated_by=nominated_by)
    except IntegrityError:
        raise Conflict(Code.ALREADY_NOMINATED, f"{nominee} is already nominated for {question.title}.") from None
    audit_record(actor=nominated_by, action="nomination_made", obj=nomination, unit=ballot.unit)
    return nomination


def nomination_second(*, nomination: Nomination, seconder: Any) -> Nomination:
    ballot = nomination.question.ballot
    _open_for_nominations(ballot)
    if seconder.pk in (nomination.nominee_id, nomination.nominated_by_id):
        raise DomainError(Code.INVALID_NOMINATION, "A nomination must be seconded by someone else.")
    if not _is_member(ballot, seconder):
        raise NotPermitted(Code.NOT_ELIGIBLE, f"You are not an active member of {ballot.unit.name}.")
    if nomination.seconders.filter(pk=seconder.pk).exists():
        raise Conflict(Code.ALREADY_SECONDED, "You have already seconded this nomination.")
    nomination.seconders.add(seconder)
    return nomination


def nomination_accept(*, nomination: Nomination, nominee: Any, statement: str) -> Nomination:
    _open_for_nominations(nomination.question.ballot)
    if nominee.pk != nomination.nominee_id:
        raise NotPermitted(Code.NOT_NOMINEE, "Only the nominee can accept a nomination.")
    if nomination.state == Nomination.State.WITHDRAWN:
        raise Conflict(Code.INVALID_NOMINATION, "This nomination was withdrawn.")
    nomination.state = Nomination.State.ACCEPTED
    nomination.statement = statement.strip()[:5000]
    nomination.save(update_fields=["state", "statement"])
    return nomination


def nomination_withdraw(*, nomination: Nomination, nominee: Any) -> Nomination:
    _open_for_nominations(nomination.question.ballot)
    if nominee.pk != nomination.nominee_id:
        raise NotPermitted(Code.NOT_NOMINEE, "Only the nominee can withdraw.")
    nomination.state = Nomination.State.WITHDRAWN
    nomination.save(update_fields=["state"])
    audit_record(actor=nominee, action="nomination_withdrawn", obj=nomination, unit=nomination.question.ballot.unit)
    return nomination


def ballot_nominations_open(*, ballot_id: int, actor: Any = None) -> Ballot:
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        if ballot.state != S.DRAFT:
            raise Conflict(Code.INVALID_TRANSITION, "Only a draft ballot can open nominations.")
        ballot.state = S.NOMINATIONS
        ballot.save(update_fields=["state"])
        audit_record(actor=actor, action="nominations_opened", obj=ballot, unit=ballot.unit)
    return ballot


def ballot_nominations_close(*, ballot_id: int, actor: Any = None, require_ready: bool = False) -> Ballot:
    """Nominations → scheduled: settle the papers from the standing nominations.

    A nomination stands when accepted and seconded enough; candidates appear in
    alphabetical order of name (as on UK ballot papers), then RON if configured.
    """
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        if ballot.state != S.NOMINATIONS:
            raise Conflict(Code.INVALID_TRANSITION, "Nominations are not open for this ballot.")
        for question in ballot.questions.filter(kind=Question.Kind.ELECTION):
            standing = [
                n
                for n in question.nominations.filter(state=Nomination.State.ACCEPTED).select_related("nominee")
                if n.seconders.count() >= question.seconders_for_nomination
            ]
            standing.sort(key=lambda n: (n.nominee.full_name.lower(), n.nominee_id))
            start = question.options.count()
            for i, n in enumerate(standing, start + 1):
                Option.objects.get_or_create(
                    question=question,
                    label=n.nominee.full_name or n.nominee.email,
                    defaults={"candidate": n.nominee, "statement": n.statement, "position": i},
                )
            if question.include_ron and not question.options.filter(is_ron=True).exists():
                Option.objects.create(
                    question=question,
                    label="Re-open nominations (RON)",
                    is_ron=True,
                    position=start + len(standing) + 1,
                )
        if require_ready:
            from ballots.services.setup import ballot_ready_check

            ballot_ready_check(ballot=ballot)  # raises: everything above rolls back
        ballot.state = S.SCHEDULED
        ballot.save(update_fields=["state"])
        audit_record(actor=actor, action="nominations_closed", obj=ballot, unit=ballot.unit)
    return ballot


def ballots_nominations_close_due(*, now: dt.datetime | None = None) -> int:
    """Close nominations that are due. A ballot that would not be ready (too
    few candidates, minimums that cannot be met) stays in nominations, so it
    never opens short of candidates; its manage page says why."""
    now = now or timezone.now()
    due = Ballot.objects.filter(state=S.NOMINATIONS, nominations_close_at__lte=now).values_list("pk", flat=True)
    closed = 0
    for ballot_id in due:
        try:
            ballot_nominations_close(ballot_id=ballot_id, require_ready=True)
            closed += 1
        except Conflict:
            continue
    return closed

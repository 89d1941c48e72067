"""Ballot lifecycle: draft → (nominations →) scheduled → open → closed →
counted → declared, or cancelled. Each step locks the ballot row, checks the
state it starts from and writes an audit entry; an invalid step is a clear
``invalid_transition`` error.

After the close the system's steps (count, declare when "declare
automatically" is set, queue the result e-mails, send them) each commit on
their own and resume from whatever was committed: a worker killed between
two of them leaves a state that the redelivered tally or beat's sweeps carry
on from, never one that waits forever.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ballots.error_codes import BallotErrorCode as Code
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, RollEntry
from ballots.services.handover import handover_for_ballot
from ballots.services.notifications import results_enqueue
from ballots.services.storage import vote_storage_create, vote_storage_flush, vote_storage_seal
from ballots.services.verifiable_setup import verifiable_open
from core.audit import audit_record
from core.errors import Conflict, DomainError
from core.state_machine import StateMachine
from governance import authority
from governance.gate import Act, require

logger = logging.getLogger(__name__)
S = Ballot.State


LIFECYCLE = StateMachine(
    noun="ballot",
    states=S,
    code=Code.INVALID_TRANSITION,
    moves={
        S.SCHEDULED: {S.DRAFT, S.NOMINATIONS},
        S.OPEN: {S.SCHEDULED},
        S.CLOSED: {S.OPEN},
        S.DECLARED: {S.COUNTED},
        S.CANCELLED: {S.DRAFT, S.NOMINATIONS, S.SCHEDULED, S.OPEN},
    },
)


def ballot_schedule(*, ballot_id: int, actor: Any = None) -> Ballot:
    """Draft or nominations → scheduled: the papers are settled."""
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        LIFECYCLE.move(ballot, S.SCHEDULED)
        ballot.save(update_fields=["state"])
        audit_record(actor=actor, action="ballot_scheduled", obj=ballot, unit=ballot.unit)
    return ballot


def roll_freeze(*, ballot: Ballot) -> int:
    """Evaluate the eligibility rule into the roll with one INSERT … SELECT.

    Later changes to memberships do not touch the roll. Returns its size.
    """
    members = ballot.eligibility_rule().memberships().values("person_id").distinct()
    sql, params = members.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RollEntry._meta.db_table} (ballot_id, voter_id) "  # noqa: S608 - table name is ours
            f"SELECT %s, eligible.person_id FROM ({sql}) AS eligible",
            [ballot.pk, *params],
        )
    return RollEntry.objects.filter(ballot=ballot).count()


def ballot_open(
    *,
    ballot_id: int,
    actor: Any = None,
    now: dt.datetime | None = None,
    roll_person_ids: Iterable[int] | None = None,
    send_notices: bool = True,
) -> Ballot:
    """Scheduled → open: freeze the roll and queue the notices of poll.

    ``roll_person_ids`` gives the roll directly instead of the eligibility
    rule (a secret vote in a meeting: the members checked in), and
    ``send_notices=False`` skips the e-mailed notice (they are in the room).
    """
    from ballots.services.notifications import notices_enqueue

    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        LIFECYCLE.move(ballot, S.OPEN)
        ballot.roll_frozen_at = now or timezone.now()
        ballot.save(update_fields=["state", "roll_frozen_at"])
        if roll_person_ids is None:
            size = roll_freeze(ballot=ballot)
        else:
            entries = [RollEntry(ballot=ballot, voter_id=pk) for pk in dict.fromkeys(roll_person_ids)]
            size = len(RollEntry.objects.bulk_create(entries, batch_size=5000))
        verifiable_open(ballot=ballot)  # a verifiable ballot's election and credentials, from the roll
        audit_record(actor=actor, action="ballot_opened", obj=ballot, unit=ballot.unit, detail={"roll": size})
        if send_notices:
            notices_enqueue(ballot=ballot)
        # The ballot's own vote tables; this locks nothing other ballots' votes wait for.
        vote_storage_create(ballot_id=ballot.pk)
    return ballot


def ballot_close(*, ballot_id: int, actor: Any = None, now: dt.datetime | None = None) -> Ballot:
    """Open → closed: move the papers to their final table in random order.

    Copying in one transaction, in a shuffled order, rewriting the
    participations and dropping the ballot's own storage removes the two
    links PostgreSQL keeps by itself, from the live rows and the dead ones:
    the shared transaction id (``xmin``) of a participation and its paper,
    and physical row order (``services/storage.py``). Votes stopped at
    ``closes_at`` already (the vote function checks the database's clock);
    this only finalises. The tally is queued when this commits.
    """
    from ballots.tasks import tally_ballot

    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        LIFECYCLE.move(ballot, S.CLOSED)
        ballot.closed_at = now or timezone.now()
        ballot.save(update_fields=["state", "closed_at"])
        vote_storage_seal(ballot=ballot)
        audit_record(actor=actor, action="ballot_closed", obj=ballot, unit=ballot.unit)
        transaction.on_commit(vote_storage_flush, robust=True)
        # robust: a broker outage must not turn a committed close into an
        # error; ballots_close_due re-queues tallies of ballots left closed.
        transaction.on_commit(lambda: tally_ballot.delay(ballot.pk), robust=True)
    return ballot


def _declare(ballot: Ballot, actor: Any) -> None:
    """Counted → declared, in the caller's transaction, holding the ballot's
    row lock: the state, the new office holders, the audit entry and one
    outbox row per voter commit together or not at all, so a worker killed
    anywhere in between leaves the ballot counted with nothing sent."""
    LIFECYCLE.move(ballot, S.DECLARED)
    ballot.declared_at = timezone.now()
    ballot.save(update_fields=["state", "declared_at"])
    handover_for_ballot(ballot=ballot, actor=actor)
    audit_record(actor=actor, action="ballot_declared", obj=ballot, unit=ballot.unit)
    results_enqueue(ballot=ballot)
    # robust: a broker outage must not undo a declaration; beat's
    # ballots.publish_missing_result_files builds what was not queued.
    from ballots.tasks import publish_result_files  # the tasks module imports this one

    transaction.on_commit(lambda: publish_result_files.delay(ballot.pk), robust=True)


def ballot_declare(*, ballot_id: int, actor: Any = None) -> Ballot:
    """Counted → declared: publish, hand office to the winners, e-mail the result.

    The public files (BLT, CSV, count sheet, trackers) are built by a task
    queued on commit, so the declaration does not hold the ballot's lock
    while a large ballot's papers are written out; until it has run the
    downloads answer 503 with Retry-After (``ballots.services.publishing``)."""
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        require(actor, Act.DECLARE, ballot)
        _declare(ballot, actor)
    return ballot


def ballot_declare_automatic(*, ballot_id: int) -> bool:
    """Declare a counted ballot set to "declare automatically"; do nothing
    for any other (declared already, held for the returning officer).

    The system's step after the count, safe to run any number of times: the
    tally runs it after counting, and again when its message is redelivered
    after a worker died between the count and the declaration; the sweep
    (:func:`ballots_resume_stuck`) runs it through the tally if both were
    lost. Returns whether it declared."""
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        if ballot.state != S.COUNTED or not ballot.declare_automatically:
            return False
        _declare(ballot, None)
    return True


def may_cancel_open(*, user: Any, ballot: Ballot) -> bool:
    """Stopping a poll under way is the returning officer's act, or a
    national administrator's; other officers of the unit may not."""
    return authority.is_returning_officer(user, ballot) or authority.is_national_administrator(user)


def ballot_cancel(*, ballot_id: int, actor: Any = None, reason: str = "") -> Ballot:
    """Cancel a ballot that has not closed. Papers already cast stay sealed
    where they are (nobody reads or counts them), so a cancel found wrong can
    be reversed with :func:`ballot_reopen`. ``actor=None`` is the system.
    """
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        if ballot.state == S.OPEN:
            require(actor, Act.STOP_BALLOT, ballot, doing="cancel a ballot that is open")
        was_open = ballot.state == S.OPEN
        LIFECYCLE.move(ballot, S.CANCELLED)
        ballot.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="ballot_cancelled",
            obj=ballot,
            unit=ballot.unit,
            detail={"reason": reason, **({"while_open": True} if was_open else {})},
        )
    return ballot


def ballot_reopen(*, ballot_id: int, actor: Any = None, reason: str = "") -> Ballot:
    """Cancelled (while open) → open again, with the papers cast before the
    cancel and the same roll. If its closing time has passed, beat closes
    and counts it at once. The returning officer's act, or a national
    administrator's."""
    reason = reason.strip()
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        require(actor, Act.STOP_BALLOT, ballot, doing="re-open a cancelled ballot")
        if not reason:
            raise DomainError(Code.REASON_REQUIRED, "Say why the ballot is re-opened.")
        if ballot.state != S.CANCELLED or ballot.roll_frozen_at is None or ballot.closed_at is not None:
            raise Conflict(Code.INVALID_TRANSITION, "Only a ballot cancelled while it was open can be re-opened.")
        ballot.state = S.OPEN
        ballot.save(update_fields=["state"])
        audit_record(
            actor=actor, action="ballot_reopened", obj=ballot, unit=ballot.unit, detail={"reason": reason[:1000]}
        )
        vote_storage_create(ballot_id=ballot.pk)
    return ballot


def ballots_open_due(*, now: dt.datetime | None = None) -> int:
    """Open every scheduled ballot whose time has come; safe to run twice."""
    now = now or timezone.now()
    opened = 0
    for ballot_id in Ballot.objects.filter(state=S.SCHEDULED, opens_at__lte=now).values_list("pk", flat=True):
        try:
            ballot_open(ballot_id=ballot_id, now=now)
            opened += 1
        except Conflict:
            continue  # another beat or worker got there first
    return opened


TALLY_RETRY_AFTER = dt.timedelta(minutes=2)


def ballots_resume_stuck(*, now: dt.datetime) -> int:
    """Re-queue the tally of every ballot stuck a while between two steps;
    returns how many.

    Closed and not counted (the tally message was lost, say, to a broker
    outage), or counted with "declare automatically" and not declared (the
    worker died between the count and the declaration, and its message is
    gone too). The tally resumes from what was committed, so a ballot still
    being counted or declared when this runs is merely skipped by it. The
    last step, sending the result e-mails, is the outbox's own sweep."""
    from ballots.tasks import tally_ballot

    cutoff = now - TALLY_RETRY_AFTER
    closed = Ballot.objects.filter(state=S.CLOSED, closed_at__lt=cutoff)
    undeclared = (
        Ballot.objects.filter(state=S.COUNTED, declare_automatically=True, closed_at__lt=cutoff).exclude(
            questions__result__counted_at__gte=cutoff
        )  # not counted (or recounted) just now
    )
    stuck = list(closed.values_list("pk", flat=True)) + list(undeclared.values_list("pk", flat=True))
    for ballot_id in stuck:
        tally_ballot.delay(ballot_id)
    return len(stuck)


def ballots_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every open ballot past its closing time; safe to run twice.

    First re-queues the tally of any ballot stuck after its close
    (:func:`ballots_resume_stuck`).
    """
    now = now or timezone.now()
    ballots_resume_stuck(now=now)
    closed = 0
    for ballot_id in Ballot.objects.filter(state=S.OPEN, closes_at__lte=now).values_list("pk", flat=True):
        try:
            ballot_close(ballot_id=ballot_id, now=now)
            closed += 1
        except Conflict:
            continue
    return closed

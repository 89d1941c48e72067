"""What the meetings app may use of ballots: one narrow door.

A secret vote in the room is a ballot like any other (stored, cast, closed
and counted by ballots' own services, so it keeps every property of an
online ballot's secrecy), and an election item on an agenda links to one of
the unit's online ballots. Meetings reach both through this module only
(an import-linter contract forbids them ``ballots.models``,
``ballots.services`` and ``ballots.selectors``), and get back ids, booleans,
counts and frozen dataclasses, never a ballot's rows: a change to ballots'
tables or services stops at this file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ballots.models import Ballot, Participation, Question, Result, RollEntry
from ballots.services.casting import CastReceipt, vote_cast
from ballots.services.lifecycle import ballot_close
from ballots.services.room_ballots import room_motion_ballot_open
from ballots.services.tallying import ballot_tally
from core.errors import Conflict, DomainError, ErrorCode

__all__ = [
    "AgendaBallot",
    "CastReceipt",
    "RoomBallotResult",
    "agenda_ballot",
    "agenda_ballots",
    "room_ballot_cast",
    "room_ballot_close",
    "room_ballot_has_voted",
    "room_ballot_on_roll",
    "room_ballot_open",
    "room_ballot_result",
    "room_ballot_roll_size",
    "room_ballot_roll_voter_ids",
    "room_ballot_turnout",
]

# A room vote's threshold, in the meeting's words, as the ballot's question stores it.
THRESHOLDS: Mapping[str, str] = {
    "simple": Question.Threshold.SIMPLE,
    "two_thirds": Question.Threshold.TWO_THIRDS,
}


@dataclass(frozen=True)
class RoomBallotResult:
    """A counted room vote: the engine's count sheet as stored, and how many papers it counted."""

    count_sheet: Mapping[str, Any]
    papers_counted: int


@dataclass(frozen=True)
class AgendaBallot:
    """An online ballot an election item on a meeting's agenda may link to."""

    id: int
    title: str
    unit_id: int


def room_ballot_open(
    *,
    unit: Any,
    title: str,
    text: str,
    actor: Any,
    threshold: str,
    roll_person_ids: Iterable[int],
    motion: Any = None,
) -> int:
    """Open, in the caller's transaction, a for/against/abstain ballot for
    the people in the room (``roll_person_ids``); ``threshold`` is
    ``"simple"`` or ``"two_thirds"``. Returns the ballot's id."""
    if threshold not in THRESHOLDS:
        raise DomainError(ErrorCode.INVALID, "A vote in the room needs a simple majority or two-thirds.")
    ballot = room_motion_ballot_open(
        unit=unit,
        title=title,
        text=text,
        actor=actor,
        threshold=THRESHOLDS[threshold],
        roll_person_ids=roll_person_ids,
        motion=motion,
    )
    return ballot.pk


def room_ballot_cast(*, ballot_id: int, voter: Any, choice: str, idempotency_key: str = "") -> CastReceipt:
    """Cast ``voter``'s paper for ``choice`` (``"for"``, ``"against"`` or
    ``"abstain"``) through ballots' one casting service, which keeps the
    paper apart from the participation and refuses a second vote."""
    question = Question.objects.get(ballot_id=ballot_id)
    option = question.options.filter(choice=choice).first()
    if option is None:
        raise DomainError(ErrorCode.INVALID, "Vote for, against or abstain.")
    return vote_cast(
        ballot_id=ballot_id, voter=voter, answers={question.pk: [option.pk]}, idempotency_key=idempotency_key
    )


def room_ballot_close(*, ballot_id: int, actor: Any) -> None:
    """Close and count a room vote's ballot, in the caller's transaction.

    Closing is skipped if beat's sweep already closed the ballot at its
    closing time (a vote the chair left open overnight must still close,
    not stick the meeting). Counted here, so the room's vote is decided by
    the close itself: the tally ``ballot_close`` queues on commit recounts
    the same papers with the same seed and changes nothing."""
    try:
        ballot_close(ballot_id=ballot_id, actor=actor)
    except Conflict:
        if Ballot.objects.filter(pk=ballot_id, state=Ballot.State.OPEN).exists():
            raise
    ballot_tally(ballot_id=ballot_id)


def room_ballot_result(*, ballot_id: int) -> RoomBallotResult | None:
    """The stored count of a room vote's ballot, or None before it is counted."""
    result = Result.objects.filter(question__ballot_id=ballot_id).values("count_sheet", "papers_counted").first()
    if result is None:
        return None
    return RoomBallotResult(count_sheet=dict(result["count_sheet"]), papers_counted=int(result["papers_counted"]))


def room_ballot_turnout(*, ballot_id: int) -> int:
    """How many have voted (participations: who voted, never how)."""
    return Participation.objects.filter(ballot_id=ballot_id).count()


def room_ballot_has_voted(*, ballot_id: int, person_id: int) -> bool:
    """Whether ``person_id``'s vote is in, read from the participations, never from a paper."""
    return Participation.objects.filter(ballot_id=ballot_id, voter_id=person_id).exists()


def room_ballot_on_roll(*, ballot_id: int, person_id: int) -> bool:
    """Whether ``person_id`` is on the roll frozen when the vote opened."""
    return RollEntry.objects.filter(ballot_id=ballot_id, voter_id=person_id).exists()


def room_ballot_roll_size(*, ballot_id: int) -> int:
    """How many may vote: the size of the roll frozen when the vote opened."""
    return RollEntry.objects.filter(ballot_id=ballot_id).count()


def room_ballot_roll_voter_ids(*, ballot_id: int) -> list[int]:
    """Who may vote, as person ids: the roll frozen when the vote opened (for
    the chair's list; who has voted is not here)."""
    return list(RollEntry.objects.filter(ballot_id=ballot_id).values_list("voter_id", flat=True))


def agenda_ballots(*, unit_id: int, limit: int = 20) -> list[AgendaBallot]:
    """The unit's online ballots (not room votes, not cancelled), newest
    closing first, for an election item on an agenda."""
    rows = (
        Ballot.objects.filter(unit_id=unit_id, origin=Ballot.Origin.ONLINE)
        .exclude(state=Ballot.State.CANCELLED)
        .values_list("pk", "title", "unit_id")[:limit]
    )
    return [AgendaBallot(id=pk, title=title, unit_id=unit) for pk, title, unit in rows]


def agenda_ballot(*, ballot_id: int) -> AgendaBallot | None:
    """One ballot by id, or None if there is none."""
    row = Ballot.objects.filter(pk=ballot_id).values_list("pk", "title", "unit_id").first()
    return AgendaBallot(id=row[0], title=row[1], unit_id=row[2]) if row else None

"""Votes in a meeting: open (named), counted hands, or secret via the ballots app.

Every vote is counted by the one counting engine (``ballots.counting``), so
a two-thirds rule means the same thing here as in an online ballot. A secret
vote is a ``Ballot`` with one motion question whose roll is the members
checked in when it opens; opening, casting, closing and counting go through
ballots' own services (by their one door for meetings, ``ballots.for_meetings``),
so its secrecy and receipts are the ballots app's own. It is a meeting's vote, not a postal
ballot: no notice, reminder or result e-mail, not declared to the roll, not
listed among the unit's ballots, and decided when the chair closes it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots.counting import Motion as EngineMotion
from ballots.counting import Threshold, count
from ballots.for_meetings import CastReceipt, room_ballot_close, room_ballot_open, room_ballot_result
from ballots.thresholds import breakdown_allowed
from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode
from core.glossary import vote_figures
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import (
    amendment_for_update,
    amendment_with_motion_for_update,
    meeting_for_update,
    motion_for_update,
    vote_for_update,
)
from meetings.models import AgendaItem, Amendment, Attendance, Meeting, MeetingVote, Motion
from meetings.services.amendments import amendment_record_vote
from meetings.services.casting import meeting_vote_record
from meetings.services.live import room_changed
from meetings.services.meetings import require_officer
from meetings.services.motions import motion_record_vote
from meetings.services.proxies import open_vote_tally, proxy_roll_additions, proxy_tally, voting_strength

V = MeetingVote.State
ENGINE_THRESHOLD = {
    MeetingVote.Threshold.SIMPLE: Threshold.SIMPLE_MAJORITY,
    MeetingVote.Threshold.TWO_THIRDS: Threshold.TWO_THIRDS,
}


def _secret_ballot_open(*, vote: MeetingVote, meeting: Meeting, actor: Any, text: str) -> int:
    """A ballot for one secret vote in the room, open now, whose roll is the
    members checked in (and principals voting by proxy), through ballots' service."""
    present = Attendance.objects.filter(meeting=meeting, checked_out_at__isnull=True).values_list(
        "person_id", flat=True
    )
    return room_ballot_open(
        unit=meeting.unit,
        title=f"{meeting.title}: {vote.title}"[:200],
        text=text,
        actor=actor,
        threshold=MeetingVote.Threshold(vote.threshold).value,
        roll_person_ids=[*present, *proxy_roll_additions(meeting=meeting)],
        motion=vote.motion,
    )


def meeting_vote_open(
    *,
    meeting_id: int,
    actor: Any,
    mode: str,
    motion: Motion | None = None,
    amendment: Amendment | None = None,
    title: str = "",
    threshold: str | None = None,
) -> MeetingVote:
    """Put a question to the meeting. A motion's seconded amendments must be
    decided first; a constitutional amendment is always held to two-thirds."""
    if mode not in MeetingVote.Mode.values:
        raise DomainError(ErrorCode.INVALID, "Choose how the meeting votes: open, hands or secret.")
    if motion is not None and amendment is not None:
        raise DomainError(ErrorCode.INVALID, "A vote is on a motion or on an amendment, not both.")
    with transaction.atomic():
        meeting = meeting_for_update(meeting_id=meeting_id)
        require_officer(user=actor, unit=meeting.unit, doing="call votes")
        if meeting.state != Meeting.State.IN_PROGRESS:
            raise Conflict(Code.NOT_IN_PROGRESS, "The meeting is not in progress.")
        _settle_lapsed(meeting=meeting, actor=actor)
        if meeting.votes.filter(state=V.OPEN).exists():
            raise Conflict(Code.VOTE_ALREADY_OPEN, "Another vote is open: close it first.")
        text = ""
        wanted = threshold or MeetingVote.Threshold.SIMPLE
        if motion is not None:
            motion = motion_for_update(motion_id=motion.pk)
            if motion.unit_id != meeting.unit_id:
                raise DomainError(Code.WRONG_UNIT, "That motion belongs to another unit.")
            if motion.state != Motion.State.IN_ORDER:
                raise Conflict(Code.INVALID_TRANSITION, f"This motion is {motion.get_state_display().lower()}.")
            if motion.amendments.filter(state=Amendment.State.SECONDED).exists():
                raise Conflict(Code.PENDING_AMENDMENTS, "Vote on the seconded amendments before the motion.")
            if motion.amends_constitution:
                wanted = MeetingVote.Threshold.TWO_THIRDS
            title, text = title or motion.title, motion.text
        elif amendment is not None:
            amendment = amendment_for_update(amendment_id=amendment.pk)
            if amendment.motion.unit_id != meeting.unit_id:
                raise DomainError(Code.WRONG_UNIT, "That amendment belongs to another unit.")
            if amendment.state != Amendment.State.SECONDED:
                raise Conflict(
                    Code.INVALID_TRANSITION,
                    f"This amendment is {amendment.get_state_display().lower()}; only a seconded amendment is voted on.",
                )
            title, text = title or f"Amendment: {amendment.summary}", amendment.text
        if not title.strip():
            raise DomainError(ErrorCode.INVALID, "Say what the meeting is voting on.")
        item = meeting.agenda_items.filter(state=AgendaItem.State.CURRENT).first()
        vote = MeetingVote.objects.create(
            meeting=meeting,
            agenda_item=item,
            motion=motion,
            amendment=amendment,
            title=title.strip()[:200],
            mode=mode,
            threshold=wanted,
            present=voting_strength(meeting=meeting),  # the room, its proxies and delegates' weights
            opened_by=actor,
        )
        if mode == MeetingVote.Mode.SECRET:
            vote.ballot_id = _secret_ballot_open(vote=vote, meeting=meeting, actor=actor, text=text)
            vote.save(update_fields=["ballot"])
        audit_record(actor=actor, action="meeting_vote_opened", obj=vote, unit=meeting.unit, detail={"mode": mode})
    room_changed(meeting_id=vote.meeting_id)
    return vote


def meeting_vote_cast(*, vote_id: int, voter: Any, choice: str, idempotency_key: str = "") -> CastReceipt | None:
    """A member present votes from their phone. Open votes record the name;
    secret votes go through ``vote_cast`` and return its receipt. The same
    recorder as a proxy's vote, so a member has one vote however cast."""
    return meeting_vote_record(
        vote_id=vote_id, principal_id=voter.pk, cast_by=voter, choice=choice, idempotency_key=idempotency_key
    )


def _count(vote: MeetingVote, votes_for: int, votes_against: int, abstentions: int) -> None:
    result = count(
        "motion",
        EngineMotion(
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            threshold=ENGINE_THRESHOLD[MeetingVote.Threshold(vote.threshold)],
            # Late arrivals may vote after the electorate was fixed at the
            # opening: never below the turnout, or the engine refuses the count.
            electorate=max(vote.present, votes_for + votes_against + abstentions) or None,
            title=vote.title,
        ),
    )
    vote.votes_for, vote.votes_against, vote.abstentions = votes_for, votes_against, abstentions
    vote.carried = result.carried
    vote.result = result.to_json()


def _withhold_figures(vote: MeetingVote, *, voters: int) -> None:
    """A secret vote with fewer voters than the threshold keeps only its
    outcome: per-choice figures would tell each voter how the others voted.
    They are not stored on the meeting's vote at all, so no page, feed, API,
    e-mail or minutes can show them (``ballots/thresholds.py``)."""
    vote.votes_for = vote.votes_against = vote.abstentions = None
    vote.result = {"carried": vote.carried, "figures_withheld": True, "voters": voters}


def _figures(vote: MeetingVote) -> str:
    rule = "two-thirds required" if vote.threshold == MeetingVote.Threshold.TWO_THIRDS else "simple majority"
    outcome = "Carried" if vote.carried else "Lost"
    if vote.result.get("figures_withheld"):
        return f"{outcome} ({rule}; secret ballot; figures withheld: too few voted to publish them)."
    return (
        f"{outcome}: {vote_figures(vote.votes_for or 0, vote.votes_against or 0, vote.abstentions or 0)} "
        f"({rule}; {vote.get_mode_display().lower()})."
    )


def _decide(vote: MeetingVote) -> None:
    """Record the outcome on the motion or amendment, and on the agenda item."""
    vote.state = V.DECIDED
    vote.save()
    note = _figures(vote)
    if vote.amendment_id is not None:
        amendment_record_vote(
            amendment=amendment_with_motion_for_update(amendment_id=vote.amendment_id),
            carried=bool(vote.carried),
            note=note,
        )
    elif vote.motion_id is not None:
        motion_record_vote(motion=motion_for_update(motion_id=vote.motion_id), carried=bool(vote.carried), note=note)
    if vote.agenda_item_id is not None:
        item = AgendaItem.objects.select_for_update().get(pk=vote.agenda_item_id)
        item.decision = "\n".join(filter(None, [item.decision, f"{vote.title} — {note}"]))
        item.save(update_fields=["decision"])
    audit_record(
        actor=None, action="meeting_vote_decided", obj=vote, unit=vote.meeting.unit, detail={"carried": vote.carried}
    )


def meeting_vote_close(
    *,
    vote_id: int,
    actor: Any,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
) -> MeetingVote:
    """Close a vote and decide it, in one transaction. Hands need the
    chair's figures; open votes are counted from the names; a secret vote's
    ballot is closed (papers shuffled, its storage dropped) and counted by
    the one engine, and its result decides the motion or amendment."""
    with transaction.atomic():
        vote = vote_for_update(vote_id=vote_id)
        require_officer(user=actor, unit=vote.meeting.unit, doing="close votes")
        if vote.state != V.OPEN:
            raise Conflict(Code.VOTE_NOT_OPEN, "This vote is already closed.")
        _close(vote, actor=actor, hands=(votes_for, votes_against, abstentions))
        audit_record(actor=actor, action="meeting_vote_closed", obj=vote, unit=vote.meeting.unit)
    room_changed(meeting_id=vote.meeting_id)
    return vote


def _close(vote: MeetingVote, *, actor: Any, hands: tuple[int | None, int | None, int | None]) -> None:
    """Close and decide ``vote``; the caller holds its row lock and has
    checked that it is open."""
    votes_for, votes_against, abstentions = hands
    vote.closed_at = timezone.now()
    if vote.mode == MeetingVote.Mode.HANDS:
        figures = [votes_for, votes_against, abstentions or 0]
        if votes_for is None or votes_against is None or any(n < 0 for n in figures):  # type: ignore[operator]
            raise DomainError(Code.BAD_FIGURES, "Enter the number for and against (and abstentions).")
        by_proxy = proxy_tally(vote=vote)  # recorded apart, added to the room's hands
        room = vote.present - sum(by_proxy)  # the votes left for hands in the room
        if sum(figures) > room:  # type: ignore[arg-type]
            raise DomainError(
                Code.BAD_FIGURES,
                f"{sum(figures)} hands counted, but only {room} can vote in the room"  # type: ignore[arg-type]
                + (f" ({sum(by_proxy)} proxy votes were cast on phones)." if any(by_proxy) else "."),
            )
        _count(vote, votes_for + by_proxy[0], votes_against + by_proxy[1], (abstentions or 0) + by_proxy[2])  # type: ignore[operator]
        vote.result["by_proxy"] = dict(zip(("for", "against", "abstain"), by_proxy, strict=True))
        _decide(vote)
    elif vote.mode == MeetingVote.Mode.OPEN:
        _count(vote, *open_vote_tally(vote=vote))  # names, proxies and delegates' weights
        _decide(vote)
    else:
        vote.state = V.CLOSED
        vote.save(update_fields=["state", "closed_at"])
        # Closed and counted here, in the closing transaction, so the
        # motion is decided by the close itself and the room sees the
        # result at once (a ballot beat's sweep already closed at its
        # closing time is counted the same way, to the same result).
        room_ballot_close(ballot_id=vote.ballot_id, actor=actor)  # type: ignore[arg-type]
        _record_secret_result(vote)


def _settle_lapsed(*, meeting: Meeting, actor: Any) -> None:
    """Close every open secret vote of ``meeting`` whose ballot's closing
    time has passed, recording the count of the papers cast before it: no
    more votes can be cast in it, so it must never block the next vote. The
    caller holds the meeting's row lock and has checked ``actor`` may."""
    lapsed = meeting.votes.filter(state=V.OPEN, mode=MeetingVote.Mode.SECRET, ballot__closes_at__lte=timezone.now())
    for vote_id in lapsed.values_list("pk", flat=True):
        vote = vote_for_update(vote_id=vote_id)
        _close(vote, actor=actor, hands=(None, None, None))
        audit_record(actor=actor, action="meeting_vote_closed", obj=vote, unit=meeting.unit, detail={"lapsed": True})


def _record_secret_result(vote: MeetingVote) -> None:
    """Decide a closed secret vote from its ballot's stored result, if
    counted. The caller holds the vote's row lock."""
    if vote.state != V.CLOSED or vote.ballot_id is None:
        return
    result = room_ballot_result(ballot_id=vote.ballot_id)
    if result is None:
        return
    sheet = dict(result.count_sheet)
    _count(vote, int(sheet["votes_for"]), int(sheet["votes_against"]), int(sheet["abstentions"]))
    vote.result = sheet
    vote.carried = bool(sheet["carried"])
    if not breakdown_allowed(voters=result.papers_counted):
        _withhold_figures(vote, voters=result.papers_counted)
    _decide(vote)


def meeting_vote_refresh(*, vote_id: int) -> MeetingVote:
    """Record a closed secret vote's result from its counted ballot again.
    The chair's close already does this in its own transaction; this is the
    idempotent repair for a vote whose record was lost. Never call it from a
    GET: it writes."""
    with transaction.atomic():
        vote = vote_for_update(vote_id=vote_id)
        _record_secret_result(vote)
    room_changed(meeting_id=vote.meeting_id)
    return vote

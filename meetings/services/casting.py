"""A member's vote in a meeting vote: one place records it, whoever casts it.

The member on their own phone and their proxy on the holder's phone are two
ways of casting the same member's one vote. Both come here, so the checks
are the same and the record is the same: in an open or counted-hands vote
one ``OpenVoteCast`` row per member (``holder`` set when a proxy cast it),
whose unique (vote, voter) constraint makes a second vote for the member
impossible in either order and under any race; in a secret vote the paper
goes through ballots' casting service (``ballots.for_meetings.room_ballot_cast``) under the member's name
on the roll, whose participation row does the same.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from ballots.for_meetings import CastReceipt, room_ballot_cast
from core.errors import Conflict, DomainError, ErrorCode, NotPermitted
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import vote_for_update, vote_get
from meetings.models import MeetingDelegate, MeetingVote, OpenVoteCast, ProxyAppointment
from meetings.selectors import is_checked_in
from meetings.services.live import room_vote_cast
from meetings.voting_rights import vote_right


def delegate_weight(*, meeting_id: int, person_id: int) -> int:
    """A delegate's weight at a delegate meeting; 1 for everyone else."""
    found = MeetingDelegate.objects.filter(meeting_id=meeting_id, person_id=person_id).values_list("weight", flat=True)
    return next(iter(found), 1)


def _principal_for(*, vote: MeetingVote, principal_id: int, cast_by: Any) -> Any:
    """The member whose vote ``cast_by`` may cast, or a refusal: themself if
    they are in the room; a principal whose active proxy they hold, if they
    are in the room and the principal is not."""
    if principal_id == cast_by.pk:
        right = vote_right(vote=vote, person=cast_by)
        if not right.may:
            raise right.refusal()
        return cast_by
    appointment = (
        ProxyAppointment.objects.filter(
            meeting_id=vote.meeting_id, holder=cast_by, principal_id=principal_id, revoked_at__isnull=True
        )
        .select_related("principal")
        .first()
    )
    if appointment is None:
        raise NotPermitted(Code.NOT_A_PROXY, "You do not hold that member's proxy at this meeting.")
    if not is_checked_in(meeting=vote.meeting, person=cast_by):
        raise NotPermitted(Code.NOT_CHECKED_IN, "Check in to the meeting before you vote.")
    principal = appointment.principal
    if is_checked_in(meeting=vote.meeting, person=principal):
        raise Conflict(Code.NOT_A_PROXY, f"{principal} is in the room and votes in person.")
    return principal


def _already_voted(*, vote: MeetingVote, principal: Any, cast_by: Any) -> Conflict:
    """The refusal of a second vote for ``principal``, saying who cast the first."""
    first = OpenVoteCast.objects.filter(vote=vote, voter=principal).values_list("holder_id", flat=True).first()
    by_proxy = first is not None
    if cast_by.pk == principal.pk:
        message = "Your proxy has already voted for you on this." if by_proxy else "You have already voted on this."
    elif by_proxy:
        message = f"You have already voted for {principal} on this."
    else:
        message = f"{principal} has already voted in person on this."
    return Conflict(Code.ALREADY_VOTED, message)


def meeting_vote_record(
    *, vote_id: int, principal_id: int, cast_by: Any, choice: str, idempotency_key: str = ""
) -> CastReceipt | None:
    """Record ``principal_id``'s vote in a meeting vote, cast by ``cast_by``
    (the member themself, or the holder of their proxy). A secret vote
    returns the ballot's receipt; an open or counted-hands vote returns None.
    Raises ``Conflict(already_voted)`` if the member's vote is already in,
    however it was cast."""
    if choice not in OpenVoteCast.Choice.values:
        raise DomainError(ErrorCode.INVALID, "Vote for, against or abstain.")
    vote = vote_get(vote_id=vote_id)
    principal = _principal_for(vote=vote, principal_id=principal_id, cast_by=cast_by)
    if vote.mode == MeetingVote.Mode.SECRET:
        if vote.state != MeetingVote.State.OPEN or vote.ballot_id is None:
            raise Conflict(Code.VOTE_NOT_OPEN, "This vote is closed.")
        receipt = room_ballot_cast(
            ballot_id=vote.ballot_id, voter=principal, choice=choice, idempotency_key=idempotency_key
        )
        room_vote_cast(meeting_id=vote.meeting_id)
        return receipt
    with transaction.atomic():
        vote = vote_for_update(vote_id=vote_id)
        if vote.state != MeetingVote.State.OPEN:
            raise Conflict(Code.VOTE_NOT_OPEN, "This vote is closed.")
        try:
            with transaction.atomic():
                OpenVoteCast.objects.create(
                    vote=vote,
                    voter=principal,
                    holder=None if principal.pk == cast_by.pk else cast_by,
                    choice=choice,
                    weight=delegate_weight(meeting_id=vote.meeting_id, person_id=principal.pk),
                )
        except IntegrityError:
            raise _already_voted(vote=vote, principal=principal, cast_by=cast_by) from None
    room_vote_cast(meeting_id=vote.meeting_id)  # self and proxy alike move the room's counter
    return None

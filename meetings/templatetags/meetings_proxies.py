"""The proxy holder's part of the meeting page: one vote for each principal
not in the room, and the link to appoint a proxy before the meeting."""

from __future__ import annotations

from typing import Any

from django import template

from ballots.for_meetings import room_ballot_has_voted
from meetings.models import Meeting, MeetingVote, OpenVoteCast
from meetings.selectors import is_checked_in, standing_orders_of_meeting
from meetings.services.proxies import BEFORE_THE_MEETING, proxies_held, proxy_of

register = template.Library()


@register.inclusion_tag("meetings/_proxy_votes.html", takes_context=True)
def proxy_votes(context: dict[str, Any], meeting: Meeting, vote: MeetingVote | None) -> dict[str, Any]:
    """For a holder checked in while a vote is open: each principal, whether
    their vote is already in, and the buttons to cast it. Whether a secret
    vote's principal has voted is read from the roll's participations (who
    voted), never from a paper."""
    user = context["request"].user
    rows: list[dict[str, Any]] = []
    if vote is not None and vote.state == MeetingVote.State.OPEN and is_checked_in(meeting=meeting, person=user):
        for appointment in proxies_held(meeting=meeting, holder=user):
            principal = appointment.principal
            if vote.mode == MeetingVote.Mode.SECRET and vote.ballot_id is not None:
                voted = room_ballot_has_voted(ballot_id=vote.ballot_id, person_id=principal.pk)
            else:
                voted = OpenVoteCast.objects.filter(vote=vote, voter=principal).exists()  # in person or by proxy
            rows.append(
                {"principal": principal, "voted": voted, "present": is_checked_in(meeting=meeting, person=principal)}
            )
    return {"vote": vote, "rows": rows, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("meetings/_proxy_link.html", takes_context=True)
def proxy_link(context: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    user = context["request"].user
    allowed = meeting.state in BEFORE_THE_MEETING and standing_orders_of_meeting(meeting=meeting).proxies_allowed
    return {
        "meeting": meeting,
        "show": allowed and user.is_authenticated,
        "mine": proxy_of(meeting=meeting, principal=user) if allowed else None,
        "officer": context.get("is_officer", False),
    }

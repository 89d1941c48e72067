"""Meeting pages for members and observers: the list, a meeting's page
(agenda, check-in, voting from a phone, decisions, minutes), the projector
and its JSON feed, and requisitions."""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from meetings import permissions, selectors
from meetings.access import find_meeting
from meetings.models import Meeting, MeetingVote, Minutes, Requisition
from meetings.room import officers_live
from meetings.services.attendance import attendance_check_in
from meetings.services.requisitions import requisition_sign, requisition_start
from meetings.services.votes import meeting_vote_cast
from meetings.throttling import check_in_wait
from meetings.views.common import act, cast_and_return, unit_or_404
from meetings.voting_rights import vote_right


def meeting_index(request: HttpRequest) -> HttpResponse:
    mine = selectors.meetings_for_person(person=request.user) if request.user.is_authenticated else None
    return render(
        request,
        "meetings/index.html",
        {
            "upcoming": selectors.meeting_list_upcoming()[:50],
            "past": selectors.meeting_list_past()[:20],
            "mine": mine,
        },
    )


def _meeting_or_404(meeting_id: int) -> Meeting:
    return find_meeting(meeting_id)


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(meeting_id)
    user = request.user
    vote = selectors.vote_current(meeting=meeting)
    is_officer = permissions.is_officer(user=user, unit=meeting.unit)
    minutes = selectors.minutes_for_meeting(meeting=meeting)
    show_minutes = minutes is not None and (minutes.state == Minutes.State.APPROVED or is_officer)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "live": selectors.live_state(meeting=meeting),
            "checked_in": selectors.is_checked_in(meeting=meeting, person=user),
            "vote": vote,
            "has_voted": vote is not None and selectors.has_voted(vote=vote, person=user),
            "vote_right": vote_right(vote=vote, person=user) if vote is not None else None,
            "is_officer": is_officer,
            "minutes": minutes if show_minutes else None,
            "minutes_text": minutes.versions.first().text if show_minutes and minutes else "",  # type: ignore[union-attr]
            "names": selectors.open_vote_names(vote=vote)
            if vote
            and vote.mode == "open"
            and vote.state == "decided"
            and permissions.may_see_open_vote_names(
                user=user,
                unit=meeting.unit,
                names_public=selectors.standing_orders_of_meeting(meeting=meeting).open_votes_public,
            )
            else None,
            "room_code_from_link": request.GET.get("code", "")[:8],
            "decided_votes": meeting.votes.filter(state=MeetingVote.State.DECIDED).order_by("opened_at", "id"),
        },
    )


@login_required
@require_POST
def meeting_check_in(request: HttpRequest, meeting_id: int) -> HttpResponse:
    wait = check_in_wait(request)  # the same limit as the API's check-in
    if wait is not None:
        response = render(
            request,
            "meetings/check_in_limited.html",
            {"meeting_id": meeting_id, "minutes": math.ceil(wait / 60)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    return act(
        request,
        lambda: attendance_check_in(meeting_id=meeting_id, person=request.user, room_code=request.POST.get("code", "")),
        success="You are checked in.",
        back=f"/meetings/{meeting_id}/",
    )


@login_required
@require_POST
def vote_cast(request: HttpRequest, vote_id: int) -> HttpResponse:
    return cast_and_return(
        request,
        vote_id,
        lambda: meeting_vote_cast(
            vote_id=vote_id,
            voter=request.user,
            choice=request.POST.get("choice", ""),
            idempotency_key=request.POST.get("idempotency_key", ""),
        ),
        recorded="Your vote is recorded.",
        receipt="Your receipt",
    )


def meeting_live_json(request: HttpRequest, meeting_id: int) -> JsonResponse:
    """What the projector polls: quorum and the current vote. Figures of a
    vote appear only once it is decided; while open, only how many voted,
    and for a secret vote not even that, except to the meeting's officers."""
    meeting = _meeting_or_404(meeting_id)
    chair_view = permissions.is_officer(user=request.user, unit=meeting.unit)
    state = officers_live(meeting=meeting) if chair_view else selectors.live_state(meeting=meeting)
    response = JsonResponse(state)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def requisition_list(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_or_404(unit_slug)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        return act(
            request,
            lambda: requisition_start(unit=unit, person=request.user, purpose=request.POST.get("purpose", "")),
            success="Requisition started with your signature.",
            back=f"/meetings/requisitions/{unit.slug}/",
        )
    requisitions = Requisition.objects.filter(unit=unit).prefetch_related("signatures")
    return render(
        request,
        "meetings/requisitions.html",
        {"unit": unit, "requisitions": requisitions, "orders": selectors.standing_orders_for(unit=unit)},
    )


@login_required
@require_POST
def requisition_sign_view(request: HttpRequest, requisition_id: int) -> HttpResponse:
    requisition = Requisition.objects.select_related("unit").filter(pk=requisition_id).first()
    if requisition is None:
        raise Http404
    return act(
        request,
        lambda: requisition_sign(requisition_id=requisition_id, person=request.user),
        success="You signed the requisition.",
        back=f"/meetings/requisitions/{requisition.unit.slug}/",
    )

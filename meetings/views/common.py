"""Helpers shared by the meetings views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core.views_forms import done, run_action
from governance.models import Unit
from meetings.models import MeetingVote


def unit_or_404(slug: str) -> Unit:
    return get_object_or_404(Unit, slug=slug)


def act(request: HttpRequest, action: Callable[[], Any], *, success: str, back: str) -> HttpResponse:
    """Run a service for a POST; its refusal becomes an error message on the
    page the member came from, never a 500."""

    def accepted(_: Any) -> HttpResponse:
        if success:
            messages.success(request, success)
        return redirect(back)

    return run_action(action, success=accepted, failure=lambda exc: redirect(back), request=request)


def cast_and_return(
    request: HttpRequest, vote_id: int, cast: Callable[[], Any], *, recorded: str, receipt: str
) -> HttpResponse:
    """Cast a vote in the room (``cast``), then back to the meeting's page:
    ``recorded`` and the receipt (as ``receipt``: …), or the refusal."""
    vote = MeetingVote.objects.filter(pk=vote_id).first()
    if vote is None:
        raise Http404("There is no such vote.")

    def recorded_with(given: Any) -> HttpResponse:
        said = recorded + (f" {receipt}: {given.receipt}" if given else "")
        return done(request, said, "meetings:meeting", vote.meeting_id)

    back = redirect("meetings:meeting", vote.meeting_id)
    return run_action(cast, success=recorded_with, failure=lambda exc: back, request=request)

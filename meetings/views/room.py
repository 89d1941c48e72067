"""The room: the projector at its secret address (page, JSON feed, QR code
of the check-in link), and members asking to speak or leaving from their
phones. GET handlers here read only."""

from __future__ import annotations

import io
import secrets

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views_forms import run_form
from meetings import selectors
from meetings.forms import SpeakForm
from meetings.models import Meeting
from meetings.room import projector_live
from meetings.services.attendance import attendance_check_out
from meetings.services.speakers import speaker_request, speaker_withdraw
from meetings.speakers import policy_for, speaker_live, speaker_requests_of
from meetings.views.common import act

# The result must reach the room within 2 s of the close: it is pushed
# (meetings/services/live.py); this is how often the projector polls while
# its socket is down.
PROJECTOR_POLL_MS = 1000


def _projected_meeting(meeting_id: int, token: str) -> Meeting:
    """The meeting whose projector address this is, or 404 (no hint whether
    the meeting exists)."""
    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    if meeting is None or not secrets.compare_digest(meeting.projector_token.encode(), token.encode()):
        raise Http404("There is no such page.")
    return meeting


def check_in_link(request: HttpRequest, meeting: Meeting) -> str:
    """The address a phone opens from the QR code: the meeting page, code filled in."""
    return request.build_absolute_uri(reverse("meetings:meeting", args=[meeting.pk])) + f"?code={meeting.room_code}"


@require_GET
def projector(request: HttpRequest, meeting_id: int, token: str) -> HttpResponse:
    meeting = _projected_meeting(meeting_id, token)
    response = render(
        request,
        "meetings/projector.html",
        {
            "meeting": meeting,
            "live": projector_live(meeting=meeting),
            "live_url": reverse("meetings:projector_live", args=[meeting.pk, token]),
            "live_ws": f"/ws/meetings/{meeting.pk}/projector/{token}/",
            "qr_url": reverse("meetings:projector_qr", args=[meeting.pk, token]),
            "poll_ms": min(PROJECTOR_POLL_MS, settings.MEETINGS_LIVE_POLL_MS),
            "check_in_host": request.get_host(),
        },
    )
    # The address is the secret: not cached; the site's Referrer-Policy
    # (same-origin) keeps it from other sites, and the page links nowhere.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def projector_live_json(request: HttpRequest, meeting_id: int, token: str) -> JsonResponse:
    meeting = _projected_meeting(meeting_id, token)
    response = JsonResponse(projector_live(meeting=meeting))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def projector_qr(request: HttpRequest, meeting_id: int, token: str) -> HttpResponse:
    """The check-in link as a QR code (SVG), only while the chair shows the code."""
    meeting = _projected_meeting(meeting_id, token)
    if not meeting.room_code_shown or meeting.state != Meeting.State.IN_PROGRESS:
        raise Http404("The check-in code is not shown.")
    out = io.BytesIO()
    segno.make(check_in_link(request, meeting), error="m").save(
        out, kind="svg", scale=10, border=2, dark="#000", light="#fff", title="Check-in link"
    )
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def speak(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A member's phone: ask to speak on the current item, see the list and
    one's own place, withdraw."""
    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("There is no such meeting.")
    form = SpeakForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        return run_form(
            form,
            lambda: speaker_request(
                meeting_id=meeting.pk,
                person=request.user,
                kind=form.cleaned_data["kind"],
                gender=form.cleaned_data["gender"],
            ),
            success=lambda _: redirect("meetings:speak", meeting.pk),
            page=lambda status: _speak_page(request, meeting, form, status),
        )
    return _speak_page(request, meeting, form, 200)


def _speak_page(request: HttpRequest, meeting: Meeting, form: SpeakForm, status: int) -> HttpResponse:
    return render(
        request,
        "meetings/speak.html",
        {
            "meeting": meeting,
            "form": form,
            "checked_in": selectors.is_checked_in(meeting=meeting, person=request.user),
            "mine": speaker_requests_of(meeting=meeting, person=request.user),
            "speakers": speaker_live(meeting=meeting),
            "policy": policy_for(meeting=meeting),
        },
        status=status,
    )


@login_required
@require_POST
def speak_withdraw(request: HttpRequest, meeting_id: int, request_id: int) -> HttpResponse:
    return act(
        request,
        lambda: speaker_withdraw(request_id=request_id, actor=request.user),
        success="Taken off the speakers' list.",
        back=reverse("meetings:speak", args=[meeting_id]),
    )


@login_required
@require_POST
def check_out(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A member leaves the meeting (they may check in again later)."""
    return act(
        request,
        lambda: attendance_check_out(meeting_id=meeting_id, person=request.user, actor=request.user),
        success="You have checked out. Check in again with the code if you come back.",
        back=reverse("meetings:meeting", args=[meeting_id]),
    )

"""Motions beyond the branch (issue 24): forwarding a carried motion to a
higher body's meeting, and compositing a meeting's motions. The services
decide (``services.forwarding``, ``services.motions.motion_composite``);
these pages find and authorise, show the form and translate refusals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.views_forms import done, run_form
from governance.gate import Act, require
from meetings import limits, selectors
from meetings.access import access_meeting, visible_motion
from meetings.forms import CompositeForm, ForwardForm
from meetings.models import Motion, MotionForwarding
from meetings.services import motions as motion_services
from meetings.services.forwarding import motion_forward


@login_required
@require_http_methods(["GET", "POST"])
def motion_forward_page(request: HttpRequest, motion_id: int) -> HttpResponse:
    """The form: the meetings of the units above that still take motions.
    The gate is asked before the form is read, so someone without the
    authority (or without MFA where it is required) never sees the list."""
    motion = visible_motion(request.user, motion_id)
    require(request.user, Act.RULE_ON_MOTION, motion, doing="forward its motions")
    targets = selectors.forwarding_targets(motion=motion) if motion.state == Motion.State.CARRIED else []
    form = ForwardForm(request.POST if request.method == "POST" else None)
    history = selectors.forwarding_history(motion=motion)

    def page(status: int = 200) -> HttpResponse:
        context = {"motion": motion, "form": form, "targets": targets, "went_to": history["went_to"]}
        return render(request, "meetings/motion_forward.html", context, status=status)

    def forwarded(forwarding: MotionForwarding) -> HttpResponse:
        message = (
            f"Forwarded to {forwarding.meeting.title} ({forwarding.meeting.unit.name}). "
            "Its officers have been told; it awaits their ruling."
        )
        return done(request, message, "meetings:motion", motion.pk)

    return run_form(
        form,
        lambda: motion_forward(motion_id=motion.pk, meeting_id=form.cleaned_data["meeting"], actor=request.user),
        success=forwarded,
        page=page,
    )


def _prefill(motions: list[Motion]) -> dict[str, str]:
    """The composite's title and text to start from: the chosen motions'
    titles and texts, in the order they were submitted."""
    title = " / ".join(m.title for m in motions)
    if len(title) > limits.TITLE:
        title = title[: limits.TITLE - 1].rstrip() + "…"
    return {"title": title, "text": "\n\n".join(m.text.strip() for m in motions)}


@login_required
@require_http_methods(["GET", "POST"])
def composite_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Two steps: choose the motions (a GET form), then write the composite,
    prefilled with their texts (the POST form). The meeting's officers only:
    the gate is asked before any form is read."""
    meeting = access_meeting(request.user, meeting_id, Act.RULE_ON_MOTION, doing="composite its motions")
    candidates = selectors.compositable_motions(meeting=meeting)
    chosen_ids = {int(i) for i in request.GET.getlist("motions") if i.isdigit()}
    chosen = [m for m in candidates if m.pk in chosen_ids]
    initial = {"motions": [m.pk for m in chosen], **_prefill(chosen)} if chosen else {}
    form = CompositeForm(request.POST if request.method == "POST" else None, motions=candidates, initial=initial)
    writing = request.method == "POST" or len(chosen) >= 2

    def page(status: int = 200) -> HttpResponse:
        context = {
            "meeting": meeting,
            "form": form,
            "candidates": candidates,
            "writing": writing,
            "too_few_chosen": bool(chosen_ids) and len(chosen) < 2,
        }
        return render(request, "meetings/composite.html", context, status=status)

    return run_form(
        form,
        lambda: motion_services.motion_composite(
            motion_ids=[m.pk for m in form.cleaned_data["motions"]],
            actor=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            meeting_id=meeting.pk,
        ),
        success=lambda composite: done(
            request,
            f"Composited: “{composite.title}” replaces {composite.composited_from.count()} motions, "
            "which are marked composited.",
            "meetings:motion",
            composite.pk,
        ),
        page=page,
    )

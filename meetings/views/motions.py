"""Members' motion pages: list, detail, propose, second, amend; the
secretary's ruling and the outcome on the same detail page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.views_forms import done, run_form
from governance.models import Unit
from meetings import permissions, selectors
from meetings.access import visible_motion
from meetings.forms import AmendmentForm, DiscussionPostForm, MotionForm
from meetings.models import Amendment, Motion, MotionFollow
from meetings.paragraphs import paragraphs_split
from meetings.services import amendments as amendment_services
from meetings.services import discussion as discussion_services
from meetings.services import motions as motion_services
from meetings.views.common import act, unit_or_404


def motion_list(request: HttpRequest) -> HttpResponse:
    """Motions, of one unit with ``?unit=<slug>``. A ``unit`` that is not a
    slug (a NUL, which PostgreSQL refuses, or any other character a slug
    cannot have) is a 400 with the page saying why, not a query."""
    slug = request.GET.get("unit", "")
    try:
        validate_slug(slug or "-")
    except ValidationError:
        error = f"“{slug[:50]}” is not the address of a unit: use letters, digits, hyphens and underscores."
        context = {"motions": [], "unit": None, "states": Motion.State.choices, "state": "", "error": error}
        return render(request, "meetings/motion_list.html", context, status=400)
    unit = Unit.objects.filter(slug=slug).first() if slug else None
    motions = selectors.motion_list(unit=unit, viewer=request.user)
    state = request.GET.get("state", "")
    if state in Motion.State.values:
        motions = motions.filter(state=state)
    return render(
        request,
        "meetings/motion_list.html",
        {"motions": motions[:200], "unit": unit, "states": Motion.State.choices, "state": state},
    )


def _motion_or_404(request: HttpRequest, motion_id: int) -> Motion:
    return visible_motion(request.user, motion_id)


def motion_detail(request: HttpRequest, motion_id: int) -> HttpResponse:
    return motion_page(request, motion_id)


def motion_page(
    request: HttpRequest, motion_id: int, *, discussion_form: DiscussionPostForm | None = None, status: int = 200
) -> HttpResponse:
    """The motion page; a refused discussion post comes back here with its form."""
    motion = _motion_or_404(request, motion_id)
    user = request.user
    secondings = list(motion.secondings.all())
    is_member = permissions.is_member(user=user, unit=motion.unit)
    is_officer = permissions.is_officer(user=user, unit=motion.unit)
    follow = motion.follows.filter(person=user).first() if user.is_authenticated else None
    amendments = list(motion.amendments.all())
    discussion = discussion_context(motion=motion, is_member=is_member, is_officer=is_officer)
    for amendment in amendments:
        amendment.thread = discussion["amendment_posts"].get(amendment.pk, [])  # type: ignore[attr-defined]
        amendment.thread_closed = discussion_services.discussion_closed_reason(  # type: ignore[attr-defined]
            motion=motion, amendment=amendment
        )
    context: dict[str, Any] = {
        "motion": motion,
        "secondings": secondings,
        "seconded_by_me": any(s.seconder_id == user.pk for s in secondings),
        "is_member": is_member,
        "is_officer": is_officer,
        "is_proposer": motion.proposer_id == user.pk,
        "following": follow is not None,
        "follow": follow,
        "amendments": amendments,
        "changed": motion.is_amended,
        "votes": [v for v in motion.meeting_votes.all() if v.state == "decided"],
        "discussion": discussion,
        "discussion_form": discussion_form or DiscussionPostForm(),
        "discussion_email_choices": MotionFollow.DiscussionEmail.choices,
        "forwarding": selectors.forwarding_history(motion=motion),
        "composited_from": list(motion.composited_from.select_related("proposer").order_by("id")),
    }
    return render(request, "meetings/motion_detail.html", context, status=status)


def discussion_context(*, motion: Motion, is_member: bool, is_officer: bool) -> dict[str, Any]:
    """What the discussion part of the motion page needs; no posts for those
    who may not read them (one query for every thread when they may)."""
    may_read = is_member or is_officer
    threads = selectors.discussion_threads(motion=motion) if may_read else {}
    return {
        "may_read": may_read,
        "may_post": is_member,
        "may_hide": is_officer,
        "closed": discussion_services.discussion_closed_reason(motion=motion),
        "posts": threads.get(None, []),
        "amendment_posts": {key: value for key, value in threads.items() if key is not None},
        "edit_cutoff": timezone.now() - discussion_services.edit_window(),
        "edit_minutes": settings.MEETINGS_DISCUSSION_EDIT_MINUTES,
        "max_chars": settings.MEETINGS_DISCUSSION_POST_MAX_CHARS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def motion_propose(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_or_404(unit_slug)
    form = MotionForm(
        request.POST if request.method == "POST" else None, meetings=selectors.meeting_list_upcoming(unit=unit)
    )
    submit = "submit" in request.POST

    def page(status: int = 200) -> HttpResponse:
        return render(request, "meetings/motion_form.html", {"form": form, "unit": unit}, status=status)

    def propose() -> Motion:
        data = form.cleaned_data
        motion = motion_services.motion_create(
            unit=unit,
            proposer=request.user,
            title=data["title"],
            text=data["text"],
            meeting=data["meeting"],
            amends_constitution=data["amends_constitution"],
        )
        if submit:
            motion_services.motion_submit(motion_id=motion.pk, actor=request.user)
        return motion

    def proposed(motion: Motion) -> HttpResponse:
        if not submit:
            return done(
                request, "Your draft is saved. Only you can see it until you submit it.", "meetings:motion", motion.pk
            )
        seconders = f"{motion.seconders_required} seconder{'s' if motion.seconders_required != 1 else ''}"
        message = (
            f"Your motion is submitted. It needs {seconders} from members of {unit.name}; "
            "you will be e-mailed as it moves on."
        )
        return done(request, message, "meetings:motion", motion.pk)

    return run_form(form, propose, success=proposed, page=page)


@login_required
@require_POST
def motion_action(request: HttpRequest, motion_id: int, action: str) -> HttpResponse:
    """One POST endpoint per button on the motion page."""
    user = request.user
    back = f"/meetings/motions/{motion_id}/"
    post = request.POST
    actions = {
        "submit": (
            lambda: motion_services.motion_submit(motion_id=motion_id, actor=user),
            "Submitted: it now needs seconders.",
        ),
        "second": (
            lambda: motion_services.motion_second(motion_id=motion_id, seconder=user),
            "You seconded the motion.",
        ),
        "withdraw": (lambda: motion_services.motion_withdraw(motion_id=motion_id, actor=user), "Withdrawn."),
        "rule-in-order": (
            lambda: motion_services.motion_rule(motion_id=motion_id, actor=user, in_order=True),
            "Ruled in order.",
        ),
        "rule-out-of-order": (
            lambda: motion_services.motion_rule(
                motion_id=motion_id, actor=user, in_order=False, reason=post.get("reason", "")
            ),
            "Ruled out of order.",
        ),
        "decide": (
            lambda: motion_services.motion_decide(
                motion_id=motion_id, actor=user, outcome=post.get("outcome", ""), note=post.get("note", "")
            ),
            "Outcome recorded.",
        ),
        "follow": (
            lambda: motion_services.motion_follow(motion=_motion_or_404(request, motion_id), person=user),
            "You follow this motion.",
        ),
        "unfollow": (
            lambda: motion_services.motion_unfollow(motion=_motion_or_404(request, motion_id), person=user),
            "You no longer follow this motion.",
        ),
    }
    if action not in actions:
        raise Http404("No such action.")
    if action in {"follow", "unfollow"}:
        _motion_or_404(request, motion_id)  # a draft that is not yours is not there to follow
    fn, message = actions[action]
    return act(request, fn, success=message, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_propose(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Amend one paragraph (``?paragraph=N``, or ``paragraph`` posted) or the
    whole text. Without a paragraph the page lists the motion's numbered
    paragraphs to choose from, with the whole-text form below them."""
    motion = _motion_or_404(request, motion_id)
    paragraphs = paragraphs_split(motion.text)
    raw = request.POST.get("paragraph", "") if request.method == "POST" else request.GET.get("paragraph", "")
    number, error = _paragraph_asked(raw, count=len(paragraphs))
    if error and request.method == "GET":
        form = AmendmentForm(initial={"text": motion.text})
        context = {"form": form, "motion": motion, "paragraphs": paragraphs, "number": None, "error": error}
        return render(request, "meetings/amendment_form.html", context, status=400)
    seen = paragraphs[number - 1] if number is not None else ""
    initial = (
        {"text": seen, "paragraph": number, "old_paragraph": seen} if number is not None else {"text": motion.text}
    )
    form = AmendmentForm(request.POST if request.method == "POST" else None, initial=initial, paragraph=number)

    def page(status: int = 200) -> HttpResponse:
        context = {"form": form, "motion": motion, "paragraphs": paragraphs, "number": number, "seen": seen}
        return render(request, "meetings/amendment_form.html", context, status=status)

    if request.method == "POST":
        return run_form(
            form,
            lambda: amendment_services.amendment_propose(
                motion_id=motion.pk,
                proposer=request.user,
                summary=form.cleaned_data["summary"],
                text=form.cleaned_data["text"],
                paragraph=form.cleaned_data["paragraph"],
                old_paragraph=form.cleaned_data["old_paragraph"] if form.cleaned_data["paragraph"] else None,
            ),
            success=lambda _: done(
                request,
                "Your amendment is proposed. It appears below the motion, with its changes marked.",
                "meetings:motion",
                motion.pk,
            ),
            page=page,
        )
    return page()


def _paragraph_asked(raw: str, *, count: int) -> tuple[int | None, str]:
    """The paragraph number a page asks for (none: the whole text), or why
    it cannot be had. The service refuses a posted number out of range with
    the same words; a GET can only say so."""
    if not raw:
        return None, ""
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= count:
        return None, f"The motion has {count} paragraph{'s' if count != 1 else ''}: there is no paragraph “{raw[:20]}”."
    return int(raw), ""


@login_required
@require_POST
def amendment_action(request: HttpRequest, amendment_id: int, action: str) -> HttpResponse:
    amendment = Amendment.objects.filter(pk=amendment_id).first()
    if amendment is None:
        raise Http404("There is no such amendment.")
    user = request.user
    actions = {
        "second": (
            lambda: amendment_services.amendment_second(amendment_id=amendment_id, seconder=user),
            "You seconded the amendment.",
        ),
        "accept": (
            lambda: amendment_services.amendment_accept_friendly(amendment_id=amendment_id, actor=user),
            "Accepted as friendly: the motion now reads as amended.",
        ),
        "withdraw": (
            lambda: amendment_services.amendment_withdraw(amendment_id=amendment_id, actor=user),
            "Amendment withdrawn.",
        ),
        "rule-out-of-order": (
            lambda: amendment_services.amendment_rule_out_of_order(
                amendment_id=amendment_id, actor=user, reason=request.POST.get("reason", "")
            ),
            "Amendment ruled out of order.",
        ),
    }
    if action not in actions:
        raise Http404("No such action.")
    fn, message = actions[action]
    return act(request, fn, success=message, back=f"/meetings/motions/{amendment.motion_id}/")

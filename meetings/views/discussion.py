"""The discussion on a motion and its amendments: post, reply, edit, hide,
and how a follower hears of new posts. Every write is a POST through
``meetings.services.discussion``; a refusal is a message, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.views_forms import done, run_form
from meetings.forms import DiscussionPostForm
from meetings.models import DiscussionPost, MotionFollow
from meetings.services import discussion as services
from meetings.views.common import act


def _back(motion_id: int, anchor: str = "discussion") -> str:
    return f"/meetings/motions/{motion_id}/#{anchor}"


@login_required
@require_POST
def discussion_post_view(request: HttpRequest, motion_id: int) -> HttpResponse:
    """A new post or a reply. A refused post is shown again, with the text
    the member typed and the reason, on the motion page (status 4xx)."""
    from meetings.views.motions import motion_page

    form = DiscussionPostForm(request.POST)

    def refused(exc: DomainError) -> None:
        if exc.status == 404:
            raise Http404(exc.message) from None
        if exc.status == 403:  # no form is shown to them: say it at the top
            messages.error(request, exc.message)

    return run_form(
        form,
        lambda: services.discussion_post_create(
            motion_id=motion_id,
            author=request.user,
            text=form.cleaned_data["text"],
            amendment_id=form.cleaned_data.get("amendment"),
            parent_id=form.cleaned_data.get("parent"),
        ),
        success=lambda post: done(request, "Your post is in the discussion.", _back(motion_id, f"post-{post.pk}")),
        page=lambda status: motion_page(request, motion_id, discussion_form=form, status=status),
        field="text",
        refused=refused,
    )


@login_required
@require_http_methods(["GET", "POST"])
def discussion_post_edit_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = DiscussionPost.objects.select_related("motion__unit").filter(pk=post_id).first()
    if post is None or post.author_id != request.user.pk:
        raise Http404("There is no such post of yours.")
    form = DiscussionPostForm(request.POST if request.method == "POST" else None, initial={"text": post.text})

    def page(status: int = 200) -> HttpResponse:
        context = {"form": form, "post": post, "motion": post.motion, "minutes": services.edit_window().seconds // 60}
        return render(request, "meetings/discussion_edit.html", context, status=status)

    return run_form(
        form,
        lambda: services.discussion_post_edit(post_id=post.pk, author=request.user, text=form.cleaned_data["text"]),
        success=lambda _: done(request, "Your post is updated.", _back(post.motion_id, f"post-{post.pk}")),
        page=page,
        field="text",
    )


@login_required
@require_POST
def discussion_post_hide_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = DiscussionPost.objects.filter(pk=post_id).only("motion_id").first()
    if post is None:
        raise Http404("There is no such post.")
    return act(
        request,
        lambda: services.discussion_post_hide(
            post_id=post_id, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success="The post is hidden; its author has been told why.",
        back=_back(post.motion_id, f"post-{post_id}"),
    )


@login_required
@require_POST
def discussion_email_view(request: HttpRequest, motion_id: int) -> HttpResponse:
    choice = request.POST.get("discussion_email", "")
    label = dict(MotionFollow.DiscussionEmail.choices).get(choice, "")
    return act(
        request,
        lambda: services.discussion_email_set(motion_id=motion_id, person=request.user, choice=choice),
        success=f"Discussion e-mail: {label.lower()}." if label else "",
        back=_back(motion_id),
    )

"""Deliberation on motions: post, reply, edit within a window, hide (officers).

Who takes part is the unit's business: members of the motion's unit
(``meetings.permissions.is_member``) read and post; those who run its
meetings (``meetings.permissions.is_officer``) read and hide. The thread
opens when the motion is submitted and closes when it is decided (or, for an
amendment, when the amendment is); it stays readable after.

Writes lock the motion row (``motion_for_update``), so a post and the
decision that closes the discussion are serialised: no post lands after the
decision it would have been refused by.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record
from core.emails import outbox_enqueue, outbox_enqueue_many
from core.errors import Conflict, DomainError, ErrorCode, NotFound, NotPermitted
from core.text import text_within
from governance.gate import Act, require
from governance.selectors import eligible_memberships
from meetings import limits, permissions
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import motion_for_update
from meetings.models import Amendment, DiscussionPost, Motion, MotionFollow
from meetings.models.discussion import HIDDEN_REASON_MAX_CHARS
from meetings.services.notifications import motion_url

User = get_user_model()


def edit_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MEETINGS_DISCUSSION_EDIT_MINUTES)


def discussion_closed_reason(*, motion: Motion, amendment: Amendment | None = None) -> str:
    """Why no one may post in this thread now, or "" while it is open."""
    if motion.state == Motion.State.DRAFT:
        return "The discussion opens when the motion is submitted."
    if motion.is_decided:
        return f"The discussion closed when the motion was decided ({motion.get_state_display().lower()})."
    if amendment is not None and not amendment.is_pending:
        return f"The discussion closed when the amendment was decided ({amendment.get_state_display().lower()})."
    return ""


def may_read(*, user: Any, motion: Motion) -> bool:
    return permissions.is_member(user=user, unit=motion.unit) or permissions.is_officer(user=user, unit=motion.unit)


def discussion_require_reader(user: Any, motion: Motion) -> None:
    if not may_read(user=user, motion=motion):
        raise NotPermitted(Code.NOT_A_MEMBER, f"The discussion is open to members of {motion.unit.name}.")


def _post_text(text: str) -> str:
    text = text_within(text, limit=limits.discussion_post(), what="Your post", code=Code.TOO_LONG)
    if not text:
        raise DomainError(Code.EMPTY_POST, "Write something to post.")
    if "\x00" in text:
        raise DomainError(Code.EMPTY_POST, "Your post contains a NUL character; remove it.")
    return text


def discussion_post_create(
    *,
    motion_id: int,
    author: Any,
    text: str,
    amendment_id: int | None = None,
    parent_id: int | None = None,
) -> DiscussionPost:
    """A member's post in the thread of a motion or of one of its amendments,
    or a reply (``parent_id``) to a post in the same thread. A reply to a
    reply joins its parent's thread: one level of nesting. Followers who
    asked for each post are e-mailed on commit (through the outbox)."""
    text = _post_text(text)
    with transaction.atomic():
        motion = motion_for_update(motion_id=motion_id)
        if motion.state == Motion.State.DRAFT and motion.proposer_id != getattr(author, "pk", None):
            raise NotFound(Code.NOT_FOUND, "There is no such motion.")
        if not permissions.is_member(user=author, unit=motion.unit):
            raise NotPermitted(
                Code.NOT_A_MEMBER, f"Only members of {motion.unit.name} can take part in the discussion."
            )
        amendment = None
        if amendment_id is not None:
            amendment = Amendment.objects.filter(pk=amendment_id, motion=motion).first()
            if amendment is None:
                raise NotFound(Code.NOT_FOUND, "There is no such amendment to this motion.")
        closed = discussion_closed_reason(motion=motion, amendment=amendment)
        if closed:
            raise Conflict(Code.DISCUSSION_CLOSED, closed)
        parent = None
        if parent_id is not None:
            parent = DiscussionPost.objects.filter(pk=parent_id, motion=motion, amendment=amendment).first()
            if parent is None:
                raise NotFound(Code.NOT_FOUND, "The post you are replying to is not in this discussion.")
            if parent.parent_id is not None:
                parent = parent.parent
        post = DiscussionPost.objects.create(
            motion=motion, amendment=amendment, parent=parent, author=author, text=text
        )
        audit_record(actor=author, action="discussion_posted", obj=post, unit=motion.unit, detail={"motion": motion.pk})
        _followers_notify(post=post)
    return post


def _post_for_update(post_id: int) -> DiscussionPost:
    post = DiscussionPost.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound(Code.NOT_FOUND, "There is no such post.")
    return post


def discussion_post_edit(*, post_id: int, author: Any, text: str, now: dt.datetime | None = None) -> DiscussionPost:
    """The author's correction, within ``MEETINGS_DISCUSSION_EDIT_MINUTES`` of
    posting, while the discussion is open and the post not hidden."""
    text = _post_text(text)
    now = now or timezone.now()
    with transaction.atomic():
        # Lock order as in posting: the motion, then the post.
        motion_id = DiscussionPost.objects.filter(pk=post_id).values_list("motion_id", flat=True).first()
        if motion_id is None:
            raise NotFound(Code.NOT_FOUND, "There is no such post.")
        motion = motion_for_update(motion_id=motion_id)
        post = _post_for_update(post_id)
        if post.author_id != getattr(author, "pk", None):
            raise NotPermitted(Code.NOT_THE_AUTHOR, "Only the author can edit a post.")
        if not permissions.is_member(user=author, unit=motion.unit):
            raise NotPermitted(
                Code.NOT_A_MEMBER, f"Only members of {motion.unit.name} can take part in the discussion."
            )
        if post.is_hidden:
            raise Conflict(Code.POST_HIDDEN, "An officer hid this post; it cannot be edited.")
        minutes = settings.MEETINGS_DISCUSSION_EDIT_MINUTES
        if now > post.created_at + edit_window():
            raise Conflict(
                Code.EDIT_WINDOW_PASSED,
                f"A post can be edited for {minutes} minutes after posting; that time has passed.",
            )
        closed = discussion_closed_reason(motion=motion, amendment=post.amendment)
        if closed:
            raise Conflict(Code.DISCUSSION_CLOSED, closed)
        post.text = text
        post.edited_at = now
        post.save(update_fields=["text", "edited_at"])
        audit_record(actor=author, action="discussion_post_edited", obj=post, unit=motion.unit)
    return post


def discussion_post_hide(*, post_id: int, actor: Any, reason: str) -> DiscussionPost:
    """An officer hides a post, giving a reason that the thread shows in its
    place and the author is told by e-mail (a notice, sent whatever their
    optional-mail preference). Recorded in the audit log. Allowed after the
    discussion closed too: the thread stays readable, so it stays moderated."""
    reason = text_within(reason, limit=HIDDEN_REASON_MAX_CHARS, what="The reason", code=Code.TOO_LONG)
    if not reason:
        raise DomainError(Code.REASON_REQUIRED, "Give the reason for hiding the post; its author and readers see it.")
    with transaction.atomic():
        post = _post_for_update(post_id)
        motion = Motion.objects.select_related("unit").get(pk=post.motion_id)
        require(actor, Act.HIDE_POST, motion.unit)
        if post.is_hidden:
            raise Conflict(Code.POST_HIDDEN, "This post is already hidden.")
        post.hidden_at = timezone.now()
        post.hidden_by = actor
        post.hidden_reason = reason
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit_record(
            actor=actor,
            action="discussion_post_hidden",
            obj=post,
            unit=motion.unit,
            detail={"motion": motion.pk, "author": post.author_id, "reason": reason},
        )
        author = User.objects.get(pk=post.author_id)
        outbox_enqueue(
            key=f"discussion-hidden:{post.pk}",
            recipient=author,
            template="meetings/discussion_hidden",
            context={"motion": motion, "post": post, "reason": reason, "motion_url": motion_url(motion)},
        )
    return post


def discussion_email_set(*, motion_id: int, person: Any, choice: str) -> MotionFollow:
    """How a follower hears of new posts; following the motion if they did not."""
    if choice not in MotionFollow.DiscussionEmail.values:
        raise DomainError(ErrorCode.INVALID, "Choose each post, a daily digest or none.")
    motion = Motion.objects.filter(pk=motion_id).select_related("unit").first()
    if motion is None or (motion.state == Motion.State.DRAFT and motion.proposer_id != getattr(person, "pk", None)):
        raise NotFound(Code.NOT_FOUND, "There is no such motion.")
    discussion_require_reader(person, motion)
    follow, _ = MotionFollow.objects.update_or_create(
        motion=motion, person=person, defaults={"discussion_email": choice}
    )
    return follow


def _members_following(motion: Motion, how: str) -> Any:
    """Followers who chose ``how``, want optional mail, and are members of
    the unit now (a follower who left must not receive members' posts)."""
    members = eligible_memberships(unit=motion.unit, kinds=["member"]).values("person_id")
    return User.objects.filter(
        motion_follows__motion=motion,
        motion_follows__discussion_email=how,
        optional_email=True,
        pk__in=members,
    )


def _followers_notify(*, post: DiscussionPost) -> int:
    followers = _members_following(post.motion, MotionFollow.DiscussionEmail.EACH).exclude(pk=post.author_id)
    return outbox_enqueue_many(
        key_prefix=f"discussion:{post.pk}",
        recipients=followers.iterator(chunk_size=2000),
        template="meetings/discussion_post",
        context={
            "motion": post.motion,
            "post": post,
            "author": str(post.author),
            "motion_url": motion_url(post.motion),
        },
    )


def discussion_digests_send(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Beat's daily sweep: each follower who chose the digest gets one e-mail
    listing the visible posts since their last digest (not their own). Safe to
    run twice: the outbox key names the newest post included, and
    ``digest_sent_at`` moves on in the same transaction. Returns e-mails queued."""
    now = now or timezone.now()
    queued = 0
    follows = (
        MotionFollow.objects.filter(discussion_email=MotionFollow.DiscussionEmail.DIGEST, person__optional_email=True)
        .select_related("motion__unit", "person")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        chunk = list(follows.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            return queued
        last_pk = chunk[-1].pk
        for follow in chunk:
            queued += _digest_one(follow, now)


def _digest_one(follow: MotionFollow, now: dt.datetime) -> int:
    motion, person = follow.motion, follow.person
    if not permissions.is_member(user=person, unit=motion.unit):
        return 0
    since = follow.digest_sent_at or (now - dt.timedelta(days=1))
    posts = list(
        DiscussionPost.objects.filter(motion=motion, created_at__gt=since, created_at__lte=now, hidden_at__isnull=True)
        .filter(~Q(author=person))
        .select_related("author", "amendment")
        .order_by("created_at", "id")[:50]
    )
    with transaction.atomic():
        MotionFollow.objects.filter(pk=follow.pk).update(digest_sent_at=now)
        if not posts:
            return 0
        outbox_enqueue(
            key=f"discussion-digest:{follow.pk}:{posts[-1].pk}",
            recipient=person,
            template="meetings/discussion_digest",
            context={"motion": motion, "posts": posts, "motion_url": motion_url(motion)},
        )
    return 1

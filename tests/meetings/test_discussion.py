"""Deliberation on motions: who reads and posts, replies, the edit window,
officers hiding posts, e-mail to followers, and the thread closing when the
motion is decided. Services, pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import Conflict, DomainError, NotFound, NotPermitted
from core.models import AuditEntry, OutboxEmail
from meetings.models import DiscussionPost, Motion, MotionFollow
from meetings.services import amendments as amendment_services
from meetings.services import discussion as svc
from meetings.services import motions as motion_services
from tests.factories import UserFactory
from tests.meetings.conftest import in_order_motion

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api_for(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def submitted_motion(branch: Any) -> Motion:
    motion = motion_services.motion_create(
        unit=branch.unit, proposer=branch.members[0], title="Back the renters' union", text="We back it."
    )
    return motion_services.motion_submit(motion_id=motion.pk, actor=branch.members[0])


# --- services ---------------------------------------------------------------


def test_a_member_posts_and_replies_one_level_deep(branch) -> None:
    motion = submitted_motion(branch)
    first = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="I agree.")
    reply = svc.discussion_post_create(
        motion_id=motion.pk, author=branch.members[2], text="Me too.", parent_id=first.pk
    )
    reply_to_reply = svc.discussion_post_create(
        motion_id=motion.pk, author=branch.members[3], text="And me.", parent_id=reply.pk
    )
    assert reply.parent_id == first.pk
    assert reply_to_reply.parent_id == first.pk  # one level: joins the top-level post's replies
    assert AuditEntry.objects.filter(action="discussion_posted", object_id=str(first.pk)).exists()


def test_a_non_member_cannot_post(branch) -> None:
    motion = submitted_motion(branch)
    with pytest.raises(NotPermitted, match="Only members of Stockport"):
        svc.discussion_post_create(motion_id=motion.pk, author=UserFactory(), text="Hello")
    assert not DiscussionPost.objects.exists()


def test_empty_and_too_long_posts_are_refused_with_a_message(branch, settings) -> None:
    settings.MEETINGS_DISCUSSION_POST_MAX_CHARS = 100
    motion = submitted_motion(branch)
    with pytest.raises(DomainError, match="Write something"):
        svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="   ")
    with pytest.raises(DomainError, match="101 characters long; it may be at most 100"):
        svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="x" * 101)
    assert svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="x" * 100)


def test_no_discussion_on_a_draft(branch) -> None:
    draft = motion_services.motion_create(unit=branch.unit, proposer=branch.members[0], title="D", text="x")
    with pytest.raises(Conflict, match="opens when the motion is submitted"):
        svc.discussion_post_create(motion_id=draft.pk, author=branch.members[0], text="Hi")
    with pytest.raises(NotFound):  # another member cannot even learn it exists
        svc.discussion_post_create(motion_id=draft.pk, author=branch.members[1], text="Hi")


def test_a_reply_must_be_in_the_same_thread(branch) -> None:
    motion = submitted_motion(branch)
    other = in_order_motion(branch, title="Another")
    elsewhere = svc.discussion_post_create(motion_id=other.pk, author=branch.members[1], text="There.")
    with pytest.raises(NotFound, match="not in this discussion"):
        svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="x", parent_id=elsewhere.pk)


def test_the_edit_window_is_enforced(branch, settings) -> None:
    settings.MEETINGS_DISCUSSION_EDIT_MINUTES = 15
    motion = submitted_motion(branch)
    post = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="Typo hree.")
    edited = svc.discussion_post_edit(post_id=post.pk, author=branch.members[1], text="Typo here.")
    assert edited.text == "Typo here." and edited.edited_at is not None
    with pytest.raises(NotPermitted):
        svc.discussion_post_edit(post_id=post.pk, author=branch.members[2], text="Hijack")
    later = post.created_at + dt.timedelta(minutes=15, seconds=1)
    with pytest.raises(Conflict, match="edited for 15 minutes"):
        svc.discussion_post_edit(post_id=post.pk, author=branch.members[1], text="Too late", now=later)
    assert DiscussionPost.objects.get(pk=post.pk).text == "Typo here."


def test_an_officer_hides_a_post_with_a_reason_audited_and_the_author_told(branch) -> None:
    motion = submitted_motion(branch)
    author = branch.members[1]
    post = svc.discussion_post_create(motion_id=motion.pk, author=author, text="Something abusive.")
    with pytest.raises(NotPermitted):
        svc.discussion_post_hide(post_id=post.pk, actor=branch.members[2], reason="I dislike it")
    with pytest.raises(DomainError, match="Give the reason"):
        svc.discussion_post_hide(post_id=post.pk, actor=branch.secretary, reason="  ")
    svc.discussion_post_hide(post_id=post.pk, actor=branch.secretary, reason="Personal abuse")
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_by == branch.secretary and post.hidden_reason == "Personal abuse"
    entry = AuditEntry.objects.get(action="discussion_post_hidden")
    assert entry.actor == branch.secretary and entry.detail["reason"] == "Personal abuse"
    mail = OutboxEmail.objects.get(key=f"discussion-hidden:{post.pk}")
    assert mail.recipient == author and "Personal abuse" in mail.body_text
    with pytest.raises(Conflict, match="already hidden"):
        svc.discussion_post_hide(post_id=post.pk, actor=branch.secretary, reason="Again")
    with pytest.raises(Conflict, match="cannot be edited"):
        svc.discussion_post_edit(post_id=post.pk, author=author, text="Sorry")


def test_discussion_closes_when_the_motion_is_decided(branch) -> None:
    motion = in_order_motion(branch)
    post = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[4], text="Before.")
    motion_services.motion_decide(motion_id=motion.pk, actor=branch.secretary, outcome="carried")
    with pytest.raises(Conflict, match="closed when the motion was decided"):
        svc.discussion_post_create(motion_id=motion.pk, author=branch.members[4], text="After.")
    with pytest.raises(Conflict, match="closed"):
        svc.discussion_post_edit(post_id=post.pk, author=branch.members[4], text="Changed")
    # Still readable, and still moderated.
    page = client_for(branch.members[5]).get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert "Before." in page and "closed when the motion was decided" in page
    assert 'name="text"' not in page and "Reply" not in page  # no post or reply form
    svc.discussion_post_hide(post_id=post.pk, actor=branch.secretary, reason="Off topic")


def test_an_amendment_has_its_own_thread_closing_with_it(branch) -> None:
    motion = in_order_motion(branch)
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[3], summary="Add a date", text="We back it from May."
    )
    post = svc.discussion_post_create(
        motion_id=motion.pk, author=branch.members[4], text="Why May?", amendment_id=amendment.pk
    )
    assert post.amendment_id == amendment.pk
    amendment_services.amendment_withdraw(amendment_id=amendment.pk, actor=branch.members[3])
    with pytest.raises(Conflict, match="amendment was decided"):
        svc.discussion_post_create(
            motion_id=motion.pk, author=branch.members[4], text="Pity.", amendment_id=amendment.pk
        )
    assert svc.discussion_post_create(motion_id=motion.pk, author=branch.members[4], text="On the motion.")


def test_followers_are_emailed_as_their_preferences_say(branch) -> None:
    motion = submitted_motion(branch)  # the proposer follows, e-mail for each post by default
    each, digest, off, no_optional = branch.members[1:5]
    svc.discussion_email_set(motion_id=motion.pk, person=each, choice="each")
    svc.discussion_email_set(motion_id=motion.pk, person=digest, choice="digest")
    svc.discussion_email_set(motion_id=motion.pk, person=off, choice="off")
    svc.discussion_email_set(motion_id=motion.pk, person=no_optional, choice="each")
    type(no_optional).objects.filter(pk=no_optional.pk).update(optional_email=False)
    outsider = UserFactory()
    MotionFollow.objects.create(motion=motion, person=outsider)  # follows, but is no member

    post = svc.discussion_post_create(motion_id=motion.pk, author=each, text="**Bold** idea.")
    told = set(OutboxEmail.objects.filter(key__startswith=f"discussion:{post.pk}:").values_list("recipient", flat=True))
    assert told == {branch.members[0].pk}  # the proposer; not the author, digest, off, opted out or outsider

    with pytest.raises(DomainError):
        svc.discussion_email_set(motion_id=motion.pk, person=each, choice="hourly")

    svc.discussion_post_create(motion_id=motion.pk, author=branch.members[0], text="Second post.")
    now = timezone.now() + dt.timedelta(seconds=1)
    assert svc.discussion_digests_send(now=now) == 1
    digest_mail = OutboxEmail.objects.get(key__startswith="discussion-digest:")
    assert (
        digest_mail.recipient == digest and "Bold" in digest_mail.body_text and "Second post." in digest_mail.body_text
    )
    assert svc.discussion_digests_send(now=now) == 0  # run twice: nothing new, nothing sent
    assert OutboxEmail.objects.filter(key__startswith="discussion-digest:").count() == 1


def test_hidden_posts_are_left_out_of_digests(branch) -> None:
    motion = submitted_motion(branch)
    svc.discussion_email_set(motion_id=motion.pk, person=branch.members[1], choice="digest")
    post = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[2], text="Nasty words")
    svc.discussion_post_hide(post_id=post.pk, actor=branch.secretary, reason="Abuse")
    assert svc.discussion_digests_send(now=timezone.now() + dt.timedelta(seconds=1)) == 0


# --- pages ------------------------------------------------------------------


def test_a_non_member_cannot_read_or_post_on_the_page(branch) -> None:
    motion = submitted_motion(branch)
    svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="Members only words.")
    for c in (Client(), client_for(UserFactory())):
        page = c.get(f"/meetings/motions/{motion.pk}/").content.decode()
        assert "Members only words." not in page
        assert "The discussion is open to members of Stockport." in page
    r = client_for(UserFactory()).post(f"/meetings/discussion/motions/{motion.pk}/", {"text": "Let me in"})
    assert r.status_code == 403 and "Only members of Stockport" in r.content.decode()
    assert Client().post(f"/meetings/discussion/motions/{motion.pk}/", {"text": "x"}).status_code == 302  # sign in
    assert DiscussionPost.objects.count() == 1


def test_posting_on_the_page_sanitises_markdown_and_replies_nest(branch) -> None:
    motion = submitted_motion(branch)
    c = client_for(branch.members[1])
    r = c.post(f"/meetings/discussion/motions/{motion.pk}/", {"text": "**yes** <script>bad()</script>"})
    post = DiscussionPost.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"#post-{post.pk}")
    c.post(f"/meetings/discussion/motions/{motion.pk}/", {"text": "A reply", "parent": post.pk})
    page = client_for(branch.members[2]).get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert "<strong>yes</strong>" in page and "<script>bad" not in page
    replies = page.split(f'id="post-{post.pk}"')[1].split("discussion-replies")[1]
    assert "A reply" in replies


def test_a_refused_post_keeps_its_text_and_says_why(branch, settings) -> None:
    settings.MEETINGS_DISCUSSION_POST_MAX_CHARS = 50
    motion = submitted_motion(branch)
    r = client_for(branch.members[1]).post(f"/meetings/discussion/motions/{motion.pk}/", {"text": "word " * 20})
    page = r.content.decode()
    assert r.status_code == 400
    assert "Your post is 99 characters long; it may be at most 50." in page and "word word word" in page
    assert not DiscussionPost.objects.exists()


def test_hidden_posts_show_the_reason_not_the_text(branch) -> None:
    motion = submitted_motion(branch)
    post = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="Secret insult")
    r = client_for(branch.secretary).post(f"/meetings/discussion/posts/{post.pk}/hide/", {"reason": "Abusive"})
    assert r.status_code == 302
    for viewer in (branch.members[2], branch.secretary, branch.members[1]):
        page = client_for(viewer).get(f"/meetings/motions/{motion.pk}/").content.decode()
        assert "Hidden by an officer: Abusive" in page and "Secret insult" not in page
    api = api_for(branch.members[2]).get(f"/api/meetings/motions/{motion.pk}/discussion/").json()
    assert api["posts"][0]["text"] is None and api["posts"][0]["hidden_reason"] == "Abusive"
    assert "Secret insult" not in str(api)


def test_hide_by_a_member_on_the_page_is_refused(branch) -> None:
    motion = submitted_motion(branch)
    post = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="Fine words")
    r = client_for(branch.members[2]).post(f"/meetings/discussion/posts/{post.pk}/hide/", {"reason": "No"}, follow=True)
    assert "Only an officer of Stockport can hide posts." in r.content.decode()
    assert not DiscussionPost.objects.get(pk=post.pk).is_hidden


def test_edit_page_within_and_after_the_window(branch) -> None:
    motion = submitted_motion(branch)
    post = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="Frist")
    c = client_for(branch.members[1])
    assert c.get(f"/meetings/discussion/posts/{post.pk}/edit/").status_code == 200
    assert DiscussionPost.objects.get(pk=post.pk).text == "Frist"  # GET writes nothing
    assert c.post(f"/meetings/discussion/posts/{post.pk}/edit/", {"text": "First"}).status_code == 302
    assert client_for(branch.members[2]).get(f"/meetings/discussion/posts/{post.pk}/edit/").status_code == 404
    DiscussionPost.objects.filter(pk=post.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    r = c.post(f"/meetings/discussion/posts/{post.pk}/edit/", {"text": "Again"})
    assert r.status_code == 409 and "that time has passed" in r.content.decode()
    page = c.get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert f"/meetings/discussion/posts/{post.pk}/edit/" not in page  # no edit link once the window has passed


def test_email_preference_on_the_page(branch) -> None:
    motion = submitted_motion(branch)
    c = client_for(branch.members[1])
    r = c.post(f"/meetings/discussion/motions/{motion.pk}/email/", {"discussion_email": "digest"}, follow=True)
    assert "A daily digest of new posts" in r.content.decode()
    assert MotionFollow.objects.get(motion=motion, person=branch.members[1]).discussion_email == "digest"
    r = client_for(UserFactory()).post(f"/meetings/discussion/motions/{motion.pk}/email/", {"discussion_email": "each"})
    assert r.status_code == 302 and not MotionFollow.objects.filter(motion=motion, person__full_name="").exists()


def test_the_motion_page_reads_the_discussion_in_bounded_queries(branch) -> None:
    motion = in_order_motion(branch)
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[3], summary="Add a date", text="We back it from May."
    )

    def count_queries() -> int:
        c = client_for(branch.members[1])
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/meetings/motions/{motion.pk}/").status_code == 200
        return len(ctx.captured_queries)

    svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text="One")
    few = count_queries()
    for i in range(10):
        top = svc.discussion_post_create(motion_id=motion.pk, author=branch.members[i % 8], text=f"Post {i}")
        svc.discussion_post_create(motion_id=motion.pk, author=branch.members[(i + 1) % 8], text="R", parent_id=top.pk)
        svc.discussion_post_create(
            motion_id=motion.pk, author=branch.members[i % 8], text="A", amendment_id=amendment.pk
        )
    assert count_queries() == few


# --- API --------------------------------------------------------------------


def test_api_reads_posts_edits_and_hides(branch) -> None:
    motion = submitted_motion(branch)
    url = f"/api/meetings/motions/{motion.pk}/discussion/"
    member = api_for(branch.members[1])
    r = member.post(url, {"text": "Via the API"}, format="json")
    assert r.status_code == 201, r.content
    post_id = r.json()["id"]
    reply = member.post(url, {"text": "Reply", "reply_to": post_id}, format="json").json()
    assert reply["reply_to"] == post_id
    listing = api_for(branch.members[2]).get(url).json()
    assert listing["open"] is True and [p["text"] for p in listing["posts"]] == ["Via the API", "Reply"]
    assert (
        member.patch(f"/api/meetings/discussion/{post_id}/", {"text": "Edited"}, format="json").json()["text"]
        == "Edited"
    )
    other = api_for(branch.members[2]).patch(f"/api/meetings/discussion/{post_id}/", {"text": "X"}, format="json")
    assert other.status_code == 403 and other.json()["code"] == "not_the_author"
    assert member.post(f"/api/meetings/discussion/{post_id}/hide/", {"reason": "x"}, format="json").status_code == 403
    hidden = api_for(branch.secretary).post(
        f"/api/meetings/discussion/{post_id}/hide/", {"reason": "Spam"}, format="json"
    )
    assert hidden.status_code == 200 and hidden.json()["text"] is None


def test_api_refuses_non_members_and_bad_input(branch, settings) -> None:
    settings.MEETINGS_DISCUSSION_POST_MAX_CHARS = 10
    motion = submitted_motion(branch)
    url = f"/api/meetings/motions/{motion.pk}/discussion/"
    outsider = api_for(UserFactory())
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, {"text": "Hi"}, format="json").status_code == 403
    assert APIClient().get(url).status_code in (401, 403)
    member = api_for(branch.members[1])
    too_long = member.post(url, {"text": "x" * 11}, format="json")
    assert too_long.status_code == 400 and too_long.json()["code"] == "too_long"
    assert member.post(url, {"text": ""}, format="json").status_code == 400
    assert member.post(url, {"text": "ok", "reply_to": 999999}, format="json").status_code == 404
    assert member.get("/api/meetings/motions/999999/discussion/").status_code == 404
    assert not DiscussionPost.objects.exists()


def test_api_discussion_is_in_the_schema() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/meetings/motions/{motion_id}/discussion/" in schema
    assert "/api/meetings/discussion/{post_id}/hide/" in schema

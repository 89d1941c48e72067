"""A post and the decision that closes the discussion, at once, on
PostgreSQL: both lock the motion row, so a post either lands before the
decision or is refused; none lands after it."""

from __future__ import annotations

import pytest

from core.errors import Conflict
from meetings.models import DiscussionPost, Motion
from meetings.services import discussion as svc
from meetings.services import motions as motion_services
from tests.meetings.conftest import in_order_motion
from tests.meetings.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_post_lands_after_the_decision(branch) -> None:
    for round_ in range(6):
        motion = in_order_motion(branch, title=f"Motion {round_}")
        post, decided = race(
            lambda m=motion: svc.discussion_post_create(motion_id=m.pk, author=branch.members[5], text="Quick!"),
            lambda m=motion: motion_services.motion_decide(motion_id=m.pk, actor=branch.secretary, outcome="carried"),
        )
        assert isinstance(decided, Motion), decided
        motion.refresh_from_db()
        posts = list(DiscussionPost.objects.filter(motion=motion))
        if isinstance(post, Conflict):
            assert post.code == "discussion_closed" and posts == []
        else:
            assert isinstance(post, DiscussionPost) and len(posts) == 1
            assert motion.decided_at is not None and posts[0].created_at <= motion.decided_at

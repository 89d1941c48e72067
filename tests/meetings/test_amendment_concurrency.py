"""Two amendments to different paragraphs accepted at the same moment, on
PostgreSQL: every service that carries an amendment locks the motion first,
then the amendment, then the motion's other pending amendments, so the two
wait for each other (no deadlock) and the second is re-based onto the first."""

from __future__ import annotations

import pytest

from meetings.models import Amendment, Motion
from meetings.paragraphs import paragraphs_split
from meetings.services import amendments as svc
from tests.meetings.conftest import in_order_motion
from tests.meetings.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_paragraph_amendments_accepted_at_once_both_carry(branch) -> None:
    motion = in_order_motion(branch)
    Motion.objects.filter(pk=motion.pk).update(text="One.\n\nTwo.\n\nThree.", original_text="One.\n\nTwo.\n\nThree.")
    first = svc.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[3], summary="a", text="Uno.", paragraph=1
    )
    third = svc.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[4], summary="c", text="Tres.", paragraph=3
    )
    mover = branch.members[0]
    results = race(
        lambda: svc.amendment_accept_friendly(amendment_id=first.pk, actor=mover),
        lambda: svc.amendment_accept_friendly(amendment_id=third.pk, actor=mover),
    )
    assert all(isinstance(r, Amendment) for r in results), results
    assert set(Amendment.objects.values_list("state", flat=True)) == {Amendment.State.ACCEPTED}
    assert paragraphs_split(Motion.objects.get(pk=motion.pk).text) == ["Uno.", "Two.", "Tres."]

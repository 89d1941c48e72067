"""Two officers forwarding the same carried motion to the same conference at
once, on PostgreSQL: the original's row lock serialises them; one forwards,
the other is told it is already forwarded, and the conference gets one copy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from governance.models import Holding
from meetings.models import Meeting, Motion, MotionForwarding
from meetings.services import forwarding as fwd
from meetings.services import motions as svc
from tests.factories import OfficeFactory, UnitFactory, UserFactory
from tests.meetings.conftest import in_order_motion
from tests.meetings.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_forwarding_at_once_make_one_copy(branch) -> None:
    region = UnitFactory(name="North West", slug="north-west", kind="region", parent=branch.unit.parent)
    branch.unit.parent = region
    branch.unit.save()
    chair = branch.members[7]
    Holding.objects.create(
        person=chair,
        office=OfficeFactory(unit=branch.unit, title="Chair"),
        starts_on=dt.date(2024, 1, 1),
        authority="x",
    )
    conference = Meeting.objects.create(
        unit=region, kind=Meeting.Kind.GENERAL, title="Regional conference", quorum=5, notice_days=14,
        starts_at=timezone.now() + dt.timedelta(days=30), state=Meeting.State.NOTICE_SENT, created_by=UserFactory(),
    )  # fmt: skip
    motion = in_order_motion(branch)
    svc.motion_decide(motion_id=motion.pk, actor=branch.secretary, outcome=Motion.State.CARRIED)
    results = race(
        lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=conference.pk, actor=branch.secretary),
        lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=conference.pk, actor=chair),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "already_forwarded", results
    assert MotionForwarding.objects.filter(original=motion, meeting=conference).count() == 1
    assert Motion.objects.filter(unit=region).count() == 1

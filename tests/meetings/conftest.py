"""A branch with members, a secretary holding office, and helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from governance.models import Holding
from meetings.models import Meeting, Motion, StandingOrders
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory


@dataclass
class Branch:
    unit: Any
    secretary: Any
    members: list[Any]


@pytest.fixture
def branch(db: Any) -> Branch:
    national = UnitFactory(name="National network", slug="national", kind="national")
    unit = UnitFactory(name="Stockport", slug="stockport", parent=national)
    StandingOrders.objects.create(unit=unit, seconders_required=2, quorum=3, requisition_signatures=3)
    secretary = UserFactory(full_name="Sol Secretary", email="sol@example.org")
    MembershipFactory(unit=unit, person=secretary)
    office = OfficeFactory(unit=unit, title="Secretary")
    Holding.objects.create(person=secretary, office=office, starts_on=dt.date(2024, 1, 1), authority="Appointed")
    members = [MembershipFactory(unit=unit, person=UserFactory(full_name=f"Member {i}")).person for i in range(8)]
    return Branch(unit=unit, secretary=secretary, members=members)


def in_order_motion(branch: Branch, *, title: str = "Back the renters' union", **extra: Any) -> Motion:
    proposer, s1, s2 = branch.members[:3]
    motion = motion_services.motion_create(
        unit=branch.unit, proposer=proposer, title=title, text="We back it.", **extra
    )
    motion_services.motion_submit(motion_id=motion.pk, actor=proposer)
    motion_services.motion_second(motion_id=motion.pk, seconder=s1)
    motion_services.motion_second(motion_id=motion.pk, seconder=s2)
    return motion_services.motion_rule(motion_id=motion.pk, actor=branch.secretary, in_order=True)


def running_meeting(branch: Branch, *, present: int = 5, kind: str = Meeting.Kind.GENERAL) -> Meeting:
    """A meeting in progress with the secretary and ``present - 1`` members checked in."""
    from meetings.services.attendance import attendance_check_in_by_officer

    meeting = meeting_services.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind=kind, title="General meeting",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    meeting_services.meeting_notice_send(meeting_id=meeting.pk, actor=branch.secretary)
    meeting_services.meeting_start(meeting_id=meeting.pk, actor=branch.secretary, confirm_early=True)
    for person in [branch.secretary, *branch.members][:present]:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=branch.secretary)
    meeting.refresh_from_db()
    return meeting

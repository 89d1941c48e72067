"""Two officers at once, on PostgreSQL: row locks serialise them, and the
second gets a clear refusal instead of silently overwriting the first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from core.errors import DomainError
from meetings.models import AgendaItem, Minutes, Motion
from meetings.services import meetings as svc
from meetings.services import motions as motion_services
from meetings.services.minutes import minutes_edit
from tests.factories import OfficeFactory
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; return results or errors."""
    if connection.vendor != "postgresql":
        pytest.fail("concurrency tests need PostgreSQL")
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _second_officer(branch):
    from governance.models import Holding

    chair = branch.members[7]
    Holding.objects.create(
        person=chair, office=OfficeFactory(unit=branch.unit, title="Chair"), starts_on="2024-01-01", authority="x"
    )
    return chair


def test_two_officers_ruling_at_once_one_wins(branch) -> None:
    chair = _second_officer(branch)
    proposer, s1, s2 = branch.members[:3]
    motion = motion_services.motion_create(unit=branch.unit, proposer=proposer, title="T", text="x")
    motion_services.motion_submit(motion_id=motion.pk, actor=proposer)
    motion_services.motion_second(motion_id=motion.pk, seconder=s1)
    motion_services.motion_second(motion_id=motion.pk, seconder=s2)
    results = race(
        lambda: motion_services.motion_rule(motion_id=motion.pk, actor=branch.secretary, in_order=True),
        lambda: motion_services.motion_rule(motion_id=motion.pk, actor=chair, in_order=True),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "invalid_transition"
    winner = next(r for r in results if isinstance(r, Motion))
    assert Motion.objects.get(pk=motion.pk).state == winner.state


def test_two_officers_adding_agenda_items_get_distinct_positions(branch) -> None:
    chair = _second_officer(branch)
    meeting = running_meeting(branch, present=1)
    race(
        lambda: svc.agenda_item_add(
            meeting_id=meeting.pk, actor=branch.secretary, kind="report", title="Chair's report"
        ),
        lambda: svc.agenda_item_add(meeting_id=meeting.pk, actor=chair, kind="report", title="Treasurer's report"),
    )
    assert sorted(AgendaItem.objects.filter(meeting=meeting).values_list("position", flat=True)) == [1, 2]


def test_two_officers_editing_minutes_at_once_nothing_lost(branch) -> None:
    chair = _second_officer(branch)
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    minutes = Minutes.objects.get(meeting=meeting)
    results = race(
        lambda: minutes_edit(minutes_id=minutes.pk, actor=branch.secretary, text="Secretary's edit", base_version=1),
        lambda: minutes_edit(minutes_id=minutes.pk, actor=chair, text="Chair's edit", base_version=1),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "stale_version"
    assert minutes.versions.count() == 2

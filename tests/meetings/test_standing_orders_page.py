"""The unit's officers change its standing orders on a page: through a
service, audited, every version kept, applying from the next meeting
(issue 24)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from core.models import AuditEntry
from meetings.forms import StandingOrdersForm
from meetings.models import StandingOrders, StandingOrdersVersion
from meetings.models.meetings import ORDERS_FIELDS
from meetings.selectors import standing_orders_for
from meetings.speakers import policy_for
from tests.meetings.conftest import running_meeting

pytestmark = pytest.mark.django_db


def _form_data(unit: Any, **changes: Any) -> dict[str, Any]:
    orders = standing_orders_for(unit=unit)
    data: dict[str, Any] = {}
    for name in ORDERS_FIELDS:
        value = getattr(orders, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def _url(branch) -> str:
    return f"/meetings/standing-orders/{branch.unit.slug}/"


def test_an_officer_changes_the_orders_versioned_and_audited(branch) -> None:
    officer = Client()
    officer.force_login(branch.secretary)
    page = officer.get(_url(branch))
    assert page.status_code == 200 and "Members may appoint proxies" in page.content.decode()
    done = officer.post(
        _url(branch), _form_data(branch.unit, proxies_allowed=True, speech_seconds=120, note="AGM 2026"), follow=True
    )
    assert "saved as version 2" in done.content.decode()
    orders = StandingOrders.objects.get(unit=branch.unit)
    assert orders.proxies_allowed is True and orders.speech_seconds == 120
    versions = list(StandingOrdersVersion.objects.filter(unit=branch.unit).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].values["proxies_allowed"] is False and versions[0].values["speech_seconds"] == 180
    assert versions[1].values["proxies_allowed"] is True and versions[1].note == "AGM 2026"
    entry = AuditEntry.objects.get(action="standing_orders_changed")
    assert entry.detail["changed"]["speech_seconds"] == [180, 120] and entry.unit_id == branch.unit.pk


def test_bad_numbers_and_outsiders_are_refused_and_nothing_changes(branch) -> None:
    officer = Client()
    officer.force_login(branch.secretary)
    bad = officer.post(_url(branch), _form_data(branch.unit, quorum=0))
    assert bad.status_code == 400 and "Quorum is at least 1" in bad.content.decode()
    junk = officer.post(_url(branch), _form_data(branch.unit, speech_seconds="three"))
    assert junk.status_code == 400 and "Enter a whole number" in junk.content.decode()
    same = officer.post(_url(branch), _form_data(branch.unit))
    assert same.status_code == 400 and "Nothing was changed" in same.content.decode()
    member = Client()
    member.force_login(branch.members[0])
    assert member.get(_url(branch)).status_code == 403
    assert member.post(_url(branch), _form_data(branch.unit, quorum=1)).status_code == 403
    assert StandingOrders.objects.get(unit=branch.unit).quorum == 3
    assert not StandingOrdersVersion.objects.exists()
    assert Client().get("/meetings/standing-orders/nowhere/").status_code in {302, 404}


def test_a_started_meeting_keeps_the_orders_it_started_with(branch) -> None:
    meeting = running_meeting(branch, present=3)
    officer = Client()
    officer.force_login(branch.secretary)
    officer.post(_url(branch), _form_data(branch.unit, speech_seconds=60, alternate_by_gender=True))
    meeting.refresh_from_db()
    kept = policy_for(meeting=meeting)
    assert kept.speech_seconds == 180 and kept.alternate is False
    nxt = running_meeting(branch, present=1)
    assert policy_for(meeting=nxt).speech_seconds == 60 and policy_for(meeting=nxt).alternate is True


def test_the_form_has_every_standing_order() -> None:
    assert set(StandingOrdersForm().fields) == {*ORDERS_FIELDS, "note"}

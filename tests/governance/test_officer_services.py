"""Officers' writes: bodies, offices, appointments of members; history kept, audit written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEntry
from governance.models import Body, Holding, Office
from governance.services.bodies import body_create, body_mandate_end, body_update, office_create, office_update
from governance.services.holdings import holding_appoint, holding_end
from tests.factories import BodyFactory, HoldingFactory, OfficeFactory, UnitFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 10)


def _code(exc: pytest.ExceptionInfo[DomainError]) -> tuple[str, int]:
    return exc.value.code, exc.value.status


def test_body_create_update_and_audit() -> None:
    unit = UnitFactory()
    actor = HoldingFactory(office=OfficeFactory(unit=unit)).person  # the gate: an officer of the unit
    body = body_create(
        unit=unit,
        name="  Branch committee ",
        kind=Body.Kind.COMMITTEE,
        mandate=Body.Mandate.APPOINTED,
        mandate_authority="Founding meeting, minute 3",
        seats=5,
        actor=actor,
    )
    assert (body.name, body.seats, body.is_current) == ("Branch committee", 5, True)
    body = body_update(
        body=body, data={"name": "Coordinating group", "mandate_ends_on": dt.date(2027, 1, 1)}, actor=actor
    )
    body.refresh_from_db()
    assert body.name == "Coordinating group" and body.mandate_ends_on == dt.date(2027, 1, 1)
    entry = AuditEntry.objects.get(action="body_updated")
    assert entry.actor == actor and entry.unit == unit
    assert entry.detail == {"name": ["Branch committee", "Coordinating group"], "mandate_ends_on": [None, "2027-01-01"]}
    body_update(body=body, data={"name": "Coordinating group"}, actor=actor)  # no change: no entry
    assert AuditEntry.objects.filter(action="body_updated").count() == 1
    assert AuditEntry.objects.filter(action="body_created", object_id=str(body.pk)).exists()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"name": "  "}, "body_name_missing"),
        ({"mandate_authority": ""}, "body_authority_missing"),
        ({"kind": "club"}, "body_unknown_kind"),
        ({"mandate": "divine"}, "body_unknown_mandate"),
        ({"seats": 0}, "body_seats_invalid"),
    ],
)
def test_body_update_refuses_bad_values(data: dict, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        body_update(body=BodyFactory(), data=data)
    assert exc.value.code == code


def test_body_seats_cannot_drop_below_its_members_and_ended_body_is_history() -> None:
    body = BodyFactory(seats=3)
    for _ in range(2):
        HoldingFactory(body=body, office=None)
    with pytest.raises(DomainError) as exc:
        body_update(body=body, data={"seats": 1})
    assert _code(exc) == ("seats_below_holders", 409)
    ended = body_mandate_end(body=body, ends_on=DAY)
    assert ended.mandate_ended_at is not None
    assert set(Holding.objects.filter(body=body).values_list("ends_on", flat=True)) == {DAY}
    with pytest.raises(DomainError) as exc:
        body_update(body=body, data={"name": "Again"})
    assert _code(exc) == ("body_mandate_ended", 409)
    with pytest.raises(DomainError) as exc:
        body_mandate_end(body=body, ends_on=DAY)
    assert _code(exc) == ("body_mandate_ended", 409)
    assert AuditEntry.objects.get(action="body_mandate_ended").detail["ends_on"] == DAY.isoformat()


def test_mandate_end_today_and_refusals() -> None:
    body = BodyFactory()
    with pytest.raises(DomainError) as exc:
        body_mandate_end(body=body, ends_on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.code == "body_mandate_end_future"
    HoldingFactory(body=body, office=None, starts_on=DAY)
    with pytest.raises(DomainError) as exc:
        body_mandate_end(body=body, ends_on=DAY - dt.timedelta(days=1))
    assert exc.value.code == "body_mandate_ends_before_term"
    assert body_mandate_end(body=body, ends_on=timezone.localdate()).mandate_ended_at is not None


def test_office_create_update_and_refusals() -> None:
    unit = UnitFactory()
    committee = BodyFactory(unit=unit)
    office = office_create(unit=unit, title="Treasurer", filled_by=Office.FilledBy.APPOINTMENT, body=committee)
    assert (office.seats, office.term_months, office.body, office.vacancies) == (1, 12, committee, 1)
    office = office_update(office=office, data={"term_months": 24, "seats": 2, "body": None})
    office.refresh_from_db()
    assert (office.term_months, office.seats, office.body) == (24, 2, None)
    assert AuditEntry.objects.get(action="office_updated").detail["body"] == [committee.pk, None]
    for data, code in [
        ({"title": ""}, "office_title_missing"),
        ({"term_months": 0}, "office_term_invalid"),
        ({"seats": 0}, "office_seats_invalid"),
        ({"filled_by": "lottery"}, "office_unknown_filled_by"),
        ({"body": BodyFactory()}, "office_body_invalid"),  # a body of another unit
    ]:
        with pytest.raises(DomainError) as exc:
            office_update(office=office, data=data)
        assert exc.value.code == code
    HoldingFactory.create_batch(2, office=office)
    with pytest.raises(DomainError) as exc:
        office_update(office=office, data={"seats": 1})
    assert _code(exc) == ("seats_below_holders", 409)


def test_only_members_of_the_unit_or_below_can_be_appointed() -> None:
    national = UnitFactory(kind="national")
    branch = UnitFactory(parent=national)
    office = OfficeFactory(unit=national, filled_by=Office.FilledBy.APPOINTMENT, seats=3)
    with pytest.raises(DomainError) as exc:
        holding_appoint(person=UserFactory(), office=office, starts_on=DAY, authority="Minute 1")
    assert exc.value.code == "holding_person_not_member"
    lapsed = member_of(national, status="lapsed")
    with pytest.raises(DomainError) as exc:
        holding_appoint(person=lapsed, office=office, starts_on=DAY, authority="Minute 1")
    assert exc.value.code == "holding_person_not_member"
    branch_member = member_of(branch)  # on a branch's roll: a member of the national network too
    holding = holding_appoint(person=branch_member, office=office, starts_on=DAY, authority="Minute 1")
    assert holding.is_current and AuditEntry.objects.filter(action="holding_appointed").count() == 1
    branch_office = OfficeFactory(unit=branch, filled_by=Office.FilledBy.APPOINTMENT)
    with pytest.raises(DomainError) as exc:  # not the other way round
        holding_appoint(person=member_of(national), office=branch_office, starts_on=DAY, authority="Minute 2")
    assert exc.value.code == "holding_person_not_member"


def test_term_cannot_end_in_the_future() -> None:
    holding = HoldingFactory()
    with pytest.raises(DomainError) as exc:
        holding_end(holding=holding, ends_on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.code == "holding_ends_in_future"
    holding.refresh_from_db()
    assert holding.ends_on is None

"""Governing documents' numbered versions; appointments; who counts as an officer."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import DomainError
from governance import authority
from governance.models import Body, GoverningDocument, Office
from governance.permissions import is_unit_officer
from governance.services.documents import document_create, document_version_adopt
from governance.services.holdings import holding_appoint, holding_end
from tests.factories import BodyFactory, HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 10)


def test_versions_are_numbered_and_an_amendment_records_what_it_changed() -> None:
    from meetings.models import Motion

    unit = UnitFactory()
    doc = document_create(unit=unit, kind=GoverningDocument.Kind.CONSTITUTION, title="Constitution")
    v1 = document_version_adopt(document=doc, text="Original", adopted_on=DAY, authority="Founding meeting")
    motion = Motion.objects.create(unit=unit, title="Amend clause 2", text="…", proposer=UserFactory())
    v2 = document_version_adopt(
        document=doc, text="Amended", adopted_on=DAY, authority="AGM", amends_number=1, motion=motion
    )
    assert (v1.number, v1.amends_number, v2.number, v2.amends_number, v2.motion) == (1, None, 2, 1, motion)
    assert list(motion.document_versions.all()) == [v2]


def test_stale_amendment_and_bad_input_are_refused() -> None:
    doc = document_create(unit=UnitFactory(), kind=GoverningDocument.Kind.STANDING_ORDERS, title="")
    assert doc.title == "Standing orders"
    document_version_adopt(document=doc, text="v1", adopted_on=DAY, authority="Meeting")
    document_version_adopt(document=doc, text="v2", adopted_on=DAY, authority="Meeting", amends_number=1)
    for kwargs, code in [
        ({"text": "v3", "authority": "AGM", "amends_number": 1}, "document_version_stale"),
        ({"text": "  ", "authority": "AGM"}, "document_text_empty"),
        ({"text": "v3", "authority": ""}, "document_authority_missing"),
    ]:
        with pytest.raises(DomainError) as exc:
            document_version_adopt(document=doc, adopted_on=DAY, **kwargs)
        assert exc.value.code == code
    assert doc.versions.count() == 2
    with pytest.raises(DomainError) as exc:
        document_create(unit=doc.unit, kind=GoverningDocument.Kind.STANDING_ORDERS, title="Again")
    assert exc.value.code == "document_exists" and exc.value.status == 409


def test_appointment_respects_how_an_office_is_filled_and_its_seats() -> None:
    unit = UnitFactory()

    def member() -> object:
        return MembershipFactory(unit=unit).person

    elected = OfficeFactory(unit=unit, filled_by=Office.FilledBy.ELECTION)
    with pytest.raises(DomainError) as exc:
        holding_appoint(person=member(), office=elected, starts_on=DAY, authority="Chair's decision")
    assert exc.value.code == "office_is_elected"
    appointed = OfficeFactory(unit=unit, filled_by=Office.FilledBy.APPOINTMENT, seats=1, title="Women's officer")
    holding = holding_appoint(person=member(), office=appointed, starts_on=DAY, authority="Committee minute 4")
    with pytest.raises(DomainError) as exc:
        holding_appoint(person=member(), office=appointed, starts_on=DAY, authority="Committee minute 5")
    assert exc.value.code == "no_vacancy"
    holding_end(holding=holding, ends_on=DAY + dt.timedelta(days=30))
    with pytest.raises(DomainError) as exc:
        holding_end(holding=holding, ends_on=DAY + dt.timedelta(days=31))
    assert exc.value.code == "holding_already_ended"
    assert holding_appoint(person=member(), office=appointed, starts_on=DAY, authority="Minute 6").is_current


def test_appointment_to_an_ended_body_is_refused() -> None:
    body = BodyFactory(mandate=Body.Mandate.APPOINTED, mandate_ended_at="2026-01-01T00:00:00Z")
    with pytest.raises(DomainError) as exc:
        holding_appoint(person=UserFactory(), body=body, starts_on=DAY, authority="x")
    assert exc.value.code == "body_mandate_ended"


def test_officers_manage_their_unit_and_those_below_only() -> None:
    national = UnitFactory(slug="nat")
    branch = UnitFactory(parent=national)
    branch_sec = HoldingFactory(office=OfficeFactory(unit=branch)).person
    national_sec = HoldingFactory(office=OfficeFactory(unit=national)).person
    former = HoldingFactory(office=OfficeFactory(unit=branch), ends_on=DAY).person
    committee_member = HoldingFactory(body=BodyFactory(unit=branch), office=None).person
    admin, staff = UserFactory(is_superuser=True), UserFactory(is_staff=True)
    assert is_unit_officer(user=branch_sec, unit=branch) and not is_unit_officer(user=branch_sec, unit=national)
    assert is_unit_officer(user=national_sec, unit=branch) and is_unit_officer(user=national_sec, unit=national)
    assert not is_unit_officer(user=former, unit=branch)
    assert not is_unit_officer(user=committee_member, unit=branch)
    assert is_unit_officer(user=admin, unit=branch) and not is_unit_officer(user=staff, unit=branch)
    assert sorted(authority.units_managed_ids(national_sec)) == sorted([national.pk, branch.pk])
    assert authority.units_managed_ids(branch_sec) == [branch.pk]

"""Governance's free text has limits too, refused with a clear message:
authorities, body names, document titles and texts."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import DomainError
from governance.models import Body, DocumentVersion, GoverningDocument, Holding
from governance.services.bodies import body_create
from governance.services.documents import document_create, document_version_adopt
from governance.services.holdings import holding_appoint
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_body_authority_and_name_are_limited() -> None:
    unit = UnitFactory()
    with pytest.raises(DomainError, match="The authority is 2,001 characters long; it may be at most 2,000"):
        body_create(unit=unit, name="Committee", kind="committee", mandate="appointed", mandate_authority="a" * 2001)
    with pytest.raises(DomainError, match="The name is 201 characters long"):
        body_create(unit=unit, name="n" * 201, kind="committee", mandate="appointed", mandate_authority="AGM")
    assert not Body.objects.exists()
    assert body_create(unit=unit, name="Committee", kind="committee", mandate="appointed", mandate_authority="a" * 2000)


def test_appointment_authority_is_limited() -> None:
    unit = UnitFactory()
    person = MembershipFactory(unit=unit).person
    with pytest.raises(DomainError, match="The authority is 2,001 characters long"):
        holding_appoint(
            person=person, starts_on=dt.date(2025, 1, 1), authority="a" * 2001, office=OfficeFactory(unit=unit)
        )
    assert not Holding.objects.exists()


def test_document_title_and_text_are_limited() -> None:
    unit = UnitFactory()
    with pytest.raises(DomainError, match="The title is 201 characters long"):
        document_create(unit=unit, kind="constitution", title="t" * 201)
    document = document_create(unit=unit, kind="constitution", title="Constitution")
    with pytest.raises(DomainError, match="The text of the new version is 200,001 characters long"):
        document_version_adopt(document=document, text="x" * 200_001, adopted_on=dt.date(2025, 1, 1), authority="AGM")
    assert not DocumentVersion.objects.exists()
    assert GoverningDocument.objects.count() == 1

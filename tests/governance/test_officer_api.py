"""Officers' REST API: bodies, offices, appointments, documents; refusals as {code, message}."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import UnitAccessPolicy
from core.models import AuditEntry
from governance.models import Body, GoverningDocument, Holding, Office, Unit
from tests.factories import BodyFactory, HoldingFactory, OfficeFactory, UnitFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def setup() -> dict[str, Any]:
    national = UnitFactory(slug="momentum", kind=Unit.Kind.NATIONAL)
    branch = UnitFactory(slug="stockport", name="Momentum Stockport", parent=national)
    officer = HoldingFactory(office=OfficeFactory(unit=branch, title="Secretary")).person
    treasurer = OfficeFactory(unit=branch, title="Treasurer", filled_by=Office.FilledBy.APPOINTMENT)
    return {"national": national, "branch": branch, "officer": officer, "treasurer": treasurer}


def test_anonymous_and_other_officers_are_refused(api: APIClient, setup: dict) -> None:
    body = BodyFactory(unit=setup["branch"])
    writes = [
        ("post", "/api/governance/units/stockport/bodies/"),
        ("post", "/api/governance/units/stockport/offices/"),
        ("post", "/api/governance/units/stockport/documents/"),
        ("patch", f"/api/governance/bodies/{body.pk}/"),
        ("post", f"/api/governance/bodies/{body.pk}/end-mandate/"),
        ("post", f"/api/governance/bodies/{body.pk}/holdings/"),
        ("patch", f"/api/governance/offices/{setup['treasurer'].pk}/"),
        ("post", f"/api/governance/offices/{setup['treasurer'].pk}/holdings/"),
        ("post", f"/api/governance/holdings/{HoldingFactory(office=setup['treasurer']).pk}/end/"),
    ]
    for method, url in writes:
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code in (401, 403) and response.json()["code"] == "not_authenticated", url
    api.force_authenticate(HoldingFactory(office=OfficeFactory(unit=UnitFactory(parent=setup["national"]))).person)
    for method, url in writes:
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 403, url
        assert response.json() == {
            "code": "not_unit_officer",
            "message": "Only officers of Momentum Stockport can do this.",
        }
    assert api.post("/api/governance/units/nowhere/bodies/", {}, format="json").status_code == 404
    assert not AuditEntry.objects.exists()


def test_officer_sets_up_a_body_and_appoints_to_it(api: APIClient, setup: dict) -> None:
    api.force_authenticate(setup["officer"])
    response = api.post(
        "/api/governance/units/stockport/bodies/",
        {"name": "Committee", "kind": "committee", "mandate": "nonsense", "mandate_authority": "AGM"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "mandate" in response.json()["errors"]
    response = api.post(
        "/api/governance/units/stockport/bodies/",
        {"name": "Committee", "kind": "committee", "mandate": "appointed", "mandate_authority": "AGM", "seats": 2},
        format="json",
    )
    assert response.status_code == 201
    body_id = response.json()["id"]
    assert response.json()["seats"] == 2 and response.json()["is_current"]
    response = api.patch(f"/api/governance/bodies/{body_id}/", {"name": "Branch committee"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Branch committee"
    person = member_of(setup["branch"])
    appoint = {"person": person.pk, "starts_on": "2026-01-01", "authority": "AGM minute 3"}
    response = api.post(f"/api/governance/bodies/{body_id}/holdings/", appoint, format="json")
    assert response.status_code == 201 and response.json()["body"] == body_id
    response = api.post(f"/api/governance/bodies/{body_id}/holdings/", appoint, format="json")
    assert response.status_code == 409 and response.json()["code"] == "holding_exists"
    response = api.patch(f"/api/governance/bodies/{body_id}/", {"seats": 0}, format="json")
    assert response.status_code == 400
    response = api.post(f"/api/governance/bodies/{body_id}/end-mandate/", {"ends_on": "2026-02-01"}, format="json")
    assert response.status_code == 200 and response.json()["is_current"] is False
    assert Holding.objects.get(body_id=body_id).ends_on == dt.date(2026, 2, 1)
    response = api.patch(f"/api/governance/bodies/{body_id}/", {"name": "Again"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "body_mandate_ended"
    assert Body.objects.get(pk=body_id).name == "Branch committee"


def test_officer_replaces_the_treasurer(api: APIClient, setup: dict) -> None:
    api.force_authenticate(setup["officer"])
    treasurer = setup["treasurer"]
    old = HoldingFactory(office=treasurer, starts_on=dt.date(2024, 1, 1))
    new = member_of(setup["branch"])
    url = f"/api/governance/offices/{treasurer.pk}/holdings/"
    appoint = {"person": new.pk, "starts_on": "2026-01-02", "authority": "Committee minute 12"}
    response = api.post(url, appoint, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_vacancy"
    response = api.post(url, {**appoint, "person": UserFactory().pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "holding_person_not_member"
    response = api.post(url, {**appoint, "person": 999999}, format="json")
    assert response.status_code == 400 and "person" in response.json()["errors"]
    response = api.post(f"/api/governance/holdings/{old.pk}/end/", {"ends_on": "2026-01-01"}, format="json")
    assert response.status_code == 200 and response.json()["ends_on"] == "2026-01-01"
    response = api.post(url, appoint, format="json")
    assert response.status_code == 201 and response.json()["person"]["id"] == new.pk
    offices = api.get("/api/governance/offices/", {"unit": "stockport"}).json()["results"]
    assert [o["holders"] for o in offices if o["title"] == "Treasurer"] == [[{"id": new.pk, "name": str(new)}]]
    history = api.get("/api/governance/holdings/", {"office": treasurer.pk}).json()["results"]
    assert [(h["person"]["id"], h["ends_on"]) for h in history] == [(new.pk, None), (old.person.pk, "2026-01-01")]


def test_officer_sets_up_and_changes_an_office(api: APIClient, setup: dict) -> None:
    api.force_authenticate(setup["officer"])
    other_body = BodyFactory(unit=setup["national"])
    response = api.post(
        "/api/governance/units/stockport/offices/", {"title": "Chair", "body": other_body.pk}, format="json"
    )
    assert response.status_code == 400 and "body" in response.json()["errors"]
    response = api.post("/api/governance/units/stockport/offices/", {"title": "Chair", "seats": 2}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["filled_by"], data["seats"], data["vacancies"], data["holders"]) == ("elected", 2, 2, [])
    response = api.patch(f"/api/governance/offices/{data['id']}/", {"term_months": 200}, format="json")
    assert response.status_code == 400
    response = api.patch(f"/api/governance/offices/{data['id']}/", {"filled_by": "appointed"}, format="json")
    assert response.status_code == 200 and response.json()["filled_by"] == "appointed"


def test_officer_creates_a_document_and_adopts_versions(api: APIClient, setup: dict) -> None:
    api.force_authenticate(setup["officer"])
    response = api.post("/api/governance/units/stockport/documents/", {"kind": "standing_orders"}, format="json")
    assert response.status_code == 201 and response.json()["title"] == "Standing orders"
    doc_id = response.json()["id"]
    response = api.post("/api/governance/units/stockport/documents/", {"kind": "standing_orders"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "document_exists"
    url = f"/api/governance/documents/{doc_id}/versions/"
    version = {"text": "1. Quorum is five.", "adopted_on": "2026-01-10", "authority": "Meeting", "amends_number": 0}
    response = api.post(url, version, format="json")
    assert response.status_code == 201 and response.json()["number"] == 1
    response = api.post(url, version, format="json")
    assert response.status_code == 409 and response.json()["code"] == "document_version_stale"
    response = api.post(url, {**version, "amends_number": 1, "text": "1. Quorum is six."}, format="json")
    assert (response.json()["number"], response.json()["amends_number"]) == (2, 1)
    response = api.post(url, {**version, "text": "  ", "amends_number": None}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "document_text_empty"
    assert GoverningDocument.objects.get(pk=doc_id).versions.count() == 2


def test_mfa_is_demanded_for_the_unit_being_managed(api: APIClient, setup: dict) -> None:
    UnitAccessPolicy.objects.create(unit=setup["branch"], officers_require_mfa=True)
    api.force_authenticate(setup["officer"])
    response = api.post("/api/governance/units/stockport/documents/", {"kind": "constitution"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    assert not GoverningDocument.objects.exists()
    from tests.accounts.helpers import FACTORY_PASSWORD, activate_totp, totp_code

    secret = activate_totp(setup["officer"])
    # An authenticator is not enough: this client did not pass it.
    response = api.post("/api/governance/units/stockport/documents/", {"kind": "constitution"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "mfa_not_verified"
    # A token issued with a code is.
    body = {
        "email": setup["officer"].email,
        "password": FACTORY_PASSWORD,
        "code": totp_code(secret, at=time.time() + 30),
    }
    token = APIClient().post("/api/accounts/token/", body, format="json").json()["token"]
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.post("/api/governance/units/stockport/documents/", {"kind": "constitution"}, format="json")
    assert response.status_code == 201


def test_schema_documents_the_officer_endpoints(api: APIClient) -> None:
    text = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in [
        "/api/governance/units/{slug}/bodies/",
        "/api/governance/bodies/{body_id}/end-mandate/",
        "/api/governance/offices/{office_id}/holdings/",
        "/api/governance/holdings/{holding_id}/end/",
        "/api/governance/documents/{document_id}/versions/",
    ]:
        assert path in text

"""Governance REST API: public reads, officers-only roll, filters, pagination, schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from governance.models import Body, Membership, RollImport, Unit
from tests.factories import BodyFactory, HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory
from tests.governance.conftest import person_row, roll_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def setup() -> dict[str, object]:
    national = UnitFactory(slug="momentum", kind=Unit.Kind.NATIONAL)
    branch = UnitFactory(slug="stockport", parent=national)
    interim = BodyFactory(unit=national, name="Reference group", mandate=Body.Mandate.APPOINTED)
    ended = BodyFactory(unit=branch, name="Old organisers", mandate_ended_at="2025-01-01T00:00:00Z")
    secretary = OfficeFactory(unit=branch, title="Secretary")
    officer = HoldingFactory(office=secretary).person
    OfficeFactory(unit=branch, title="Treasurer")
    HoldingFactory(body=interim, office=None, ends_on=dt.date(2025, 1, 1))
    return {
        "national": national,
        "branch": branch,
        "interim": interim,
        "ended": ended,
        "secretary": secretary,
        "officer": officer,
    }


def test_units_filter_and_paginate(api: APIClient, setup: dict) -> None:
    for i in range(55):
        UnitFactory(parent=setup["national"], slug=f"extra-{i}")
    data = api.get("/api/governance/units/").json()
    assert data["count"] == 57 and len(data["results"]) == 50 and data["next"]
    data = api.get("/api/governance/units/", {"parent": "momentum", "page_size": 100}).json()
    assert data["count"] == 56
    data = api.get("/api/governance/units/", {"kind": "national"}).json()
    assert [u["slug"] for u in data["results"]] == ["momentum"]
    response = api.get("/api/governance/units/", {"kind": "galaxy"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    # Present but empty is not a kind either (the schema's enum); absent is no filter.
    for path, name in [("/api/governance/units/", "kind"), ("/api/governance/bodies/", "mandate")]:
        response = api.get(f"{path}?{name}=")
        assert response.status_code == 400, (path, response.status_code)
        assert "“” is not one of" in response.content.decode()
    # The same for a boolean filter and for the page number (DRF reads ?page= as page 1).
    for query in [
        "/api/governance/offices/?vacant=",
        "/api/governance/bodies/?current=",
        "/api/governance/units/?page=",
    ]:
        response = api.get(query)
        assert response.status_code == 400, (query, response.status_code)
        assert response.json()["code"] == "invalid"
    # A value with a per cent sign is read as text, never as a format (DRF 3.15.0 and .1 formatted it: a 500).
    response = api.get("/api/governance/units/?kind=%25s%40")
    assert response.status_code == 400 and "“%s@” is not one of" in response.content.decode()
    assert api.get("/api/governance/units/stockport/").json()["parent"] == "momentum"
    assert api.get("/api/governance/units/nowhere/").status_code == 404


def test_bodies_offices_and_holdings(api: APIClient, setup: dict) -> None:
    bodies = api.get("/api/governance/bodies/", {"current": "true"}).json()["results"]
    assert {b["name"] for b in bodies} == {"Reference group"}
    assert api.get("/api/governance/bodies/", {"current": "maybe"}).status_code == 400
    offices = api.get("/api/governance/offices/", {"unit": "stockport", "vacant": "true"}).json()["results"]
    assert [(o["title"], o["vacancies"], o["holders"]) for o in offices] == [("Treasurer", 1, [])]
    offices = api.get("/api/governance/offices/", {"unit": "stockport", "vacant": "false"}).json()["results"]
    assert offices[0]["holders"][0]["name"] == str(setup["officer"])
    holdings = api.get("/api/governance/holdings/", {"unit": "momentum", "current": "false"}).json()["results"]
    assert len(holdings) == 1 and holdings[0]["ends_on"] == "2025-01-01"
    assert api.get("/api/governance/holdings/", {"office": "x"}).status_code == 400
    assert api.get("/api/governance/holdings/", {"unit": "nowhere"}).status_code == 400


def test_holdings_list_query_count_is_fixed(api: APIClient, setup: dict) -> None:
    for _ in range(20):
        HoldingFactory(office=setup["secretary"])
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("/api/governance/holdings/").status_code == 200
    assert len(ctx.captured_queries) <= 3


def test_memberships_are_for_officers_only(api: APIClient, setup: dict) -> None:
    MembershipFactory(unit=setup["branch"], kind="member", party_member=True, membership_number="M1")
    MembershipFactory(unit=setup["branch"], kind="supporter", status="lapsed")
    url = "/api/governance/units/stockport/memberships/"
    assert api.get(url).status_code in (401, 403)
    api.force_authenticate(MembershipFactory(unit=setup["branch"]).person)
    response = api.get(url)
    assert response.status_code == 403 and response.json()["code"] == "not_unit_officer"
    api.force_authenticate(setup["officer"])
    data = api.get(url, {"status": "active", "kind": "member", "party_member": "true"}).json()
    assert [m["membership_number"] for m in data["results"]] == ["M1"]
    assert api.get(url, {"status": "gone"}).status_code == 400
    assert api.get("/api/governance/units/momentum/memberships/").status_code == 403  # not above their unit


def test_roll_import_api(api: APIClient, setup: dict, django_capture_on_commit_callbacks) -> None:
    api.force_authenticate(setup["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/governance/units/stockport/roll-imports/",
            {"file": SimpleUploadedFile("r.csv", roll_csv([person_row(1), person_row(2)]))},
            format="multipart",
        )
    assert response.status_code == 202
    job_id = response.json()["id"]
    data = api.get(f"/api/governance/roll-imports/{job_id}/").json()
    assert (
        data["state"] == "succeeded"
        and data["summary"]["memberships_created"] == 2
        and data["progress"]["percent"] == 100
    )
    assert Membership.objects.filter(unit=setup["branch"]).count() == 2
    api.force_authenticate(UserFactory())
    assert api.get(f"/api/governance/roll-imports/{job_id}/").status_code == 403
    response = api.post("/api/governance/units/stockport/roll-imports/", {}, format="multipart")
    assert response.status_code == 403 and RollImport.objects.count() == 1


def test_schema_documents_the_endpoints(api: APIClient) -> None:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for path in [
        "/api/governance/units/",
        "/api/governance/bodies/",
        "/api/governance/offices/",
        "/api/governance/holdings/",
        "/api/governance/units/{slug}/memberships/",
        "/api/governance/roll-imports/{import_id}/",
    ]:
        assert path in text
    assert "vacant" in text and "party_member" in text


@pytest.mark.parametrize("value", ["²", "١٢", "1\x00", "𝟙"])
def test_an_id_filter_that_is_not_ascii_digits_is_a_400_with_a_reason(api: APIClient, setup: dict, value: str) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` raises: it was a 500."""
    for name in ("office", "body"):
        response = api.get("/api/governance/holdings/", {name: value})
        body = response.json()
        assert response.status_code == 400, body
        assert body["code"] == "invalid" and body["errors"] == {name: ["Must be an id (a whole number)."]}


def test_list_filters_are_in_the_schema_and_refuse_bad_values(api: APIClient, setup: dict) -> None:
    """The filters are django-filter FilterSets: drf-spectacular lists them,
    and a bad value is a 400 naming the parameter, never ignored."""
    schema = api.get("/api/schema.json").json()["paths"]
    params = {p["name"]: p["schema"] for p in schema["/api/governance/holdings/"]["get"]["parameters"]}
    assert params["office"] == {"type": "integer"} and params["current"] == {"type": "boolean"}
    assert params["unit"]["type"] == "string"
    motions = {p["name"] for p in schema["/api/meetings/motions/"]["get"]["parameters"]}
    assert "unit" in motions
    for query, name in [
        ("/api/governance/offices/?vacant=perhaps", "vacant"),
        ("/api/governance/offices/?unit=nowhere", "unit"),
        ("/api/governance/bodies/?unit=not%20a%20slug", "unit"),
        ("/api/governance/units/?parent=%00", "parent"),
        ("/api/meetings/motions/?unit=nowhere", "unit"),
        ("/api/meetings/motions/?unit=", None),
    ]:
        response = api.get(query)
        if name is None:
            assert response.status_code == 200, query  # empty slug: no filter, as before
            continue
        assert response.status_code == 400, (query, response.status_code)
        assert response.json()["code"] == "invalid" and name in response.json()["errors"], response.json()
    assert "There is no unit “nowhere”" in api.get("/api/meetings/motions/?unit=nowhere").content.decode()

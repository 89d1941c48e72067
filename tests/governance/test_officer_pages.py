"""Officers' pages: managing bodies, offices, appointments and documents of their unit."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import UnitAccessPolicy
from core.models import AuditEntry
from governance.models import Body, DocumentVersion, GoverningDocument, Holding, Office, Unit
from tests.factories import BodyFactory, HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def stockport() -> dict[str, Any]:
    national = UnitFactory(name="Momentum", slug="momentum", kind=Unit.Kind.NATIONAL)
    unit = UnitFactory(name="Momentum Stockport", slug="stockport", parent=national)
    secretary = HoldingFactory(
        office=OfficeFactory(unit=unit, title="Secretary"), person=UserFactory(full_name="Sam Secretary")
    ).person
    treasurer = OfficeFactory(unit=unit, title="Treasurer", filled_by=Office.FilledBy.APPOINTMENT)
    old = HoldingFactory(office=treasurer, person=UserFactory(full_name="Olive Old"), starts_on=dt.date(2024, 5, 1))
    newcomer = MembershipFactory(
        unit=unit, person=UserFactory(full_name="Nadia New", email="nadia@example.org"), membership_number="M77"
    ).person
    return {
        "national": national,
        "unit": unit,
        "secretary": secretary,
        "treasurer": treasurer,
        "old": old,
        "newcomer": newcomer,
    }


@pytest.fixture
def officer(client: Client, stockport: dict) -> Client:
    client.force_login(stockport["secretary"])
    return client


def test_who_may_manage(client: Client, stockport: dict) -> None:
    urls = [
        "/units/stockport/manage/",
        "/units/stockport/manage/bodies/new/",
        "/units/stockport/manage/offices/new/",
        f"/units/stockport/manage/offices/{stockport['treasurer'].pk}/",
        "/units/stockport/manage/documents/new/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(MembershipFactory(unit=stockport["unit"]).person)
    assert client.get(urls[0]).status_code == 403
    manchester = UnitFactory(name="Momentum Manchester", slug="manchester", parent=stockport["national"])
    client.force_login(HoldingFactory(office=OfficeFactory(unit=manchester)).person)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert "Only officers of Momentum Stockport and national administrators" in response.content.decode()
    response = client.post(f"/units/stockport/manage/offices/{stockport['treasurer'].pk}/appoint/", {})
    assert response.status_code == 403 and not AuditEntry.objects.exists()
    client.force_login(HoldingFactory(office=OfficeFactory(unit=stockport["national"])).person)
    assert client.get(urls[0]).status_code == 200  # an officer above it
    client.force_login(UserFactory(is_staff=True))  # staff: the Django admin site only, no authority here
    assert client.get(urls[0]).status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(urls[0]).status_code == 200
    client.force_login(stockport["secretary"])
    for url in urls:
        assert client.get(url).status_code == 200
    assert client.get("/units/nowhere/manage/").status_code == 404


def test_unit_page_links_officers_to_the_management_pages(client: Client, stockport: dict) -> None:
    assert "Manage bodies, offices" not in client.get("/units/stockport/").content.decode()
    client.force_login(stockport["secretary"])
    assert "/units/stockport/manage/" in client.get("/units/stockport/").content.decode()


def test_secretary_replaces_the_treasurer(officer: Client, stockport: dict) -> None:
    treasurer, old = stockport["treasurer"], stockport["old"]
    base = f"/units/stockport/manage/offices/{treasurer.pk}/"
    html = officer.get(base).content.decode()
    assert "Every seat is filled." in html and "Olive Old" in html
    assert re.search(rf'type="date" name="end-{old.pk}-ends_on"[^>]* value="{TODAY().isoformat()}"', html)

    # The seat is full: the appointment is refused with the reason, not a 500.
    response = officer.post(
        base + "appoint/",
        {"appoint-person": "nadia@example.org", "appoint-starts_on": TODAY().isoformat(), "appoint-authority": "x"},
    )
    assert response.status_code == 409 and "Every seat is filled; end a term first." in response.content.decode()

    response = officer.post(f"/units/stockport/manage/holdings/{old.pk}/end/", {f"end-{old.pk}-ends_on": "tomorrow"})
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()
    ended_on = TODAY() - dt.timedelta(days=1)
    response = officer.post(
        f"/units/stockport/manage/holdings/{old.pk}/end/", {f"end-{old.pk}-ends_on": ended_on.isoformat()}
    )
    assert response.status_code == 302 and response["Location"] == base
    assert "Vacant." in officer.get(base).content.decode()

    response = officer.post(
        base + "appoint/",
        {"appoint-person": "M77", "appoint-starts_on": TODAY().isoformat(), "appoint-authority": "Committee minute 12"},
    )
    assert response.status_code == 302
    holding = Holding.objects.get(office=treasurer, ends_on__isnull=True)
    assert holding.person == stockport["newcomer"] and holding.authority == "Committee minute 12"
    html = officer.get("/units/stockport/").content.decode()
    assert re.search(r"Nadia New <span[^>]*>— Committee minute 12</span>", html)
    html = officer.get(f"/units/stockport/offices/{treasurer.pk}/").content.decode()
    assert html.index("Nadia New") < html.index("Olive Old") and ended_on.strftime("%-d %b %Y") in html
    assert Holding.objects.filter(office=treasurer).count() == 2  # history kept
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor"))
    assert actions == [("holding_ended", stockport["secretary"].pk), ("holding_appointed", stockport["secretary"].pk)]


def test_appointment_form_errors_are_400(officer: Client, stockport: dict) -> None:
    Holding.objects.filter(pk=stockport["old"].pk).update(ends_on=dt.date(2025, 1, 1))
    url = f"/units/stockport/manage/offices/{stockport['treasurer'].pk}/appoint/"
    outsider = UserFactory(email="outsider@example.org")
    response = officer.post(
        url, {"appoint-person": outsider.email, "appoint-starts_on": "2026-02-30", "appoint-authority": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nobody on the roll of Momentum Stockport has that e-mail or number." in html
    assert "Enter a valid date." in html and "This field is required." in html
    assert not Holding.objects.filter(person=outsider).exists()
    elected = OfficeFactory(unit=stockport["unit"], title="Chair")
    response = officer.post(
        f"/units/stockport/manage/offices/{elected.pk}/appoint/",
        {"appoint-person": "M77", "appoint-starts_on": "2026-01-01", "appoint-authority": "Minute"},
    )
    assert response.status_code == 409 and "Chair is filled by election" in response.content.decode()


def test_state_changes_are_post_only_with_csrf(stockport: dict) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(stockport["secretary"])
    old = stockport["old"]
    assert client.get(f"/units/stockport/manage/holdings/{old.pk}/end/").status_code == 405
    response = client.post(f"/units/stockport/manage/holdings/{old.pk}/end/", {f"end-{old.pk}-ends_on": "2026-01-01"})
    assert response.status_code == 403
    old.refresh_from_db()
    assert old.ends_on is None


def test_a_holding_of_another_unit_is_not_found(officer: Client, stockport: dict) -> None:
    elsewhere = HoldingFactory(office=OfficeFactory(unit=UnitFactory()))
    response = officer.post(f"/units/stockport/manage/holdings/{elsewhere.pk}/end/", {})
    assert response.status_code == 404
    other_office = OfficeFactory(unit=stockport["national"])
    assert officer.get(f"/units/stockport/manage/offices/{other_office.pk}/").status_code == 404


def test_offices_are_set_up_and_changed(officer: Client, stockport: dict) -> None:
    response = officer.post("/units/stockport/manage/offices/new/", {"title": "", "term_months": "0", "seats": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and "This field is required." in html
    assert "greater than or equal to 1" in html
    committee = BodyFactory(unit=stockport["unit"])
    response = officer.post(
        "/units/stockport/manage/offices/new/",
        {"title": "Women's officer", "term_months": "24", "filled_by": "appointed", "seats": "1", "body": committee.pk},
    )
    office = Office.objects.get(title="Women's officer")
    assert response.status_code == 302 and office.body == committee and office.term_months == 24
    html = officer.get(response["Location"]).content.decode()
    assert "Vacant." in html and "Nobody now." in html
    data = {"title": "Women's officer", "term_months": "12", "filled_by": "elected", "seats": "2", "body": ""}
    assert officer.post(response["Location"], data).status_code == 302
    office.refresh_from_db()
    assert (office.filled_by, office.seats, office.body) == ("elected", 2, None)
    html = officer.get("/units/stockport/manage/").content.decode()
    assert "vacant (2 of 2)" in html
    response = officer.post(
        f"/units/stockport/manage/offices/{stockport['treasurer'].pk}/",
        {"title": "Treasurer", "term_months": "12", "filled_by": "appointed", "seats": "0"},
    )
    assert response.status_code == 400


def test_bodies_are_set_up_appointed_to_and_ended(officer: Client, stockport: dict) -> None:
    response = officer.post("/units/stockport/manage/bodies/new/", {"name": "Steering group", "kind": "committee"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = officer.post(
        "/units/stockport/manage/bodies/new/",
        {
            "name": "Steering group",
            "kind": "committee",
            "mandate": "appointed",
            "mandate_authority": "Founding meeting",
            "seats": "1",
        },
    )
    body = Body.objects.get(name="Steering group")
    base = f"/units/stockport/manage/bodies/{body.pk}/"
    assert response.status_code == 302 and response["Location"] == base
    appoint = {
        "appoint-person": "nadia@example.org",
        "appoint-starts_on": "2026-01-05",
        "appoint-authority": "Minute 2",
    }
    assert officer.post(base + "appoint/", appoint).status_code == 302
    second = MembershipFactory(unit=stockport["unit"], person=UserFactory(email="b@example.org")).person
    response = officer.post(base + "appoint/", {**appoint, "appoint-person": second.email})
    assert response.status_code == 409 and "Every seat is filled" in response.content.decode()
    edit = {"name": "Steering group", "kind": "committee", "mandate": "appointed", "mandate_authority": "Founding"}
    response = officer.post(base, {**edit, "seats": "0"})
    assert response.status_code == 400 and "At least one seat" in response.content.decode()
    assert officer.post(base, {**edit, "seats": "3"}).status_code == 302
    body.refresh_from_db()
    assert body.seats == 3 and body.mandate_authority == "Founding"
    response = officer.post(base + "end-mandate/", {"mandate-ends_on": "2026-01-01"})
    assert response.status_code == 400 and "starts after that date" in response.content.decode()
    assert officer.post(base + "end-mandate/", {"mandate-ends_on": "2026-02-01"}).status_code == 302
    body.refresh_from_db()
    assert body.mandate_ended_at is not None
    assert list(Holding.objects.filter(body=body).values_list("ends_on", flat=True)) == [dt.date(2026, 2, 1)]
    html = officer.get(base).content.decode()
    assert "Its mandate ended on" in html and "Appoint someone" not in html
    assert officer.post(base, {**edit, "seats": "4"}).status_code == 409


def test_documents_are_created_and_versions_adopted(officer: Client, stockport: dict) -> None:
    response = officer.post("/units/stockport/manage/documents/new/", {"kind": "manifesto"})
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    response = officer.post("/units/stockport/manage/documents/new/", {"kind": "constitution", "title": ""})
    document = GoverningDocument.objects.get(unit=stockport["unit"])
    assert response.status_code == 302 and document.title == "Constitution"
    response = officer.post("/units/stockport/manage/documents/new/", {"kind": "constitution", "title": "Again"})
    assert response.status_code == 409 and "already has constitution" in response.content.decode()
    url = f"/units/stockport/manage/documents/{document.pk}/"
    html = officer.get(url).content.decode()
    assert "this will be version 1" in html and 'name="amends_number" value="0"' in html
    first = {"text": "1. Name", "adopted_on": "2026-01-10", "authority": "Founding meeting", "amends_number": "0"}
    response = officer.post(url, first)
    assert response.status_code == 302 and response["Location"] == f"/units/stockport/documents/{document.pk}/"
    stale = officer.post(url, first)  # drafted against no version; version 1 now exists
    assert stale.status_code == 409 and "version 1 is now the current text" in stale.content.decode()
    html = officer.get(url).content.decode()
    assert "1. Name" in html and 'name="amends_number" value="1"' in html
    second = {"text": "1. Name\n2. Aims", "adopted_on": "2026-03-01", "authority": "AGM", "amends_number": "1"}
    assert officer.post(url, second).status_code == 302
    assert list(DocumentVersion.objects.values_list("number", "amends_number")) == [(2, 1), (1, None)]
    response = officer.post(url, {"text": "", "adopted_on": "x", "authority": "", "amends_number": "2"})
    assert response.status_code == 400 and DocumentVersion.objects.count() == 2
    html = officer.get("/units/stockport/manage/").content.decode()
    assert 'Constitution</a> <span class="meta">version 2</span>' in html


def test_mfa_is_demanded_where_the_unit_demands_it(officer: Client, stockport: dict) -> None:
    UnitAccessPolicy.objects.create(unit=stockport["unit"], officers_require_mfa=True)
    old = stockport["old"]
    response = officer.get("/units/stockport/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/")
    response = officer.post(f"/units/stockport/manage/holdings/{old.pk}/end/", {f"end-{old.pk}-ends_on": "2026-01-01"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/")
    old.refresh_from_db()
    assert old.ends_on is None
    from tests.accounts.helpers import activate_totp, totp_code

    secret = activate_totp(stockport["secretary"])
    # This session signed in before the authenticator existed: asked for a code.
    response = officer.get("/units/stockport/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert officer.post(response["Location"], {"code": totp_code(secret, at=time.time() + 30)}).status_code == 302
    assert officer.get("/units/stockport/manage/").status_code == 200


def test_management_pages_query_count_does_not_grow_with_history(
    officer: Client, stockport: dict, django_assert_max_num_queries: Any
) -> None:
    treasurer = stockport["treasurer"]
    body = BodyFactory(unit=stockport["unit"])
    for i in range(15):
        HoldingFactory(office=treasurer, starts_on=dt.date(2010 + i, 1, 1), ends_on=dt.date(2010 + i, 12, 31))
        HoldingFactory(body=body, office=None)
    officer.get("/units/stockport/manage/")  # warm the session
    with django_assert_max_num_queries(14):
        assert officer.get(f"/units/stockport/manage/offices/{treasurer.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert officer.get(f"/units/stockport/manage/bodies/{body.pk}/").status_code == 200
    with django_assert_max_num_queries(16):
        assert officer.get("/units/stockport/manage/").status_code == 200

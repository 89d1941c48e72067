"""Officers' roll pages: upload runs the import as a task with progress; export; access."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from governance.models import Membership, RollImport
from governance.services.roll_jobs import roll_import_run
from tests.factories import HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory
from tests.governance.conftest import person_row, roll_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client: Client) -> tuple[Client, Any]:
    unit = UnitFactory(slug="stockport", name="Momentum Stockport")
    officer = HoldingFactory(office=OfficeFactory(unit=unit, title="Membership officer")).person
    client.force_login(officer)
    return client, unit


def _upload(client: Client, data: bytes, dry_run: bool = False) -> Any:
    return client.post(
        "/units/stockport/roll/",
        {
            "file": SimpleUploadedFile("roll.csv", data, content_type="text/csv"),
            **({"dry_run": "on"} if dry_run else {}),
        },
    )


def test_upload_imports_in_a_task_and_shows_the_summary(officer_client, django_capture_on_commit_callbacks) -> None:
    client, unit = officer_client
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, roll_csv([person_row(i) for i in range(12)]))
    job = RollImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/units/stockport/roll/imports/{job.pk}/"
    assert job.state == RollImport.State.SUCCEEDED and job.content == "" and job.summary["memberships_created"] == 12
    assert Membership.objects.filter(unit=unit).count() == 12
    html = client.get(response["Location"]).content.decode()
    assert "Imported 12 rows: 12 new people, 12 new memberships" in html
    assert 'value="100"' in html and 'http-equiv="refresh"' not in html


def test_rejected_upload_lists_row_errors_and_writes_nothing(
    officer_client, django_capture_on_commit_callbacks
) -> None:
    client, _ = officer_client
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, roll_csv([person_row(1), person_row(2, joined_on="yesterday")]))
    job = RollImport.objects.get()
    assert job.state == RollImport.State.REJECTED and job.errors[0]["line"] == 3
    html = client.get(response["Location"]).content.decode()
    assert "nothing was imported" in html and '<th scope="row">3</th>' in html and "not a date" in html
    assert not Membership.objects.exists()


def test_pending_job_page_refreshes_and_running_twice_is_harmless(officer_client) -> None:
    client, _ = officer_client
    response = _upload(client, roll_csv([person_row(1)]))  # on_commit not run: the job waits
    job = RollImport.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert job.state == RollImport.State.PENDING and 'http-equiv="refresh"' in html
    assert roll_import_run(roll_import_id=job.pk).state == RollImport.State.SUCCEEDED
    assert roll_import_run(roll_import_id=job.pk).state == RollImport.State.SUCCEEDED
    assert Membership.objects.count() == 1


def test_dry_run_upload_writes_nothing(officer_client, django_capture_on_commit_callbacks) -> None:
    client, _ = officer_client
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, roll_csv([person_row(1)]), dry_run=True)
    assert "Would import 1 rows" in client.get(response["Location"]).content.decode()
    assert not Membership.objects.exists()


def test_bad_files_are_form_errors_not_500(officer_client) -> None:
    client, _ = officer_client
    response = _upload(client, b"\xff\xfe\x00bad")
    assert response.status_code == 400 and "not UTF-8" in response.content.decode()
    response = client.post("/units/stockport/roll/", {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not RollImport.objects.exists()


def test_roll_pages_are_for_officers_only(client: Client) -> None:
    unit = UnitFactory(slug="stockport")
    job = RollImport.objects.create(unit=unit)
    urls = ["/units/stockport/roll/", "/units/stockport/roll/export.csv", f"/units/stockport/roll/imports/{job.pk}/"]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    member = MembershipFactory(unit=unit).person
    client.force_login(member)
    for url in urls:
        assert client.get(url).status_code == 403
    other_unit_officer = HoldingFactory(office=OfficeFactory(unit=UnitFactory())).person
    client.force_login(other_unit_officer)
    assert client.get(urls[0]).status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(urls[0]).status_code == 200


def test_export_round_trips_through_the_import(officer_client) -> None:
    from governance.services.roll_import import roll_import

    client, unit = officer_client
    roll_import(
        unit=unit,
        data=roll_csv([person_row(1, kind="member", party_member="yes"), person_row(2, full_name="=SUM(A1)")]),
    )
    response = client.get("/units/stockport/roll/export.csv")
    assert response["Content-Type"].startswith("text/csv") and "roll-stockport.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][:2] == ["email", "full_name"] and rows[1][:6] == [
        "p1@example.org",
        "Person 1",
        "M00001",
        "member",
        "yes",
        "2016-01-15",
    ]
    assert rows[2][1] == "'=SUM(A1)"
    summary = roll_import(unit=unit, data=body)
    assert summary.memberships_unchanged == 2 and summary.memberships_updated == 0


def test_roll_page_lists_and_searches_members(officer_client) -> None:
    client, unit = officer_client
    MembershipFactory(unit=unit, person=UserFactory(full_name="Aisha Ahmed"), membership_number="M1")
    MembershipFactory(unit=unit, person=UserFactory(full_name="Ben Brown"))
    html = client.get("/units/stockport/roll/?q=aisha").content.decode()
    assert "Aisha Ahmed" in html and "Ben Brown" not in html


def test_lost_or_abandoned_roll_imports_are_queued_again(monkeypatch) -> None:
    import datetime as dt

    from django.utils import timezone

    from governance.services import roll_jobs

    unit = UnitFactory()
    old = timezone.now() - dt.timedelta(hours=1)
    lost = RollImport.objects.create(unit=unit, content="email\n", state=RollImport.State.PENDING)
    RollImport.objects.filter(pk=lost.pk).update(created_at=old)
    dead = RollImport.objects.create(unit=unit, state=RollImport.State.RUNNING, started_at=old)
    fresh = RollImport.objects.create(unit=unit, state=RollImport.State.PENDING)
    done = RollImport.objects.create(unit=unit, state=RollImport.State.SUCCEEDED)
    queued: list[int] = []
    monkeypatch.setattr("governance.tasks.roll_import_process.delay", queued.append)
    assert roll_jobs.roll_imports_resume() == 2
    assert sorted(queued) == sorted([lost.pk, dead.pk])
    assert fresh.pk not in queued and done.pk not in queued

"""The unit audit log: officers of that unit only, a clear 403 otherwise, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from core.audit import audit_record
from tests.accounts.helpers import make_officer, verified_user
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_branches():
    stockport, manchester = UnitFactory(name="Stockport"), UnitFactory(name="Manchester")
    secretary = verified_user(email="sec@example.org")
    make_officer(secretary, stockport)
    audit_record(actor=secretary, action="roll_imported", obj=stockport, unit=stockport, ip_address="192.0.2.7")
    audit_record(actor=secretary, action="=HYPERLINK(evil)", obj=stockport, unit=stockport)
    audit_record(actor=None, action="office_changed", obj=manchester, unit=manchester)
    client = Client()
    client.force_login(secretary)
    return stockport, manchester, client


def test_officer_reads_their_units_log(two_branches) -> None:
    stockport, _, client = two_branches
    page = client.get(f"/me/units/{stockport.slug}/audit/")
    assert page.status_code == 200
    assert b"roll_imported" in page.content and b"192.0.2.7" in page.content
    assert b"office_changed" not in page.content


def test_officer_of_another_branch_gets_a_clear_403(two_branches) -> None:
    _, manchester, client = two_branches
    for path in (f"/me/units/{manchester.slug}/audit/", f"/me/units/{manchester.slug}/audit.csv"):
        response = client.get(path)
        assert response.status_code == 403
        assert b"Only officers of Manchester can read its audit log." in response.content


def test_member_who_is_not_an_officer_is_refused_and_unknown_unit_is_404(two_branches) -> None:
    stockport, _, _ = two_branches
    client = Client()
    client.force_login(verified_user())
    assert client.get(f"/me/units/{stockport.slug}/audit/").status_code == 403
    assert client.get("/me/units/no-such-unit/audit/").status_code == 404


def test_csv_export_is_the_units_log_with_formulas_neutralised(two_branches) -> None:
    stockport, _, client = two_branches
    response = client.get(f"/me/units/{stockport.slug}/audit.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "actor", "action", "object_type", "object_id", "detail", "ip_address"]
    actions = sorted(row[2] for row in rows[1:])
    assert actions == ["'=HYPERLINK(evil)", "roll_imported"]
    assert all(row[1] == "sec@example.org" for row in rows[1:])


def test_national_admin_reads_any_units_log(two_branches) -> None:
    _, manchester, _ = two_branches
    client = Client()
    client.force_login(verified_user(is_superuser=True))
    assert client.get(f"/me/units/{manchester.slug}/audit/").status_code == 200


def test_the_log_reads_as_sentences_with_links_in_bounded_queries(two_branches, django_assert_max_num_queries) -> None:
    """Each entry is a sentence naming who did what to which object, linked
    where the object has a page; the codes stay (for the CSV and searching)."""
    from ballots.models import Ballot
    from core.audit import audit_record
    from tests.factories import BallotFactory

    stockport, _, client = two_branches
    ballots = [BallotFactory(unit=stockport, title=f"Ballot {i}") for i in range(12)]
    for ballot in ballots:
        audit_record(actor=None, action="ballot_opened", obj=ballot, unit=stockport)
    gone = BallotFactory(unit=stockport, title="Deleted ballot")
    audit_record(actor=None, action="ballot_cancelled", obj=gone, unit=stockport)
    gone_pk = gone.pk
    Ballot.objects.filter(pk=gone_pk).delete()
    client.get(f"/me/units/{stockport.slug}/audit/")  # warm the session
    with django_assert_max_num_queries(14):  # one query per kind of object, not per row
        page = client.get(f"/me/units/{stockport.slug}/audit/")
    html = page.content.decode()
    assert f'The system opened <a href="/ballots/{ballots[0].pk}/manage/">the ballot “Ballot 0”</a>' in html
    assert f"cancelled ballot {gone_pk} (since deleted)" in html
    assert "<code" in html and "ballot_opened" in html

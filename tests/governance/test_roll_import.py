"""The roll import service: matching, idempotence, row errors, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.errors import DomainError
from core.models import AuditEntry
from governance.models import Membership
from governance.services.roll_import import RollRowsInvalid, roll_import
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.governance.conftest import person_row, roll_csv

pytestmark = pytest.mark.django_db


def test_first_import_creates_people_and_memberships() -> None:
    unit = UnitFactory()
    data = roll_csv([person_row(1, kind="member", party_member="yes"), person_row(2, consent_to_contact="no")])
    summary = roll_import(unit=unit, data=data)
    assert (summary.rows, summary.people_created, summary.memberships_created) == (2, 2, 2)
    m1 = Membership.objects.select_related("person").get(membership_number="M00001")
    assert m1.person.email == "p1@example.org" and m1.person.full_name == "Person 1"
    assert m1.kind == "member" and m1.party_member is True and m1.joined_on == dt.date(2016, 1, 15)
    assert not m1.person.has_usable_password()
    assert Membership.objects.get(membership_number="M00002").consent_to_contact is False
    assert AuditEntry.objects.filter(action="roll_imported", unit=unit).count() == 1


def test_reimport_of_the_same_file_changes_nothing() -> None:
    unit = UnitFactory()
    data = roll_csv([person_row(i) for i in range(5)])
    roll_import(unit=unit, data=data)
    before = list(Membership.objects.order_by("pk").values())
    summary = roll_import(unit=unit, data=data)
    assert (summary.people_created, summary.memberships_created, summary.memberships_updated) == (0, 0, 0)
    assert summary.memberships_unchanged == 5
    assert list(Membership.objects.order_by("pk").values()) == before
    assert User.objects.count() == 5


def test_matches_by_membership_number_then_email_and_updates_changes() -> None:
    unit = UnitFactory()
    roll_import(unit=unit, data=roll_csv([person_row(1), person_row(2)]))
    # Row 1 changes status; row 2 keeps number but the file now has no number column for it.
    data = roll_csv([person_row(1, status="lapsed"), person_row(2, membership_number="", party_member="yes")])
    summary = roll_import(unit=unit, data=data)
    assert (summary.memberships_updated, summary.memberships_created) == (2, 0)
    assert Membership.objects.get(membership_number="M00001").status == "lapsed"
    m2 = Membership.objects.get(person__email="p2@example.org")
    assert m2.party_member is True and m2.membership_number == "M00002"


def test_existing_person_in_another_unit_is_reused_not_duplicated() -> None:
    national = UnitFactory(slug="national")
    branch = UnitFactory(parent=national)
    person = UserFactory(email="p1@example.org", full_name="Already Here")
    MembershipFactory(person=person, unit=national)
    summary = roll_import(unit=branch, data=roll_csv([person_row(1)]))
    assert (summary.people_created, summary.memberships_created) == (0, 1)
    assert Membership.objects.filter(person=person).count() == 2
    person.refresh_from_db()
    assert person.full_name == "Already Here"  # a person's own name is not overwritten by a roll


def test_absent_columns_and_empty_cells_leave_values_alone() -> None:
    unit = UnitFactory()
    person = UserFactory(email="p1@example.org")
    MembershipFactory(person=person, unit=unit, party_member=True, consent_to_contact=True, kind="member")
    data = roll_csv([["P1@Example.org", "2024-01-01", ""]], header=["email", "joined_on", "party_member"])
    summary = roll_import(unit=unit, data=data)
    m = Membership.objects.get(person=person)
    assert summary.memberships_updated == 0 and m.party_member is True and m.kind == "member"


def test_row_errors_name_every_line_and_nothing_is_written() -> None:
    unit = UnitFactory()
    rows = [
        person_row(1),
        person_row(2, email="not-an-email"),
        person_row(3, joined_on="31/02/2016"),
        person_row(4, kind="comrade", party_member="maybe"),
        person_row(5, email="p1@example.org"),
        person_row(6, membership_number="M00001"),
        person_row(7, joined_on="2999-01-01"),
        person_row(8),
    ]
    with pytest.raises(RollRowsInvalid) as exc:
        roll_import(unit=unit, data=roll_csv(rows))
    by_line = {e.line: e.reason for e in exc.value.errors}
    assert set(by_line) == {3, 4, 5, 6, 7, 8}
    assert "not a valid e-mail" in by_line[3]
    assert "not a date" in by_line[4]
    assert "comrade" in by_line[5] and "maybe" in by_line[5]
    assert "already appears on line 2" in by_line[6]
    assert "membership number M00001 already appears on line 2" in by_line[7]
    assert "future" in by_line[8]
    assert exc.value.status == 400 and exc.value.code == "roll_rows_invalid"
    assert not Membership.objects.exists() and not User.objects.exists()


def test_header_problems_are_line_one() -> None:
    with pytest.raises(RollRowsInvalid) as exc:
        roll_import(unit=UnitFactory(), data=b"email,colour\nx@example.org,red\n")
    errors = exc.value.errors
    assert {e.line for e in errors} == {1}
    text = " ".join(e.reason for e in errors)
    assert "unknown column(s) 'colour'" in text and "missing required column(s): joined_on" in text


def test_ragged_row_and_non_utf8_file_are_refused_with_line() -> None:
    unit = UnitFactory()
    with pytest.raises(RollRowsInvalid) as exc:
        roll_import(unit=unit, data=b"email,joined_on\na@example.org,2016-01-01\nb@example.org\n")
    assert [(e.line, "1 values" in e.reason) for e in exc.value.errors] == [(3, True)]
    with pytest.raises(RollRowsInvalid) as exc:
        roll_import(unit=unit, data=b"email,joined_on\na@example.org,2016-01-01\n\xff\xfe,bad\n")
    assert exc.value.errors[0].line == 3 and "UTF-8" in exc.value.errors[0].reason


def test_membership_number_of_someone_else_is_refused_by_line() -> None:
    unit = UnitFactory()
    roll_import(unit=unit, data=roll_csv([person_row(1), person_row(2)]))
    with pytest.raises(RollRowsInvalid) as exc:
        roll_import(unit=unit, data=roll_csv([person_row(3), person_row(2, membership_number="M00001")]))
    assert [(e.line, "belongs to someone else" in e.reason) for e in exc.value.errors] == [(3, True)]
    assert not User.objects.filter(email="p3@example.org").exists()  # row 2 (line 2) was valid, not written


def test_database_failure_rolls_back_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import IntegrityError

    from governance.services import roll_import as module

    unit = UnitFactory()

    def boom(memberships: list) -> None:
        raise IntegrityError("simulated")

    roll_import(unit=unit, data=roll_csv([person_row(1)]))
    monkeypatch.setattr(module, "_update_memberships", boom)
    with pytest.raises(DomainError) as exc:
        roll_import(unit=unit, data=roll_csv([person_row(1, status="left"), person_row(2)]))
    assert exc.value.code == "roll_import_failed"
    assert not User.objects.filter(email="p2@example.org").exists()
    assert Membership.objects.get().status == "active"


def test_dry_run_counts_everything_and_writes_nothing() -> None:
    unit = UnitFactory()
    roll_import(unit=unit, data=roll_csv([person_row(1)]))
    summary = roll_import(unit=unit, data=roll_csv([person_row(1, status="left"), person_row(2)]), dry_run=True)
    assert (summary.dry_run, summary.memberships_updated, summary.memberships_created, summary.people_created) == (
        True,
        1,
        1,
        1,
    )
    assert User.objects.count() == 1 and Membership.objects.get().status == "active"


def test_formula_cells_round_trip_through_the_apostrophe() -> None:
    unit = UnitFactory()
    roll_import(unit=unit, data=roll_csv([person_row(1, full_name="'=Not a formula")]))
    assert User.objects.get().full_name == "=Not a formula"


def test_progress_is_reported_up_to_the_total() -> None:
    seen: list[tuple[str, int, int]] = []
    roll_import(
        unit=UnitFactory(), data=roll_csv([person_row(i) for i in range(30)]), progress=lambda *a: seen.append(a)
    )
    assert seen[0] == ("checking", 30, 30) and seen[-1] == ("writing", 30, 30)
    writing = [d for phase, d, _ in seen if phase == "writing"]
    assert writing == sorted(writing) and len(writing) >= 2


def test_query_count_does_not_grow_with_rows() -> None:
    def queries(n: int) -> int:
        unit = UnitFactory()
        data = roll_csv([person_row(i + n * 1000) for i in range(n)])
        with CaptureQueriesContext(connection) as ctx:
            roll_import(unit=unit, data=data)
        return len(ctx.captured_queries)

    assert queries(20) == queries(400)

"""Names are one line of plain text, refused with a clear message otherwise
(``core/text.py``), and no CSV export hands a spreadsheet a formula.

Figures: hostile names refused at each entry point; formula cells in each
export (0).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.views.audit import _rows as audit_rows
from ballots.models import Ballot, Question
from core.audit import audit_record
from core.errors import DomainError
from core.models import AuditEntry
from core.text import FORMULA_STARTS, name_problem, plain_name
from governance import roll_csv
from governance.services.bodies import office_create
from tests.accounts.helpers import make_officer, verified_user
from tests.ballots.helpers import declared_election
from tests.factories import BallotFactory, UnitFactory, UserFactory, election_question

pytestmark = pytest.mark.django_db

HOSTILE = {
    "newline": "Ann\nBob",
    "carriage return": "Ann\rBob",
    "line separator": "Ann\u2028Bob",
    "right-to-left override": "Ann\u202eboB",
    "isolate": "\u2066Ann\u2069",
    "NUL": "Ann\x00",
    "escape": "Ann\x1b[31m",
}
FORMULAS = ['=HYPERLINK("http://x")', "+SUM(1,1)", "-2+3", "@cmd", "\tTab", "\rCR"]


@pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_names_are_refused_with_a_reason(name: str) -> None:
    problem = name_problem(name)
    assert problem and ("one line" in problem or "U+" in problem)
    with pytest.raises(DomainError, match="The candidate's name"):
        plain_name(name, what="The candidate's name")


@pytest.mark.parametrize("name", ["Ann O'Neill", "José Ñúñez", "محمد علي", "Zoë-Louise", "李小龍", "=Ann"])
def test_real_names_pass(name: str) -> None:
    assert name_problem(name) is None and plain_name(f"  {name} ", what="A name") == name


def test_the_officers_api_refuses_a_label_with_a_newline_or_a_bidi_override() -> None:
    unit = UnitFactory()
    officer = verified_user()
    make_officer(officer, unit)
    ballot = BallotFactory(unit=unit, returning_officer=officer, state=Ballot.State.DRAFT)
    question = election_question(ballot, ["Ann"], method=Question.Method.PLURALITY)
    api = APIClient()
    api.force_login(officer)
    url = f"/api/ballots/{ballot.pk}/questions/{question.pk}/options/"
    for label, reason in (("Bob\nCarol", "one line"), ("Bob\u202elorac", "text-direction"), ("Bob\x07", "U+0007")):
        response = api.post(url, {"label": label}, format="json")
        assert response.status_code == 400, (label, response.content)
        assert response.json()["code"] == "invalid_option" and reason in response.json()["message"]
        assert "candidate's name" in response.json()["message"]
    ok = api.post(url, {"label": "Bob"}, format="json")
    assert ok.status_code == 201, ok.content
    assert list(question.options.values_list("label", flat=True)) == ["Ann", "Bob"]


def test_office_titles_and_roll_names_are_checked_too() -> None:
    unit = UnitFactory()
    with pytest.raises(DomainError, match="title must be on one line"):
        office_create(unit=unit, title="Chair\nTreasurer")
    parsed = roll_csv.parse(
        'email,joined_on,full_name\nann@example.org,2024-01-01,"Ann\u202eXX"\n', today=dt.date(2026, 12, 1)
    )
    assert not parsed.rows and "text-direction" in parsed.errors[0].reason


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.django_db(transaction=True)  # closing queues the tally on commit
def test_published_papers_csv_neutralises_formulas() -> None:
    # Labels are names, so tab and CR cannot start one (see above); the rest can.
    labels = [label for label in FORMULAS if name_problem(label) is None]
    rankings = [[label] for label in labels]
    ballot, question = declared_election(
        rankings, labels, method=Question.Method.PLURALITY, min_electorate_for_papers=1
    )
    response = Client().get(f"/ballots/{ballot.pk}/result/papers/{question.pk}.csv")
    assert response.status_code == 200, response.content[:500]
    cells = _cells(response.content.decode())[2:]
    assert len(labels) == 4 and len(cells) == 2 * len(labels)
    choices = cells[1::2]
    assert sorted(choices) == sorted("'" + label for label in labels)
    assert not [c for c in cells if c[:1] in FORMULA_STARTS]


def test_roll_and_audit_exports_neutralise_formulas() -> None:
    roll = "".join(roll_csv.write([FORMULAS]))
    assert _cells(roll)[len(roll_csv.COLUMNS) :] == ["'" + value for value in FORMULAS]

    unit = UnitFactory()
    for value in FORMULAS:
        audit_record(actor=UserFactory(email=f"{value.strip()}@example.org"), action=value, obj=unit, unit=unit)
    rows = list(csv.reader(io.StringIO("".join(audit_rows(AuditEntry.objects.filter(unit=unit))))))[1:]
    assert sorted(row[2] for row in rows) == sorted("'" + value for value in FORMULAS)
    assert sorted(row[1] for row in rows if row[1].startswith("'")) == sorted(
        f"'{value}@example.org" for value in FORMULAS if value[:1] in "=+-@"
    )
    assert not [cell for row in rows for cell in row if cell[:1] in FORMULA_STARTS]

"""Bodies an outsider can send: too large, too deep, too many digits, too many
columns. Each is refused with a 4xx and a reason, never a 500. How quickly
is bench/body_limits.py's to measure.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from core.api.parsers import JSONParser, PayloadTooLarge
from governance import roll_csv
from tests.factories import BallotFactory, MembershipFactory, election_question

pytestmark = pytest.mark.django_db

TWENTY_MB = 20 * 1024 * 1024


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"1" + b"]" * levels


@pytest.mark.parametrize("url", ["/api/accounts/token/", "/api/ballots/1/votes/"])
def test_a_20_mb_json_body_is_refused_with_413(url: str) -> None:
    member = MembershipFactory().person
    api = APIClient()
    api.force_login(member)
    body = json.dumps({"email": "x@example.org", "password": "a" * TWENTY_MB})
    response = api.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and "larger than" in response.json()["message"]


def test_an_oversized_web_form_is_refused_with_413() -> None:
    body = urlencode({"login": "x@example.org", "password": "a" * TWENTY_MB})
    response = Client().post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and b"larger than" in response.content


def test_the_parser_reads_no_more_than_the_limit_whatever_the_header_says(settings) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 1000
    with pytest.raises(PayloadTooLarge):
        JSONParser().parse(io.BytesIO(b'"' + b"a" * 5000 + b'"'))
    assert JSONParser().parse(io.BytesIO(b'{"a": [1, "[[[["]}')) == {"a": [1, "[[[["]}


@pytest.mark.parametrize("url", ["/api/accounts/token/", "/api/ballots/1/votes/"])
def test_ten_thousand_deep_nesting_is_a_400_with_a_reason(url: str) -> None:
    member = MembershipFactory().person
    api = APIClient()
    api.force_login(member)
    response = api.generic("POST", url, b'{"answers": ' + _deep(10_000) + b"}", content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "parse_error" and "nested deeper than" in response.json()["message"]


def test_nesting_inside_strings_does_not_count_and_the_limit_is_exact(settings) -> None:
    settings.API_JSON_MAX_DEPTH = 3
    parser = JSONParser()
    assert parser.parse(io.BytesIO(b'[[["[[[[[[\\"[[[["]]]')) == [[['[[[[[["[[[[']]]
    with pytest.raises(ParseError, match="nested deeper than 3"):
        parser.parse(io.BytesIO(_deep(4)))


def test_a_web_ranking_of_thousands_of_digits_is_a_form_error() -> None:
    member = MembershipFactory().person
    ballot = BallotFactory(unit=member.memberships.first().unit)
    question = election_question(ballot, ["Ann", "Bob"])
    option = question.options.get(label="Ann")
    web = Client()
    web.force_login(member)
    for rank in ("9" * 5000, "1" * 4301, "²", "١"):
        response = web.post(f"/ballots/{ballot.pk}/", {f"rank-{question.pk}-{option.pk}": rank})
        assert response.status_code == 400, (rank[:10], response.status_code)
        assert "rankings must be 1, 2, 3" in response.content.decode()
    choice = web.post(
        f"/ballots/{ballot.pk}/", {f"rank-{question.pk}-{option.pk}": "1", f"choice-{question.pk}": "7" * 5000}
    )
    assert choice.status_code < 500


def test_a_100000_column_roll_header_is_refused() -> None:
    header = ",".join(f"column{i}" for i in range(100_000))
    text = header + "\nann@example.org" + "," * 99_999 + "\n"
    parsed = roll_csv.parse(text, today=dt.date(2026, 12, 1))
    assert not parsed.rows and "100,000 columns" in parsed.errors[0].reason
    # A header naming a column twice is still refused by name, in one pass.
    twice = roll_csv.parse("email,joined_on,email\n", today=dt.date(2026, 12, 1))
    assert "named twice: email" in twice.errors[0].reason


def test_the_schema_documents_413_on_every_operation_with_a_body() -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    with_body = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    assert with_body
    assert all("413" in operation["responses"] for _, _, operation in with_body), [
        f"{m} {p}" for p, m, o in with_body if "413" not in o["responses"]
    ]

"""A declared result is a public page: its cost must not grow with the square
of the electorate. Turnout and roll size are counted apart, never by joining
participations to roll entries (20,000 × 20,000 would be 400 M rows)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from ballots.models import Participation, Result, RollEntry
from tests.ballots.helpers import declared_election

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 20_000
RANKINGS = [["Ann", "Bob"], ["Bob", "Ann"], ["Cat", "Bob"], ["Ann"], ["Bob", "Cat"], ["Bob", "Ann"]]
JOINED = re.compile(r'JOIN\s+"?ballots_(participation|rollentry)"?', re.IGNORECASE)


def _declared_with_electorate(voters: int):  # type: ignore[no-untyped-def]
    """A real declared election, then ``voters`` more on its roll who all
    voted, written in bulk (this is about reading the result, not casting)."""
    ballot, question = declared_election(RANKINGS)
    users = User.objects.bulk_create(
        [User(email=f"bulk{i}@shape.test", full_name=f"Bulk {i}", password="!") for i in range(voters)],
        batch_size=5000,
    )
    RollEntry.objects.bulk_create([RollEntry(ballot=ballot, voter=u) for u in users], batch_size=5000)
    Participation.objects.bulk_create([Participation(ballot=ballot, voter=u) for u in users], batch_size=5000)
    return ballot, question


def _fetch_all(client: Client, ballot_id: int) -> tuple[list[str], str, dict]:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        # The n × n join took minutes at this size; the right shape takes milliseconds.
        cursor.execute("SET statement_timeout = '5s'")
    try:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/ballots/{ballot_id}/result/")
            api = client.get(f"/api/ballots/{ballot_id}/result/")
            trackers = client.get(f"/ballots/{ballot_id}/result/trackers.txt")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert (page.status_code, api.status_code, trackers.status_code) == (200, 200, 200)
    return [q["sql"] for q in ctx.captured_queries], page.content.decode(), api.json()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the shape that hurt is PostgreSQL's plan")
def test_result_endpoints_never_join_participations_with_the_roll() -> None:
    ballot, _ = _declared_with_electorate(VOTERS)
    electorate = VOTERS + len(RANKINGS)
    client = Client()

    # As counted: the tally stored the electorate and the papers it counted.
    Result.objects.filter(question__ballot=ballot).update(electorate=electorate, papers_counted=electorate)
    queries, html, api = _fetch_all(client, ballot.pk)
    assert f'id="turnout">{electorate}<' in html and f"of {electorate} on the roll" in html
    assert api["turnout"] == electorate and api["electorate"] == electorate
    for sql in queries:
        assert not JOINED.search(sql), sql

    # Nothing stored: each figure is counted in its own subquery, still no join.
    Result.objects.filter(question__ballot=ballot).delete()
    queries, html, api = _fetch_all(client, ballot.pk)
    assert f'id="turnout">{electorate}<' in html and f"of {electorate} on the roll" in html
    assert api["turnout"] == electorate and api["electorate"] == electorate
    counted = [sql for sql in queries if "ballots_participation" in sql]
    assert counted, "the turnout was not counted"
    for sql in queries:
        assert not JOINED.search(sql), sql
    for sql in counted:
        assert re.search(r"\(SELECT COUNT\(\*\)", sql, re.IGNORECASE), sql

"""Published result files: built once at declaration, served from storage
with a strong ETag, never written by a GET; expensive public pages limited."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ballots import publication
from tests.ballots.helpers import declared_election

pytestmark = pytest.mark.django_db(transaction=True)

RANKINGS = [["Ann", "Bob"], ["Bob", "Ann"], ["Cat", "Bob"], ["Ann"], ["Bob", "Cat"], ["Bob", "Ann"]]


@pytest.fixture(autouse=True)
def _clear_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def _blt_url(ballot: Any, question: Any) -> str:
    return f"/ballots/{ballot.pk}/result/papers/{question.pk}.blt"


def test_blt_is_built_once_at_declaration_not_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = publication.papers_blt

    def counting(*, question: Any) -> str:
        calls.append(question.pk)
        return real(question=question)

    monkeypatch.setattr(publication, "papers_blt", counting)
    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=1)
    assert calls == [question.pk]  # at declaration
    client = Client()
    first = client.get(_blt_url(ballot, question))
    second = client.get(_blt_url(ballot, question))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert calls == [question.pk]  # and never again


def test_strong_etag_is_the_sha256_and_if_none_match_gets_304() -> None:
    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=1)
    client = Client()
    for url in (
        _blt_url(ballot, question),
        f"/ballots/{ballot.pk}/result/papers/{question.pk}.csv",
        f"/ballots/{ballot.pk}/result/sheet.json",
        f"/ballots/{ballot.pk}/result/trackers.txt",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content
        assert response["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"', url
        assert int(response["Content-Length"]) == len(body), url
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again["ETag"] == response["ETag"], url
        assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200, url


def test_a_get_before_the_files_are_built_writes_nothing_and_answers_503() -> None:
    from ballots.models import PublishedFile

    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=1)
    PublishedFile.objects.filter(ballot=ballot).delete()  # as for a result declared before this change
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(_blt_url(ballot, question))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0 and b"being prepared" in response.content
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert not PublishedFile.objects.filter(ballot=ballot).exists()
    call_command("publish_result_files")
    assert Client().get(_blt_url(ballot, question)).status_code == 200


def test_building_twice_yields_the_same_bytes_and_one_row_per_file() -> None:
    from ballots.models import PublishedFile
    from ballots.services.publishing import result_files_build

    ballot, _ = declared_election(RANKINGS, min_electorate_for_papers=1)
    before = sorted(PublishedFile.objects.filter(ballot=ballot).values_list("kind", "question_id", "sha256", "size"))
    assert len(before) == 4  # BLT, CSV, count sheet, trackers
    assert result_files_build(ballot_id=ballot.pk) == 0  # nothing new to write
    after = sorted(PublishedFile.objects.filter(ballot=ballot).values_list("kind", "question_id", "sha256", "size"))
    assert after == before


def test_withheld_papers_are_not_built() -> None:
    from ballots.models import PublishedFile

    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=50)
    kinds = set(PublishedFile.objects.filter(ballot=ballot).values_list("kind", flat=True))
    assert kinds == {"sheet.json", "trackers.txt"}
    assert Client().get(_blt_url(ballot, question)).status_code == 403


def test_anonymous_downloads_are_limited_per_address(settings: Any) -> None:
    settings.PAGE_THROTTLE_RATES = {**settings.PAGE_THROTTLE_RATES, "result_downloads": "3/min"}
    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=1)
    client = Client()
    codes = [client.get(_blt_url(ballot, question)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get(_blt_url(ballot, question))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert b"Too many requests" in refused.content
    other = Client(REMOTE_ADDR="198.51.100.7").get(_blt_url(ballot, question))
    assert other.status_code == 200


def test_anonymous_result_page_is_limited(settings: Any) -> None:
    settings.PAGE_THROTTLE_RATES = {**settings.PAGE_THROTTLE_RATES, "public_pages": "2/min"}
    ballot, _ = declared_election(RANKINGS)
    client = Client()
    codes = [client.get(f"/ballots/{ballot.pk}/result/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]

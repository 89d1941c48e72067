"""The counting engine ships on its own for observers: the archive holds
exactly the engine's modules, is the same bytes every time it is built, and
is served under its versioned name with its SHA-256 as the ETag."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
from django.test import Client

from ballots import engine_package
from ballots.engine_package import engine_archive, engine_sources


def _names(data: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return tar.getnames()


def test_the_archive_holds_the_engine_and_nothing_else() -> None:
    archive = engine_archive()
    top = archive.filename.removesuffix(".tar.gz")
    names = _names(archive.data)
    assert f"{top}/pyproject.toml" in names
    modules = [n for n in names if n.endswith(".py")]
    assert f"{top}/ballots/__init__.py" in modules
    assert f"{top}/ballots/counting/ers97.py" in modules
    assert all(n.startswith((f"{top}/ballots/counting/", f"{top}/ballots/__init__.py")) for n in modules)
    assert len(modules) == len(engine_sources())
    with tarfile.open(fileobj=io.BytesIO(archive.data), mode="r:gz") as tar:
        member = tar.extractfile(f"{top}/ballots/counting/ers97.py")
        assert member is not None
        assert member.read() == (engine_package.ROOT / "ballots/counting/ers97.py").read_bytes()


def test_the_same_code_gives_the_same_bytes() -> None:
    first = engine_archive()
    engine_archive.cache_clear()
    again = engine_archive()
    assert first.data == again.data and first.sha256 == again.sha256
    assert hashlib.sha256(again.data).hexdigest() == again.sha256


@pytest.mark.django_db
def test_served_under_its_name_with_an_etag() -> None:
    archive = engine_archive()
    client = Client()
    response = client.get(f"/ballots/engine/{archive.filename}")
    assert response.status_code == 200
    assert response.content == archive.data
    assert response["ETag"] == f'"{archive.sha256}"'
    again = client.get(f"/ballots/engine/{archive.filename}", HTTP_IF_NONE_MATCH=f'"{archive.sha256}"')
    assert again.status_code == 304 and again.content == b""
    other = client.get("/ballots/engine/agora-counting-0.0.1.tar.gz")
    assert other.status_code == 404
    assert client.post(f"/ballots/engine/{archive.filename}").status_code in (403, 405)


@pytest.mark.django_db(transaction=True)  # the close queues the tally on commit
def test_a_small_ballot_says_why_its_papers_are_not_published() -> None:
    from tests.ballots.helpers import declared_election

    ballot, _ = declared_election([["Ann"], ["Bob"], ["Ann", "Cat"], ["Cat"]], min_electorate_for_papers=10)
    page = Client().get(f"/ballots/{ballot.pk}/result/").content.decode()
    assert "Recount it yourself" in page
    assert "The papers are not published: fewer people voted than the 10" in page
    assert "pip install" not in page


@pytest.mark.django_db(transaction=True)
def test_a_published_ballot_prints_the_install_and_recount_commands() -> None:
    from tests.ballots.helpers import declared_election

    ballot, question = declared_election([["Ann"], ["Bob"], ["Ann", "Cat"], ["Cat"]], min_electorate_for_papers=1)
    page = Client().get(f"/ballots/{ballot.pk}/result/").content.decode()
    archive = engine_archive()
    assert f"python3 -m pip install http://testserver/ballots/engine/{archive.filename}" in page
    assert archive.sha256 in page
    assert f"python3 -m ballots.counting ballot-{ballot.pk}-question-{question.pk}.blt --method irv" in page

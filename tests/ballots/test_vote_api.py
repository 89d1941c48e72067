"""POST /api/ballots/<id>/votes/ with real token authentication: the
statuses and reasons a client sees, and voting while Redis is down."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from ballots.models import Ballot, Participation, PendingPaper
from ballots.services import lifecycle
from ballots.services.paper_crypto import paper_open
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict:
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    return {"ballot": ballot, "voters": voters, "question": question}


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
    return api


def _url(ballot: Ballot) -> str:
    return f"/api/ballots/{ballot.pk}/votes/"


def test_token_vote_is_recorded_and_a_second_is_refused(world: dict) -> None:
    question, api = world["question"], _api(world["voters"][0])
    body = {"answers": {str(question.pk): [option(question, "For").pk]}}
    first = api.post(_url(world["ballot"]), body, format="json")
    assert first.status_code == 201, first.content
    assert len(first.json()["receipt"]) == 19 and first.json()["replayed"] is False
    again = api.post(_url(world["ballot"]), body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert Participation.objects.filter(ballot=world["ballot"]).count() == 1


def test_option_ids_sent_as_numeric_strings_are_accepted(world: dict) -> None:
    question = world["question"]
    body = {"answers": {str(question.pk): [str(option(question, "Against").pk)]}}
    response = _api(world["voters"][1]).post(_url(world["ballot"]), body, format="json")
    assert response.status_code == 201, response.content
    paper = PendingPaper.objects.get(ballot=world["ballot"])
    assert paper_open(ballot_id=paper.ballot_id, question_id=paper.question_id, content=paper.content)[0] == [
        option(question, "Against").pk
    ]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ([1, 2], "answers"),
        ({"answers": [1]}, "answers"),
        ({"answers": {"chair": [1]}}, "answers"),
        ({"answers": {"1": 5}}, "1"),
        ({"answers": {"1": [True]}}, "1"),
        ({"answers": {"1": [1.5]}}, "1"),
        ({"answers": {"1": list(range(201))}}, "1"),
    ],
)
def test_malformed_bodies_are_400_with_the_field_named(world: dict, body: object, where: str) -> None:
    response = _api(world["voters"][0]).post(_url(world["ballot"]), body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "invalid"
    errors = data["errors"]["answers"]
    assert where == "answers" or where in errors, data
    assert not Participation.objects.exists()


def test_form_encoded_body_is_refused_as_unsupported(world: dict) -> None:
    response = _api(world["voters"][0]).post(_url(world["ballot"]), {"answers": "x"})
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_unknown_token_and_inactive_member_get_401(world: dict) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    question = world["question"]
    body = {"answers": {str(question.pk): [option(question, "For").pk]}}
    unknown = api.post(_url(world["ballot"]), body, format="json")
    assert unknown.status_code == 401 and unknown.json()["code"] == "authentication_failed"
    assert unknown["WWW-Authenticate"] == "Token"
    inactive = world["voters"][2]
    api = _api(inactive)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    refused = api.post(_url(world["ballot"]), body, format="json")
    assert refused.status_code == 401 and "inactive" in refused.json()["message"]
    anonymous = APIClient().post(_url(world["ballot"]), body, format="json")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert not Participation.objects.exists()


def test_token_user_is_the_whole_member(world: dict) -> None:
    """The lean token lookup builds a complete ``User``: every field loaded,
    none deferred to a later query."""
    from accounts.authentication import TokenAuthentication

    voter = world["voters"][0]
    raw = api_token_issue(user=voter)
    token = Token.objects.get(user=voter)
    user, auth = TokenAuthentication().authenticate_credentials(raw)
    assert user.get_deferred_fields() == set() and auth.get_deferred_fields() == set()
    assert (user.pk, user.email, user.full_name, user.date_joined) == (
        voter.pk,
        voter.email,
        voter.full_name,
        voter.date_joined,
    )
    assert auth.key == token.key and auth.user is user and auth.created == token.created


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_voting_works_while_redis_is_down(world: dict, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    """Voting touches no Redis (its rate limit is counted in-process), and
    the rest of the API, whose rate limits live in Redis, counts them in
    this process instead (core/cache.py), with the error logged, rather
    than refusing requests."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.fail("run the suite with REDIS_URL set (scripts/test.sh does)")
    dead = f"redis://127.0.0.1:{_dead_port()}/0"
    down = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": dead}}
    question = world["question"]
    body = {"answers": {str(question.pk): [option(question, "Abstain").pk]}}
    with override_settings(CACHES=down):
        response = _api(world["voters"][0]).post(_url(world["ballot"]), body, format="json")
        assert response.status_code == 201, response.content
        assert not any("Redis cache unreachable" in r.getMessage() for r in caplog.records)  # no Redis on this path
        listing = APIClient().get("/api/ballots/")
    assert listing.status_code == 200, listing.content
    assert any("Redis cache unreachable" in r.getMessage() for r in caplog.records), "Redis being down went unlogged"
    assert Participation.objects.filter(ballot=world["ballot"]).count() == 1


def test_vote_endpoint_rate_limit_is_counted_in_process(world: dict, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    """The per-member limit on the vote endpoint needs no Redis: it holds
    with Redis unreachable, and costs no round trip when Redis is up."""
    from django.core.cache import caches

    from core.api.throttling import InProcessUserRateThrottle

    caches["in_process"].clear()
    monkeypatch.setattr(InProcessUserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    down = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0"},
    }
    question = world["question"]
    body = {"answers": {str(question.pk): [option(question, "For").pk]}}
    api = _api(world["voters"][0])
    with override_settings(CACHES=down):
        statuses = [api.post(_url(world["ballot"]), body, format="json").status_code for _ in range(3)]
    assert statuses == [201, 409, 429]
    other = _api(world["voters"][1]).post(_url(world["ballot"]), body, format="json")
    assert other.status_code == 201  # the limit is per member
    caches["in_process"].clear()

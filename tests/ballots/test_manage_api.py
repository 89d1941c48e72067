"""The officers' ballots API: create, add a question, add a candidate,
schedule, cancel — who may, and errors as ``{code, message}``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import UnitAccessPolicy
from ballots.models import Ballot, Question
from ballots.services import setup
from governance.models import Unit
from tests.factories import HoldingFactory, OfficeFactory, UnitFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
S = Ballot.State


@dataclass
class World:
    unit: Unit
    secretary: Any
    returning_officer: Any
    member: Any
    outsider_officer: Any


@pytest.fixture
def world() -> World:
    unit = UnitFactory(name="Stockport", slug="stockport")
    secretary = member_of(unit)
    HoldingFactory(person=secretary, office=OfficeFactory(unit=unit, title="Secretary"))
    other = UnitFactory(name="Salford")
    outsider_officer = member_of(other)
    HoldingFactory(person=outsider_officer, office=OfficeFactory(unit=other))
    return World(unit, secretary, member_of(unit), member_of(unit), outsider_officer)


def _client(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _create_body(w: World, **extra: Any) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=3)
    return {
        "unit": w.unit.slug,
        "title": "Committee elections",
        "returning_officer": w.returning_officer.email,
        "opens_at": start.isoformat(),
        "closes_at": (start + dt.timedelta(days=7)).isoformat(),
        **extra,
    }


def _draft(w: World) -> Ballot:
    start = timezone.now() + dt.timedelta(days=3)
    return setup.ballot_create(
        unit=w.unit,
        actor=w.secretary,
        title="Draft",
        returning_officer=w.returning_officer,
        opens_at=start,
        closes_at=start + dt.timedelta(days=7),
    )


ROLES = ["anonymous", "member", "outsider_officer", "returning_officer", "secretary"]


def _user(w: World, who: str) -> Any:
    return None if who == "anonymous" else getattr(w, who)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("member", 403), ("outsider_officer", 403), ("returning_officer", 403), ("secretary", 201)],
)
def test_create_permissions(world: World, who: str, status: int) -> None:
    response = _client(_user(world, who)).post("/api/ballots/create/", _create_body(world), format="json")
    assert response.status_code == status, response.json()
    if status == 201:
        assert response.json()["state"] == "draft"
    else:
        assert set(response.json()) >= {"code", "message"}
        assert response.json()["code"] in {"not_authenticated", "not_ballot_manager"}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("outsider_officer", 403),
        ("returning_officer", 201),
        ("secretary", 201),
    ],
)
def test_question_and_option_permissions(world: World, who: str, status: int) -> None:
    ballot = _draft(world)
    client = _client(_user(world, who))
    response = client.post(
        f"/api/ballots/{ballot.pk}/questions/",
        {"kind": "election", "title": "Chair", "method": "irv"},
        format="json",
    )
    assert response.status_code == status
    question = Question.objects.filter(ballot=ballot).first() or setup.question_add(
        ballot_id=ballot.pk, actor=world.secretary, kind="election", title="Chair", method="irv"
    )
    response = client.post(
        f"/api/ballots/{ballot.pk}/questions/{question.pk}/options/", {"label": "Ann"}, format="json"
    )
    assert response.status_code == status
    assert question.options.filter(label="Ann").exists() == (status == 201)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("member", 403), ("outsider_officer", 403), ("returning_officer", 200), ("secretary", 200)],
)
def test_schedule_and_cancel_permissions(world: World, who: str, status: int) -> None:
    ballot = _draft(world)
    setup.question_add(ballot_id=ballot.pk, actor=world.secretary, kind="motion", title="Affiliate")
    client = _client(_user(world, who))
    response = client.post(f"/api/ballots/{ballot.pk}/schedule/")
    assert response.status_code == status
    response = client.post(f"/api/ballots/{ballot.pk}/cancel/", {"reason": "Rules changed"}, format="json")
    assert response.status_code == status
    ballot.refresh_from_db()
    assert ballot.state == (S.CANCELLED if status == 200 else S.DRAFT)


def test_full_setup_through_the_api(world: World) -> None:
    client = _client(world.secretary)
    created = client.post("/api/ballots/create/", _create_body(world, membership_kinds=["member"]), format="json")
    assert created.status_code == 201
    ballot_id = created.json()["id"]
    motion = client.post(
        f"/api/ballots/{ballot_id}/questions/", {"kind": "motion", "title": "Affiliate"}, format="json"
    )
    assert motion.status_code == 201
    assert motion.json()["options"] == ["For", "Against", "Abstain"]
    office = OfficeFactory(unit=world.unit, title="Committee", seats=2)
    election = client.post(
        f"/api/ballots/{ballot_id}/questions/",
        {
            "kind": "election",
            "title": "Committee",
            "method": "meek-stv",
            "seats": 2,
            "office": office.pk,
            "minimums": [{"group": "women", "seats": 1}],
        },
        format="json",
    )
    assert election.status_code == 201, election.json()
    qid = election.json()["id"]
    not_ready = client.post(f"/api/ballots/{ballot_id}/schedule/")
    assert not_ready.status_code == 409
    assert not_ready.json()["code"] == "ballot_not_ready"
    ann = member_of(world.unit, person=UserFactory(full_name="Ann Archer"))
    for body in ({"candidate": ann.email, "groups": ["women"]}, {"label": "Bob"}, {"label": "Cat"}, {"is_ron": True}):
        response = client.post(f"/api/ballots/{ballot_id}/questions/{qid}/options/", body, format="json")
        assert response.status_code == 201, response.json()
    assert response.json()["position"] == 4 and response.json()["is_ron"]
    scheduled = client.post(f"/api/ballots/{ballot_id}/schedule/")
    assert scheduled.status_code == 200
    assert scheduled.json()["state"] == "scheduled"
    late = client.post(f"/api/ballots/{ballot_id}/questions/", {"kind": "motion", "title": "Late"}, format="json")
    assert late.status_code == 409
    assert late.json()["code"] == "ballot_not_editable"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"title": ""}, "invalid"),
        ({"returning_officer": "nobody@example.org"}, "invalid"),
        ({"unit": "no-such-unit"}, "not_found"),
        ({"closes_at": "2020-01-01T00:00:00Z"}, "invalid_schedule"),
        ({"membership_kinds": ["lord"]}, "invalid"),
    ],
)
def test_create_errors_have_codes(world: World, body: dict[str, Any], code: str) -> None:
    response = _client(world.secretary).post("/api/ballots/create/", _create_body(world, **body), format="json")
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code
    assert "message" in response.json()


def test_unknown_ids_are_404(world: World) -> None:
    client = _client(world.secretary)
    ballot = _draft(world)
    assert client.post("/api/ballots/999999/schedule/").json()["code"] == "not_found"
    response = client.post(f"/api/ballots/{ballot.pk}/questions/999999/options/", {"label": "X"}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "unknown_question")
    response = client.post(
        f"/api/ballots/{ballot.pk}/questions/",
        {"kind": "election", "title": "X", "method": "irv", "office": 999999},
        format="json",
    )
    assert response.status_code == 404


def test_cancel_needs_a_reason(world: World) -> None:
    ballot = _draft(world)
    response = _client(world.secretary).post(f"/api/ballots/{ballot.pk}/cancel/", {"reason": ""}, format="json")
    assert response.status_code == 400


def test_mfa_is_demanded_by_the_api(world: World) -> None:
    ballot = _draft(world)
    UnitAccessPolicy.objects.create(unit=world.unit, officers_require_mfa=True)
    response = _client(world.secretary).post(f"/api/ballots/{ballot.pk}/schedule/")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")
    response = _client(world.secretary).post("/api/ballots/create/", _create_body(world), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")


def test_schema_names_the_operations_without_clashes() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set(schema["components"]["schemas"])
    assert {"BallotCreateInput", "QuestionAddInput", "OptionAddInput", "BallotCancelInput"} <= names
    assert "/api/ballots/{ballot_id}/schedule/" in schema["paths"]
    assert "409" in schema["paths"]["/api/ballots/{ballot_id}/schedule/"]["post"]["responses"]


def test_an_unknown_returning_officer_is_named_in_a_400_even_with_a_per_cent_sign(world: World) -> None:
    """The address is echoed as text, never used as a format string (DRF 3.15.0
    and 3.15.1 formatted every message with ``%``: the fuzz found a 500)."""
    body = _create_body(world, returning_officer="a%s%@example.org")
    response = _client(world.secretary).post("/api/ballots/create/", body, format="json")
    assert response.status_code == 400, response.content
    assert "No one has an account with the address a%s%@example.org." in response.content.decode()
    assert not Ballot.objects.filter(title=body["title"]).exists()

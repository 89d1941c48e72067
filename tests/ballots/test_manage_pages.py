"""The officers' pages for setting a ballot up: who gets in, forms that
refuse bad input with 400, refusals with their 4xx, and the lifecycle
buttons. Every manage template is rendered here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import UnitAccessPolicy
from ballots.models import Ballot, Question
from ballots.services import lifecycle, setup
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
    ballot: Ballot


@pytest.fixture
def world() -> World:
    unit = UnitFactory(name="Stockport", slug="stockport")
    secretary = member_of(unit)
    HoldingFactory(person=secretary, office=OfficeFactory(unit=unit, title="Secretary"))
    other = UnitFactory(name="Salford")
    outsider_officer = member_of(other)
    HoldingFactory(person=outsider_officer, office=OfficeFactory(unit=other))
    returning_officer = member_of(unit)
    start = timezone.now() + dt.timedelta(days=3)
    ballot = setup.ballot_create(
        unit=unit,
        actor=secretary,
        title="Branch elections",
        returning_officer=returning_officer,
        opens_at=start,
        closes_at=start + dt.timedelta(days=7),
    )
    return World(unit, secretary, returning_officer, member_of(unit), outsider_officer, ballot)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _ballot_post(**extra: Any) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=2)
    data = {
        "title": "Policy ballot",
        "description": "",
        "returning_officer_email": "",
        "opens_at": _local(start),
        "closes_at": _local(start + dt.timedelta(days=5)),
        "min_electorate_for_papers": "20",
        "reminder_hours": "24",
        "publish_papers": "on",
        **extra,
    }
    return {f"ballot-{k}": v for k, v in data.items()}


@pytest.mark.parametrize(
    ("who", "new_status", "manage_status"),
    [
        ("anonymous", 302, 302),
        ("member", 403, 403),
        ("outsider_officer", 403, 403),
        ("returning_officer", 403, 200),
        ("secretary", 200, 200),
    ],
)
def test_who_gets_in(world: World, who: str, new_status: int, manage_status: int) -> None:
    client = _client(None if who == "anonymous" else getattr(world, who))
    assert client.get(f"/ballots/new/{world.unit.slug}/").status_code == new_status
    response = client.get(f"/ballots/{world.ballot.pk}/manage/")
    assert response.status_code == manage_status
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    # And nobody outside gets to change anything.
    post = client.post(
        f"/ballots/{world.ballot.pk}/manage/questions/",
        {"question-kind": "motion", "question-title": "Sneaky", "question-seats": "1", "question-threshold": "simple"},
    )
    expected = {"anonymous": 302, "member": 403, "outsider_officer": 403}.get(who, 302)
    assert post.status_code == expected
    assert Question.objects.filter(title="Sneaky").exists() == (who in {"returning_officer", "secretary"})


def test_create_a_ballot_through_the_page(world: World) -> None:
    client = _client(world.secretary)
    page = client.get(f"/ballots/new/{world.unit.slug}/")
    assert b"Create the ballot" in page.content
    assert world.secretary.email.encode() in page.content  # suggested as returning officer
    response = client.post(
        f"/ballots/new/{world.unit.slug}/",
        _ballot_post(returning_officer_email=world.returning_officer.email, **{"membership_kinds": "member"}),
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get(title="Policy ballot")
    assert response["Location"] == f"/ballots/{ballot.pk}/manage/"
    assert (ballot.state, ballot.returning_officer, ballot.membership_kinds) == (
        S.DRAFT,
        world.returning_officer,
        ["member"],
    )


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"title": ""}, 400, "This field is required"),
        ({"returning_officer_email": "nobody@example.org"}, 400, "No one has an account"),
        ({"closes_at": "yesterday"}, 400, "Enter a valid date/time"),
        ({"returning_officer_email": "OUTSIDER"}, 400, "must be an active member"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(world: World, change: dict[str, str], status: int, text: str) -> None:
    outsider = UserFactory()
    change = {k: outsider.email if v == "OUTSIDER" else v for k, v in change.items()}
    data = {"returning_officer_email": world.returning_officer.email, **change}
    response = _client(world.secretary).post(f"/ballots/new/{world.unit.slug}/", _ballot_post(**data))
    assert response.status_code == status
    assert text in response.content.decode()
    assert not Ballot.objects.filter(title="Policy ballot").exists()


def test_set_up_questions_candidates_and_schedule(world: World) -> None:
    client = _client(world.returning_officer)
    base = f"/ballots/{world.ballot.pk}/manage"
    motion = {
        "kind": "motion",
        "title": "Affiliate",
        "seats": "1",
        "threshold": "simple",
        "seconders_for_nomination": "0",
    }
    assert client.post(f"{base}/questions/", {f"question-{k}": v for k, v in motion.items()}).status_code == 302
    election = {
        "kind": "election",
        "title": "Committee",
        "method": "scottish-stv",
        "seats": "2",
        "threshold": "simple",
        "seconders_for_nomination": "0",
        "minimums": "women: 1",
    }
    assert client.post(f"{base}/questions/", {f"question-{k}": v for k, v in election.items()}).status_code == 302
    question = Question.objects.get(ballot=world.ballot, title="Committee")
    assert question.minimums == [{"group": "women", "seats": 1}]
    # Not ready yet: the page says why, and scheduling is refused with 409.
    page = client.get(f"{base}/")
    assert "needs at least 3 (or RON)" in page.content.decode()
    refused = client.post(f"{base}/step/schedule/")
    assert refused.status_code == 409
    assert "needs at least 3" in refused.content.decode()
    # Bad candidate input: 400 with the form's error.
    bad = client.post(f"{base}/questions/{question.pk}/options/", {f"o{question.pk}-label": ""})
    assert bad.status_code == 400
    assert "Give a member&#x27;s name or e-mail address, a name for the paper, or tick RON." in bad.content.decode()
    member = member_of(world.unit, person=UserFactory(full_name="Ann Archer"))
    posts = [
        {"candidate_email": member.email, "groups": "women"},
        {"label": "Bob Baker"},
        {"label": "Cat Carter"},
        {"is_ron": "on"},
    ]
    for data in posts:
        response = client.post(
            f"{base}/questions/{question.pk}/options/", {f"o{question.pk}-{k}": v for k, v in data.items()}
        )
        assert response.status_code == 302, response.content.decode()
    duplicate = client.post(f"{base}/questions/{question.pk}/options/", {f"o{question.pk}-label": "Bob Baker"})
    assert duplicate.status_code == 409
    # Edit the question: a bad minimum is a 400.
    edit = {"title": "Committee", "method": "scottish-stv", "seats": "2", "threshold": "simple"}
    edit |= {"seconders_for_nomination": "0", "minimums": "women two"}
    response = client.post(f"{base}/questions/{question.pk}/", {f"q{question.pk}-{k}": v for k, v in edit.items()})
    assert response.status_code == 400
    assert "Write each minimum as group: seats" in response.content.decode()
    assert client.post(f"{base}/step/schedule/").status_code == 302
    world.ballot.refresh_from_db()
    assert world.ballot.state == S.SCHEDULED
    page = client.get(f"{base}/").content.decode()
    assert "Scheduled" in page and "Add a question" not in page and "Schedule the ballot" not in page
    assert client.post(f"{base}/questions/", {"question-kind": "motion"}).status_code == 400
    assert client.post(f"{base}/step/schedule/").status_code == 409  # already scheduled


def test_remove_question_edit_details_withdraw_and_cancel(world: World) -> None:
    client = _client(world.secretary)
    base = f"/ballots/{world.ballot.pk}/manage"
    question = setup.question_add(
        ballot_id=world.ballot.pk, actor=world.secretary, kind="election", title="Chair", method="irv"
    )
    option = setup.option_add(question_id=question.pk, ballot_id=world.ballot.pk, actor=world.secretary, label="Ann")
    assert client.post(f"{base}/options/{option.pk}/withdraw/").status_code == 302
    assert client.post(f"{base}/options/{option.pk}/withdraw/").status_code == 409  # already withdrawn
    assert client.post(f"{base}/questions/{question.pk}/remove/").status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert client.post(f"{base}/questions/{question.pk}/remove/").status_code == 404
    details = _ballot_post(title="Renamed", returning_officer_email=world.returning_officer.email)
    assert client.post(f"{base}/edit/", details).status_code == 302
    world.ballot.refresh_from_db()
    assert world.ballot.title == "Renamed"
    assert client.post(f"{base}/edit/", {**details, "ballot-opens_at": ""}).status_code == 400
    assert client.post(f"{base}/cancel/", {"cancel-reason": ""}).status_code == 400
    assert client.post(f"{base}/step/no-such-step/").status_code == 404
    assert client.post(f"{base}/cancel/", {"cancel-reason": "Rules changed"}).status_code == 302
    world.ballot.refresh_from_db()
    assert world.ballot.state == S.CANCELLED
    assert client.get(f"{base}/").status_code == 200
    assert client.post(f"{base}/cancel/", {"cancel-reason": "Again"}).status_code == 409


def test_nominations_buttons(world: World) -> None:
    client = _client(world.returning_officer)
    base = f"/ballots/{world.ballot.pk}/manage"
    assert "Open nominations" not in client.get(f"{base}/").content.decode()  # no election yet
    question = setup.question_add(
        ballot_id=world.ballot.pk, actor=world.secretary, kind="election", title="Chair", method="irv", include_ron=True
    )
    assert "Open nominations" in client.get(f"{base}/").content.decode()
    assert client.post(f"{base}/step/nominations-open/").status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert "Close nominations and schedule" in page and "Schedule the ballot" not in page
    closing = client.post(f"{base}/step/nominations-close/")
    assert closing.status_code == 409  # nobody stood: RON alone is no contest
    setup.option_add(question_id=question.pk, ballot_id=world.ballot.pk, actor=world.secretary, label="Ann")
    assert client.post(f"{base}/step/nominations-close/").status_code == 302
    world.ballot.refresh_from_db()
    assert world.ballot.state == S.SCHEDULED


def test_action_endpoints_are_post_only(world: World) -> None:
    client = _client(world.secretary)
    base = f"/ballots/{world.ballot.pk}/manage"
    for url in (f"{base}/edit/", f"{base}/questions/", f"{base}/cancel/", f"{base}/step/schedule/"):
        assert client.get(url).status_code == 405, url
    assert _client(None).get(f"{base}/step/schedule/").status_code == 405


def test_mfa_is_demanded_where_the_unit_says(world: World) -> None:
    UnitAccessPolicy.objects.create(unit=world.unit, officers_require_mfa=True, returning_officers_require_mfa=True)
    for user in (world.secretary, world.returning_officer):
        response = _client(user).get(f"/ballots/{world.ballot.pk}/manage/")
        assert response.status_code == 302
        assert "/2fa/" in response["Location"]
    assert "/2fa/" in _client(world.secretary).get(f"/ballots/new/{world.unit.slug}/")["Location"]


def test_manage_page_of_an_open_ballot_reads_no_votes(world: World) -> None:
    """Nothing to expose, and kept so: the page reads no papers or trackers,
    and of participations only their number (turnout so far), never a row."""
    setup.question_add(ballot_id=world.ballot.pk, actor=world.secretary, kind="motion", title="Affiliate")
    setup.ballot_setup_schedule(ballot_id=world.ballot.pk, actor=world.secretary)
    lifecycle.ballot_open(ballot_id=world.ballot.pk, send_notices=False)
    client = _client(world.returning_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ballots/{world.ballot.pk}/manage/")
    assert response.status_code == 200
    assert "Open for voting" in response.content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("ballots_pendingpaper", "ballots_ballotpaper", "ballots_pendingtracker", "ballots_tracker"):
        assert table not in sql
    participation = [q["sql"] for q in queries.captured_queries if "ballots_participation" in q["sql"]]
    assert participation and all(
        q.startswith('SELECT COUNT(*) AS "__count" FROM "ballots_participation"') for q in participation
    )


def test_unit_page_links_officers_to_new_ballot(world: World) -> None:
    link = f'href="/ballots/new/{world.unit.slug}/"'
    assert link in _client(world.secretary).get(f"/units/{world.unit.slug}/").content.decode()
    assert link not in _client(world.member).get(f"/units/{world.unit.slug}/").content.decode()


def test_a_candidate_is_chosen_from_the_units_members_by_name(world: World) -> None:
    """Issue 26, part 6: by name, with the members' names offered as you type
    (a datalist: no script needed), not only by e-mail address."""
    client = _client(world.secretary)
    base = f"/ballots/{world.ballot.pk}/manage"
    question = setup.question_add(
        ballot_id=world.ballot.pk, actor=world.secretary, kind="election", title="Chair", method="irv", seats=1
    )
    nia = member_of(world.unit, person=UserFactory(full_name="Nia Jones"))
    member_of(world.unit, person=UserFactory(full_name="Sam Lee"))
    member_of(world.unit, person=UserFactory(full_name="Sam Lee"))
    UserFactory(full_name="Not A Member")
    page = client.get(f"{base}/").content.decode()
    field = page.split(f'name="o{question.pk}-candidate_name"')[1].split("</datalist>")[0]
    list_id = f"id_o{question.pk}-candidate_name-members"
    assert f'list="{list_id}"' in field and f'<datalist id="{list_id}">' in field
    assert '<option value="Nia Jones">' in field and "Not A Member" not in field

    def add(name: str) -> Any:
        return client.post(f"{base}/questions/{question.pk}/options/", {f"o{question.pk}-candidate_name": name})

    assert add("nia  jones").status_code == 302  # case and spaces as typed
    option = question.options.get()
    assert option.candidate == nia and option.label == "Nia Jones"
    unknown = add("Not A Member")
    assert unknown.status_code == 400 and "No member of Stockport is called Not A Member." in unknown.content.decode()
    twins = add("Sam Lee")
    assert twins.status_code == 400 and "More than one member is called Sam Lee" in twins.content.decode()

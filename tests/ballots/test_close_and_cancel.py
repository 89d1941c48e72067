"""The close is a time, not a task; the web form's key says nothing about the
voter; cancelling an open ballot is the returning officer's act and keeps the
papers sealed so the cancel can be reversed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ballots.models import Ballot, Participation, PendingPaper
from ballots.services import lifecycle, setup
from ballots.services.casting import vote_cast
from core.errors import Conflict, DomainError
from core.models import AuditEntry
from tests.factories import BallotFactory, HoldingFactory, MembershipFactory, OfficeFactory, motion_question, option

pytestmark = pytest.mark.django_db(transaction=True)


def _open_motion_ballot(voters: int = 3) -> tuple[Ballot, list, int]:
    ballot = BallotFactory()
    people = [MembershipFactory(unit=ballot.unit).person for _ in range(voters)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    return ballot, people, question.pk


def _set_closes_at_by_database_clock(ballot: Ballot, seconds_from_now: float) -> None:
    """Move ``closes_at`` relative to the database's own clock, the one the
    vote function reads."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_ballot SET closes_at = CURRENT_TIMESTAMP + %s * interval '1 second', "
            "opens_at = CURRENT_TIMESTAMP - interval '1 hour' WHERE id = %s",
            [seconds_from_now, ballot.pk],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the vote function is PostgreSQL's")
def test_a_vote_one_second_after_closes_at_is_refused_with_no_worker() -> None:
    """No beat and no worker run here: the ballot stays 'open' in its row,
    and only the database's clock stops the vote."""
    ballot, (early, late, api_voter), question_id = _open_motion_ballot()
    for_option = option(ballot.questions.get(), "For").pk

    _set_closes_at_by_database_clock(ballot, 3600)
    vote_cast(ballot_id=ballot.pk, voter=early, answers={question_id: [for_option]})  # before the close: counted

    _set_closes_at_by_database_clock(ballot, -1)
    with pytest.raises(Conflict) as refused:
        vote_cast(ballot_id=ballot.pk, voter=late, answers={question_id: [for_option]})
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN, "nothing closed the ballot: the refusal is the vote function's"
    assert refused.value.code == "ballot_not_open"
    assert refused.value.message.startswith("Voting closed at ")
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert PendingPaper.objects.filter(ballot=ballot).count() == 1

    api = APIClient()
    api.force_authenticate(api_voter)
    response = api.post(
        f"/api/ballots/{ballot.pk}/votes/", {"answers": {str(question_id): [for_option]}}, format="json"
    )
    assert response.status_code == 409, response.content
    assert response.json()["message"].startswith("Voting closed at ")
    page = Client()
    page.force_login(api_voter)
    html = page.get(f"/ballots/{ballot.pk}/").content.decode()
    assert "Voting closed at " in html and 'name="idempotency_key"' not in html


def test_the_session_id_appears_in_no_rendered_page() -> None:
    ballot, (voter, *_), question_id = _open_motion_ballot()
    client = Client()
    client.force_login(voter)
    session_id = client.cookies["sessionid"].value
    assert len(session_id) >= 32
    vote_page = client.get(f"/ballots/{ballot.pk}/").content.decode()
    assert 'name="idempotency_key"' in vote_page
    keys = set()
    for _ in range(2):  # a fresh random key for every paper shown
        html = client.get(f"/ballots/{ballot.pk}/").content.decode()
        keys.add(html.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0])
    assert len(keys) == 2 and all(len(k) >= 32 and session_id[:8] not in k for k in keys)
    for_option = option(ballot.questions.get(), "For").pk
    voted = client.post(
        f"/ballots/{ballot.pk}/",
        {"choice-" + str(question_id): str(for_option), "idempotency_key": keys.pop()},
    )
    assert voted.status_code == 200 and "receipt" in voted.content.decode().lower()
    pages = [vote_page, voted.content.decode()]
    for path in ("/", "/me/", f"/ballots/{ballot.pk}/", "/ballots/", "/meetings/"):
        response = client.get(path, follow=True)
        pages.append(response.content.decode())
    for html in pages:
        assert session_id not in html


def _officers(ballot: Ballot) -> tuple:
    """The ballot's unit with a secretary (an officer, not the returning
    officer) and the returning officer (a member)."""
    secretary = MembershipFactory(unit=ballot.unit).person
    HoldingFactory(person=secretary, office=OfficeFactory(unit=ballot.unit, title="Secretary"))
    returning_officer = ballot.returning_officer
    MembershipFactory(unit=ballot.unit, person=returning_officer)
    return secretary, returning_officer


def test_only_the_returning_officer_cancels_an_open_ballot_and_the_papers_stay_sealed() -> None:
    ballot, voters, question_id = _open_motion_ballot()
    secretary, returning_officer = _officers(ballot)
    for voter in voters[:2]:
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question_id: [option(ballot.questions.get(), "For").pk]})

    with pytest.raises(DomainError) as refused:
        setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=secretary, reason="I disagree with it")
    assert refused.value.code == "not_returning_officer"
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN

    setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=returning_officer, reason="Wrong roll")
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.CANCELLED
    assert PendingPaper.objects.filter(ballot=ballot).count() == 2, "cast papers are kept, sealed"
    assert AuditEntry.objects.get(action="ballot_cancelled").detail == {"reason": "Wrong roll", "while_open": True}
    with pytest.raises(DomainError):
        vote_cast(
            ballot_id=ballot.pk, voter=voters[2], answers={question_id: [option(ballot.questions.get(), "For").pk]}
        )

    with pytest.raises(DomainError) as refused:
        lifecycle.ballot_reopen(ballot_id=ballot.pk, actor=secretary, reason="Undo")
    assert refused.value.code == "not_returning_officer"
    lifecycle.ballot_reopen(ballot_id=ballot.pk, actor=returning_officer, reason="The roll was right after all")
    vote_cast(
        ballot_id=ballot.pk, voter=voters[2], answers={question_id: [option(ballot.questions.get(), "Against").pk]}
    )
    lifecycle.ballot_close(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    result = ballot.questions.get().result
    assert result.papers_counted == 3 and result.count_sheet["votes_for"] == 2


def test_the_manage_page_refuses_a_cancel_by_another_officer() -> None:
    ballot, _, _ = _open_motion_ballot()
    secretary, _ = _officers(ballot)
    client = Client()
    client.force_login(secretary)
    response = client.post(f"/ballots/{ballot.pk}/manage/cancel/", {"cancel-reason": "Because"})
    assert response.status_code in {403, 409}, response.status_code
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN
    assert timezone.now() < ballot.closes_at + dt.timedelta(days=2)


def test_the_returning_officer_cancels_and_reopens_from_the_page_and_the_api() -> None:
    ballot, voters, question_id = _open_motion_ballot()
    secretary, returning_officer = _officers(ballot)
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question_id: [option(ballot.questions.get(), "For").pk]})
    officer_page = Client()
    officer_page.force_login(secretary)
    assert "Cancel the ballot" not in officer_page.get(f"/ballots/{ballot.pk}/manage/").content.decode()
    page = Client()
    page.force_login(returning_officer)
    assert "Cancel the ballot" in page.get(f"/ballots/{ballot.pk}/manage/").content.decode()
    response = page.post(f"/ballots/{ballot.pk}/manage/cancel/", {"cancel-reason": "The roll was wrong"})
    assert response.status_code == 302, response.status_code
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.CANCELLED

    assert "Re-open the ballot" not in officer_page.get(f"/ballots/{ballot.pk}/manage/").content.decode()
    assert officer_page.post(f"/ballots/{ballot.pk}/manage/reopen/", {"reopen-reason": "x"}).status_code == 403
    api = APIClient()
    api.force_authenticate(secretary)
    assert api.post(f"/api/ballots/{ballot.pk}/reopen/", {"reason": "x"}, format="json").status_code == 403
    assert "Re-open the ballot" in page.get(f"/ballots/{ballot.pk}/manage/").content.decode()
    api.force_authenticate(returning_officer)
    response = api.post(f"/api/ballots/{ballot.pk}/reopen/", {"reason": "It was right"}, format="json")
    assert response.status_code == 200, response.content
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.OPEN
    assert PendingPaper.objects.filter(ballot=ballot).count() == 1
    assert AuditEntry.objects.filter(action="ballot_reopened", detail={"reason": "It was right"}).exists()

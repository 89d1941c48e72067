"""Observers: result page, count sheet, papers, receipts, small-electorate rules."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ballots.counting import parse_blt
from tests.ballots.helpers import declared_election

pytestmark = pytest.mark.django_db(transaction=True)

RANKINGS = [["Ann", "Bob"], ["Bob", "Ann"], ["Cat", "Bob"], ["Ann"], ["Bob", "Cat"], ["Bob", "Ann"]]


def test_result_page_shows_outcome_sheet_chart_and_turnout() -> None:
    ballot, question = declared_election(RANKINGS, extra_voters=2, min_electorate_for_papers=1)
    page = Client().get(f"/ballots/{ballot.pk}/result/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Elected: Bob" in html
    assert 'id="turnout">6<' in html and "of 8 on the roll" in html
    assert "Count sheet, stage by stage" in html and "<svg" in html
    assert f"/ballots/{ballot.pk}/result/papers/{question.pk}.blt" in html


def test_result_page_query_count_does_not_grow_with_papers() -> None:
    small, _ = declared_election(RANKINGS[:3])
    large, _ = declared_election(RANKINGS * 6)
    client = Client()
    counts = []
    for ballot in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/ballots/{ballot.pk}/result/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_published_blt_recounts_to_the_declared_result() -> None:
    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=1)
    response = Client().get(f"/ballots/{ballot.pk}/result/papers/{question.pk}.blt")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    election = parse_blt(response.content.decode())
    assert sum(b.weight for b in election.ballots) == 6
    from ballots.counting import count

    assert count("irv", election, seed=0).elected_names == ["Bob"]


def test_papers_withheld_below_the_returning_officers_threshold() -> None:
    ballot, question = declared_election(RANKINGS, min_electorate_for_papers=50)
    response = Client().get(f"/ballots/{ballot.pk}/result/papers/{question.pk}.blt")
    assert response.status_code == 403 and b"too small" in response.content
    assert Client().get(f"/ballots/{ballot.pk}/result/papers/{question.pk}.exe").status_code == 404


def test_tiny_electorate_gets_outcome_only(settings) -> None:
    settings.BALLOTS_MIN_BREAKDOWN_ELECTORATE = 3
    ballot, _ = declared_election([["Ann"], ["Bob", "Ann"]])
    html = Client().get(f"/ballots/{ballot.pk}/result/").content.decode()
    assert "only the outcome is published" in html and "Count sheet" not in html
    assert Client().get(f"/ballots/{ballot.pk}/result/sheet.json").status_code == 403


def test_count_sheet_json_and_undeclared_ballots_are_404() -> None:
    ballot, _ = declared_election(RANKINGS)
    data = Client().get(f"/ballots/{ballot.pk}/result/sheet.json").json()
    sheet = data["questions"][0]["count_sheet"]
    assert sheet["elected"] == ["Bob"] and sheet["stages"]
    assert Client().get("/ballots/999999/result/").status_code == 404


def test_recount_command_reports_identical_and_catches_tampering(capsys) -> None:
    from django.core.management import call_command

    from ballots.models import BallotPaper

    ballot, question = declared_election(RANKINGS)
    call_command("recount", str(ballot.pk))
    assert "recount identical" in capsys.readouterr().out
    cat = question.options.get(label="Cat").pk
    paper = next(p for p in BallotPaper.objects.filter(question=question) if p.content[0] != cat)
    paper.content = [cat]
    paper.save()
    with pytest.raises(SystemExit) as exc:
        call_command("recount", str(ballot.pk))
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "difference" in out and ("stages" in out or "outcome: stored" in out)


def test_declaring_needs_the_returning_officer_and_mfa_where_the_unit_demands_it() -> None:
    from accounts.models import UnitAccessPolicy
    from ballots.models import Ballot
    from ballots.services import lifecycle
    from ballots.services.casting import vote_cast
    from tests.factories import BallotFactory, MembershipFactory, election_question, option

    ballot = BallotFactory()
    voter = MembershipFactory(unit=ballot.unit).person
    question = election_question(ballot, ["Ann", "Bob"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, "Ann").pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    from ballots.services.declaring import result_confirmation

    url = f"/ballots/{ballot.pk}/declare/"
    confirmed = {"confirm": "yes", "confirmation": result_confirmation(ballot=ballot)}
    assert Client().get(url).status_code == 405
    assert Client().post(url, confirmed).status_code == 404  # no result exists for the public yet
    stranger = Client()
    stranger.force_login(voter)
    assert stranger.post(url, confirmed).status_code == 403
    UnitAccessPolicy.objects.create(unit=ballot.unit, returning_officers_require_mfa=True)
    ro = Client()
    ro.force_login(ballot.returning_officer)
    response = ro.post(url, confirmed)
    assert response.status_code == 302 and "/2fa/" in response["Location"]
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    UnitAccessPolicy.objects.filter(unit=ballot.unit).update(returning_officers_require_mfa=False)
    assert ro.post(url).status_code == 400  # no confirmation naming the winners
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    assert ro.post(url, confirmed).status_code == 302
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED


def test_result_api_publishes_the_sheet_and_withholds_it_for_tiny_electorates(settings) -> None:
    ballot, _ = declared_election(RANKINGS)
    data = Client().get(f"/api/ballots/{ballot.pk}/result/").json()
    assert data["turnout"] == 6 and data["questions"][0]["count_sheet"]["elected"] == ["Bob"]
    settings.BALLOTS_MIN_BREAKDOWN_ELECTORATE = 50
    data = Client().get(f"/api/ballots/{ballot.pk}/result/").json()
    assert data["questions"][0]["outcome"] == "Elected: Bob" and data["questions"][0]["count_sheet"] is None


def test_published_trackers_are_one_per_vote_sorted_and_include_each_receipt() -> None:
    from ballots.models import Participation
    from ballots.services import lifecycle
    from ballots.services.casting import receipt_tracker, vote_cast
    from tests.factories import BallotFactory, MembershipFactory, election_question, option

    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(5)]
    question = election_question(ballot, ["Ann", "Bob"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    receipts = [
        vote_cast(ballot_id=ballot.pk, voter=v, answers={question.pk: [option(question, "Ann").pk]}).receipt
        for v in voters[:4]
    ]
    client = Client()
    assert client.get(f"/ballots/{ballot.pk}/result/trackers.txt").status_code == 404  # not before declaration
    lifecycle.ballot_close(ballot_id=ballot.pk)
    lifecycle.ballot_declare(ballot_id=ballot.pk)
    response = client.get(f"/ballots/{ballot.pk}/result/trackers.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    published = response.content.decode().splitlines()
    turnout = Participation.objects.filter(ballot=ballot).count()
    assert published == sorted(published) and len(published) == 4 == turnout
    assert sorted(receipt_tracker(r) for r in receipts) == published
    assert not any(r.replace("-", "") in response.content.decode() for r in receipts)  # hashes, never receipts
    assert f"/ballots/{ballot.pk}/result/trackers.txt" in client.get(f"/ballots/{ballot.pk}/result/").content.decode()

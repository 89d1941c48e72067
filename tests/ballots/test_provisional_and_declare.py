"""Issue 15: the returning officer reviews the provisional result, then declares with a confirmation.

Also: lots in the open (page, JSON, e-mail) and a published recount command
that reproduces the declared count sheet exactly.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from ballots.models import Ballot, Result
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from ballots.services.declaring import result_confirmation
from core.models import OutboxEmail
from governance.models import Holding
from tests.factories import BallotFactory, MembershipFactory, OfficeFactory, election_question, option

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def counted(rankings: list[list[str]], names: tuple[str, ...] = ("Nia", "Ben", "Ola"), **fields: object) -> Ballot:
    """A counted (not declared) ballot with one IRV question and one paper per ranking."""
    ballot = BallotFactory(**fields)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in rankings]
    question = election_question(ballot, list(names), method="irv", seats=1)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter, ranking in zip(voters, rankings, strict=True):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, n).pk for n in ranking]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    return ballot


TIE = [["Nia"], ["Ben"], ["Ola"]]  # a 1-1-1 by-election: settled by lot


def test_provisional_page_is_the_returning_officers_alone() -> None:
    """RO: 200, marked provisional, winners, turnout, sheet, lots; others 403; public 404."""
    ballot = counted(TIE, min_electorate_for_papers=1)
    url = f"/ballots/{ballot.pk}/provisional/"
    assert Client().get(url).status_code == 404
    member = Client()
    member.force_login(MembershipFactory(unit=ballot.unit).person)
    assert member.get(url).status_code == 403
    officer = Client()
    secretary = MembershipFactory(unit=ballot.unit).person
    office = OfficeFactory(unit=ballot.unit)
    Holding.objects.create(person=secretary, office=office, starts_on=dt.date(2024, 1, 1), authority="Appointed")
    officer.force_login(secretary)
    assert officer.get(url).status_code == 403
    ro = Client()
    ro.force_login(ballot.returning_officer)
    page = ro.get(url)
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    result = Result.objects.get(question__ballot=ballot)
    assert "PROVISIONAL" in text and "not declared" in text
    assert result.outcome in text  # the winner
    assert 'id="turnout">3<' in text
    assert "Count sheet, stage by stage" in text
    assert "Decided by lot" in text and "by lot" in result.count_sheet["lots"][0]
    assert result.count_sheet["lots"][0] in text
    # nothing is public yet
    assert Client().get(f"/ballots/{ballot.pk}/result/").status_code == 404


def test_declaring_needs_the_confirmation_naming_the_winners() -> None:
    """Without the ticked confirmation (or with a stale one) the ballot stays counted; with it, declared."""
    ballot = counted([["Nia"], ["Nia"], ["Ben"]])
    url = f"/ballots/{ballot.pk}/declare/"
    ro = Client()
    ro.force_login(ballot.returning_officer)
    refused = ro.post(url, {"statement": "hello"})
    assert refused.status_code == 400
    assert "Confirm the result" in refused.content.decode()
    stale = ro.post(url, {"confirm": "yes", "confirmation": "I declare: Election: Elected: Ben"})
    assert stale.status_code == 409
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    assert not OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:").exists()
    confirmation = result_confirmation(ballot=ballot)
    assert "Nia" in confirmation
    assert Client().post(url, {"confirm": "yes", "confirmation": confirmation}).status_code == 404
    ok = ro.post(url, {"confirm": "yes", "confirmation": confirmation, "statement": "No complaints were received."})
    assert ok.status_code == 302
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.DECLARED
    assert ballot.declaration_statement == "No complaints were received."
    page = Client().get(f"/ballots/{ballot.pk}/result/").content.decode()
    assert "No complaints were received." in page


def test_recount_before_declaring_keeps_the_result_and_is_audited() -> None:
    """The RO's recount redoes the count from the papers with the same seed: same sheet."""
    from core.models import AuditEntry

    ballot = counted(TIE)
    before = Result.objects.get(question__ballot=ballot)
    ro = Client()
    ro.force_login(ballot.returning_officer)
    assert Client().post(f"/ballots/{ballot.pk}/provisional/recount/").status_code == 404
    response = ro.post(f"/ballots/{ballot.pk}/provisional/recount/", follow=True)
    assert response.status_code == 200
    assert "unchanged" in response.content.decode()
    after = Result.objects.get(question__ballot=ballot)
    assert after.count_sheet == before.count_sheet and after.seed == before.seed
    assert AuditEntry.objects.filter(action="ballot_recounted").count() == 1


def test_lot_is_shown_on_result_page_json_and_email_and_recount_reproduces(tmp_path: Path) -> None:
    """A 1-1-1 tie: each lot in a sentence on the page, in the JSON and in the e-mail; the page's command reproduces the sheet."""
    ballot = counted(TIE, min_electorate_for_papers=1)
    ro = Client()
    ro.force_login(ballot.returning_officer)
    ro.post(
        f"/ballots/{ballot.pk}/declare/",
        {"confirm": "yes", "confirmation": result_confirmation(ballot=ballot)},
    )
    result = Result.objects.get(question__ballot=ballot)
    lots = result.count_sheet["lots"]
    assert lots and all("were tied" in lot and "by lot" in lot and result.seed in lot for lot in lots)
    page = html.unescape(Client().get(f"/ballots/{ballot.pk}/result/").content.decode())
    data = Client().get(f"/ballots/{ballot.pk}/result/sheet.json").json()
    assert data["questions"][0]["lots"] == lots
    email = OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:").first()
    assert email is not None
    for lot in lots:
        assert lot in page
        assert lot in email.body_text

    command = re.search(r"<code>(python3 -m ballots\.counting [^<]+)</code>", page)
    assert command is not None
    args = command.group(1).split()[3:]
    assert "--seed" in args
    question = result.question
    blt = Client().get(f"/ballots/{ballot.pk}/result/papers/{question.pk}.blt")
    assert blt.status_code == 200
    (tmp_path / args[0]).write_bytes(blt.content)
    for _ in range(5):
        proc = subprocess.run(
            [sys.executable, "-m", "ballots.counting", *args, "--json"],
            cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == result.count_sheet
        assert "warning" not in proc.stderr


def test_scrutineers_named_by_the_returning_officer_may_read_but_not_act() -> None:
    """A named scrutineer reads the provisional page (no declare form) and is refused declaring; removal ends it."""
    ballot = counted([["Nia"], ["Nia"], ["Ben"]])
    agent = MembershipFactory(unit=ballot.unit).person
    url = f"/ballots/{ballot.pk}/provisional/"
    scrutineer = Client()
    scrutineer.force_login(agent)
    assert scrutineer.get(url).status_code == 403
    assert scrutineer.post(f"/ballots/{ballot.pk}/provisional/scrutineers/", {"email": agent.email}).status_code == 403
    ro = Client()
    ro.force_login(ballot.returning_officer)
    assert (
        ro.post(f"/ballots/{ballot.pk}/provisional/scrutineers/", {"email": "nobody@example.invalid"}).status_code
        == 302
    )
    assert not ballot.scrutineers.exists()
    ro.post(f"/ballots/{ballot.pk}/provisional/scrutineers/", {"email": agent.email.upper()})
    assert list(ballot.scrutineers.all()) == [agent]
    page = scrutineer.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "as a scrutineer" in text and "Elected: Nia" in text
    assert "Declare the result" not in text and "Recount now" not in text
    confirmed = {"confirm": "yes", "confirmation": result_confirmation(ballot=ballot)}
    assert scrutineer.post(f"/ballots/{ballot.pk}/declare/", confirmed).status_code == 403
    assert scrutineer.post(f"/ballots/{ballot.pk}/provisional/recount/").status_code == 403
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    ro.post(f"/ballots/{ballot.pk}/provisional/scrutineers/", {"remove": str(agent.pk)})
    assert scrutineer.get(url).status_code == 403


def test_published_sheet_json_recounts_with_sheet_option(tmp_path: Path) -> None:
    """The result page's sheet.json, given as --sheet, reproduces the published count (exit 0, 'reproduces')."""
    ballot = counted(TIE, min_electorate_for_papers=1)
    ro = Client()
    ro.force_login(ballot.returning_officer)
    ro.post(f"/ballots/{ballot.pk}/declare/", {"confirm": "yes", "confirmation": result_confirmation(ballot=ballot)})
    question = Result.objects.get(question__ballot=ballot).question
    (tmp_path / "papers.blt").write_bytes(Client().get(f"/ballots/{ballot.pk}/result/papers/{question.pk}.blt").content)
    (tmp_path / "sheet.json").write_bytes(Client().get(f"/ballots/{ballot.pk}/result/sheet.json").content)
    for _ in range(5):
        proc = subprocess.run(
            [sys.executable, "-m", "ballots.counting", "papers.blt", "--sheet", "sheet.json"],
            cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "reproduces" in proc.stderr and "warning" not in proc.stderr

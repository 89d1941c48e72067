"""The verifiable ballot with threshold trustees (any 2 of 3 decrypt), as each person does it, in Chromium.

As tests/e2e/test_verifiable_journey.py, but the returning officer sets
the threshold to 2 of 3 on the setup page, and the three trustees, each in
their own browser context, make the election key together in Belenios'
three-step ceremony: a certificate (the secret key file downloaded, never
sent), a polynomial once every certificate is in, their shares checked
once every polynomial is in, each step shown on their page only when due.
Twenty members vote (three in the browser: one audits first, one votes
again; seventeen through the API). After the close the server and trustee
2 shuffle; only trustees 1 and 3 decrypt, in the browser, each opening
their sealed key share with their key file; trustee 2's page then says no
more decryptions are needed. The returning officer declares; the record
passes ``belenios-tool election verify`` and its recount reproduces the
declared count sheet.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from ballots.models import Ballot, Question, Result, VerifiableBallot, VerifiableElection
from ballots.services import lifecycle
from ballots.verifiable import pki
from ballots.verifiable import threshold as th
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.election import read_election
from ballots.verifiable.group import group_named
from core.models import OutboxEmail
from tests.ballots.verifiable.belenios_tool import run, run_ok
from tests.conftest import CeleryProcesses, SmtpSink, closing_time_passes, text_body, wait_until
from tests.e2e.conftest import DESKTOP, screenshot
from tests.e2e.test_verifiable_journey import (
    API_VOTES,
    CANDIDATES,
    CREDENTIAL,
    PASSWORD,
    _both,
    _login,
    _person,
    _subject,
    _vote_in_browser,
)
from tests.factories import BallotFactory, UserFactory, election_question, motion_question

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TRUSTEE_PATH = "/ballots/{}/trustee/"


def _ceremony_step(page: Any, key: Path, button: str, accepted: str) -> None:
    page.reload()
    page.locator("#seed-file").set_input_files(str(key))
    page.get_by_role("button", name=button).click()
    page.wait_for_selector(f"text={accepted}", timeout=300_000)


def test_threshold_ballot_two_of_three_from_ceremony_to_checked_record(
    live_server, browser, new_page, celery_processes: CeleryProcesses, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    base = live_server.url
    ro = UserFactory(email="ro@example.org", full_name="Rita Returning", password=PASSWORD)
    EmailAddress.objects.create(user=ro, email=ro.email, verified=True, primary=True)
    ballot = BallotFactory(title="Branch chair", returning_officer=ro, state=Ballot.State.DRAFT)
    election_q = election_question(ballot, CANDIDATES, method=Question.Method.IRV)
    motion_q = motion_question(ballot, title="Adopt the budget")
    trustees = [_person(n, ballot.unit) for n in ("Tess Trustee", "Theo Trustee", "Tom Trustee")]
    voters = [_person(f"Voter {i:02d}", ballot.unit) for i in range(20)]
    celery_processes.start_worker()
    celery_processes.start_beat()

    # The returning officer names three trustees, any two of whom can decrypt.
    ro_page = new_page(DESKTOP)
    manage = f"/ballots/{ballot.pk}/manage/verifiable/"
    _login(ro_page, base, ro.email, manage)
    assert "n \u2212 t + 1 of them refuse or lose their key" in ro_page.content()
    for t in trustees:
        ro_page.get_by_label(t.full_name, exact=True).check()
    ro_page.get_by_label("How many trustees must decrypt (t of n)").fill("2")
    ro_page.get_by_role("button", name="Make it verifiable").click()
    ro_page.wait_for_url(f"**{manage}")
    assert (
        "waiting for certificates from Tess Trustee, Theo Trustee, Tom Trustee"
        in ro_page.locator("#next-step").inner_text()
    )
    election = VerifiableElection.objects.get(ballot=ballot)
    assert election.threshold == 2
    _both(ro_page, new_page, base, ro.email, manage, "verifiable-threshold-dashboard-certificates", ready="#ceremony")

    # Step 1: each trustee follows the invitation and makes their key file and certificate in their own browser.
    path = TRUSTEE_PATH.format(ballot.pk)
    keys: dict[int, Path] = {}
    pages = []
    for i, t in enumerate(trustees, 1):
        mail = smtp_sink.wait_for(lambda m, t=t: "step 1 of 3" in _subject(m) and m["X-Envelope-To"] == t.email)
        assert "any 2 of its 3 trustees" in text_body(mail[0])
        page = new_page(DESKTOP)
        _login(page, base, t.email, path)
        assert "Make my polynomial" not in page.content()  # not due before every certificate is in
        if i == 1:
            _both(page, new_page, base, t.email, path, "verifiable-threshold-certificate")
        with page.expect_download() as download:
            page.get_by_role("button", name="Make my key file in this browser").click()
        keys[i] = tmp_path / f"trustee-{i}.key"
        download.value.save_as(keys[i])
        assert page.get_by_role("button", name="Send my certificate").is_disabled()  # not before the file is safe
        page.get_by_label("somewhere safe").check()
        page.get_by_role("button", name="Send my certificate").click()
        page.wait_for_selector("text=Your certificate is accepted.")
        pages.append(page)

    # Step 2, once every certificate is in: each trustee is e-mailed, and makes a polynomial from their key file.
    for i, (t, page) in enumerate(zip(trustees, pages, strict=True), 1):
        smtp_sink.wait_for(lambda m, t=t: "step 2 of 3" in _subject(m) and m["X-Envelope-To"] == t.email)
        if i == 1:
            page.reload()
            _both(page, new_page, base, t.email, path, "verifiable-threshold-polynomial")
            # Another trustee's key file is refused in the browser, by name, and nothing is sent.
            page.locator("#seed-file").set_input_files(str(keys[2]))
            page.get_by_role("button", name="Make my polynomial in this browser").click()
            status = "document.getElementById('step-status').textContent"
            page.wait_for_function(f"() => !['', 'Working…'].includes({status})")
            refused = page.locator("#step-status").inner_text()
            assert refused.startswith("Refused: threshold_not_my_certificate"), refused
            assert not election.trustee_rows.exclude(polynomial="").exists()
        _ceremony_step(page, keys[i], "Make my polynomial in this browser", "Your polynomial is accepted.")

    # Step 3, once every polynomial is in: each trustee's browser checks the shares it was sent.
    ro_page.reload()
    assert "step 3 of 3" in ro_page.locator("#next-step").inner_text()
    assert ro_page.get_by_role("button", name="Restart from the polynomials").is_visible()
    for i, (t, page) in enumerate(zip(trustees, pages, strict=True), 1):
        smtp_sink.wait_for(lambda m, t=t: "step 3 of 3" in _subject(m) and m["X-Envelope-To"] == t.email)
        if i == 1:
            page.reload()
            _both(page, new_page, base, t.email, path, "verifiable-threshold-voutput")
        _ceremony_step(page, keys[i], "Check my shares in this browser", "your key share is accepted.")
    ro_page.reload()
    assert "The key ceremony is finished" in ro_page.locator("#next-step").inner_text()

    # Each key file is the seed of the trustee's certificate, and no message the server kept holds it.
    group = group_named(election.group)
    for i, key in keys.items():
        row = election.trustee_rows.get(position=i)
        seed = pki.read_seed(key.read_text())
        (cert,) = th.read_certificates(group, [row.certificate])
        assert cert.verification == pki.g_pow(group, pki.TrusteeSecrets.from_seed(seed).signing)
        assert seed not in row.certificate + row.polynomial + row.voutput

    lifecycle.ballot_schedule(ballot_id=ballot.pk)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    assert json.loads(VerifiableElection.objects.get(pk=election.pk).trustees)[0][0] == "Pedersen"
    credentials = {
        v.pk: CREDENTIAL.search(
            OutboxEmail.objects.get(recipient=v, key__startswith=f"verifiable-credential:{ballot.pk}:").body_text
        ).group(1)  # type: ignore[union-attr]
        for v in voters
    }

    # Three vote in the browser (one audits first), one of them votes again; seventeen through the API.
    vote_path = f"/ballots/{ballot.pk}/"
    browser_votes = [
        ({"Cat Carter": "1", "Ann Archer": "2"}, "For", True),
        ({"Bob Baker": "1"}, "Against", False),
        ({"Ann Archer": "1", "Bob Baker": "2", "Cat Carter": "3"}, "Abstain", False),
    ]
    trackers = []
    for voter, (ranks, motion, audit) in zip(voters[:3], browser_votes, strict=True):
        page = new_page(DESKTOP)
        _login(page, base, voter.email, vote_path)
        trackers.append(_vote_in_browser(page, ranks, motion, credentials[voter.pk], audit=audit))
        page.context.close()
    revoter = new_page(DESKTOP)
    _login(revoter, base, voters[1].email, vote_path)
    second = _vote_in_browser(revoter, {"Cat Carter": "1", "Bob Baker": "2"}, "For", credentials[voters[1].pk])
    box = set(VerifiableBallot.objects.filter(election=election).values_list("tracker", flat=True))
    assert second in box and trackers[1] not in box and trackers[0] in box
    parsed = read_election(APIClient().get(f"/api/ballots/{ballot.pk}/verifiable/election.json").content.decode())
    for voter, vote in zip(voters[3:], API_VOTES, strict=True):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=voter)}")
        made = create_ballot(parsed, credentials[voter.pk], vote)
        response = api.post(f"/api/ballots/{ballot.pk}/verifiable/ballots/", {"ballot": made}, format="json")
        assert response.status_code == 201, response.content

    # The close: the server shuffles, then trustee 2 with belenios-tool; the returning officer ends the shuffles.
    closing_time_passes(ballot)
    wait_until(lambda: election.shuffle_rows.exists(), timeout=300, what="the close and the server's shuffle")
    page = pages[1]
    page.reload()
    folder = tmp_path / "shuffle"
    folder.mkdir()
    with page.expect_download() as download:
        page.locator("#board-link").click()
    download.value.save_as(folder / f"{parsed.uuid}.bel")
    output = run_ok(["election", "shuffle", "--dir", ".", "--trustee-id=2"], folder)
    page.get_by_label("Your shuffle (shuffle.txt)").fill(output)
    page.get_by_role("button", name="Send my shuffle").click()
    assert "Your shuffle is checked and accepted." in page.content()
    ro_page.goto(f"{base}{manage}")
    ro_page.get_by_role("button", name="End the shuffles and start the decryption").click()
    assert "0 of the 2 decryptions needed are in" in ro_page.locator("#next-step").inner_text()

    # Trustees 1 and 3 decrypt in the browser, each opening their key share with their key file.
    for i in (1, 3):
        page = pages[i - 1]
        page.reload()
        if i == 1:
            _both(page, new_page, base, trustees[0].email, path, "verifiable-threshold-decrypt")
        page.locator("#privkey").set_input_files(str(keys[i]))
        page.get_by_role("button", name="Decrypt in this browser").click()
        page.wait_for_selector("text=Your partial decryption is checked and accepted.", timeout=300_000)
        if i == 1:
            assert "1 of the 2 needed are in; waiting for any 1 more" in page.locator("#todo").inner_text()
    pages[1].reload()
    assert "no more decryptions are needed" in pages[1].locator("#todo").inner_text()
    assert pages[1].locator("#decrypt").count() == 0
    screenshot(pages[1], "verifiable-threshold-not-needed")

    wait_until(lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED, timeout=300, what="the count")
    ro_page.goto(f"{base}/ballots/{ballot.pk}/provisional/")
    ro_page.locator("#confirm").check()
    ro_page.get_by_role("button", name="Declare the result").click()
    ro_page.wait_for_url(f"**/ballots/{ballot.pk}/result/")

    # The record passes belenios-tool's verification, and its recount reproduces the declared count sheet.
    record = ro_page.request.get(f"{base}/api/ballots/{ballot.pk}/verifiable/board.bel")
    assert record.status == 200
    checked = tmp_path / "record"
    checked.mkdir()
    bel = checked / f"{parsed.uuid}.bel"
    bel.write_bytes(record.body())
    done = run(["election", "verify", "--dir", "."], checked)
    assert done.returncode == 0, done.stderr
    sheet = checked / "count-sheet.json"
    sheet.write_text(json.dumps(Result.objects.get(question=election_q).count_sheet))
    blt = subprocess.run(
        [sys.executable, "-m", "ballots.verifiable.blt", str(bel), "--question", "1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len([line for line in blt.splitlines() if line.startswith("1 ")]) == 20
    (checked / "q1.blt").write_text(blt)
    recount = subprocess.run(
        [sys.executable, "-m", "ballots.counting", str(checked / "q1.blt"), "--sheet", str(sheet)],
        capture_output=True,
        text=True,
    )
    assert recount.returncode == 0, recount.stdout + recount.stderr
    assert Result.objects.get(question=motion_q).papers_counted == 20
    assert list(election.trustee_rows.filter(partial_decryption="").values_list("position", flat=True)) == [2]

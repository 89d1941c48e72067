"""The verifiable ballot, as each person does it, in Chromium with every real part.

The returning officer makes a ballot verifiable on its page, naming three
trustees; each trustee, in their own browser, makes a key in the browser
(the private key downloaded, never sent). Voting opens; three members vote
in the browser (one audits a ballot first, one votes again), seventeen more
through the API with ballots made as the browser makes them. The closing
time passes: beat closes the ballot and the worker tallies the box and
shuffles it; trustee 2 shuffles again with belenios-tool on the record
downloaded from their page and uploads it there; the returning officer ends
the shuffles; each trustee decrypts in the browser with their key file; the
worker counts; the returning officer declares. The record then passes
``belenios-tool election verify``, and the recount from it (its papers as a
BLT file, counted by the engine against the declared count sheet)
reproduces the declared result.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from ballots.models import Ballot, Question, Result, VerifiableBallot, VerifiableElection
from ballots.services import lifecycle
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.election import read_election
from ballots.verifiable.group import group_named
from core.models import OutboxEmail
from tests.ballots.verifiable.belenios_tool import run, run_ok
from tests.conftest import CeleryProcesses, SmtpSink, closing_time_passes, text_body, wait_until
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.factories import BallotFactory, MembershipFactory, UserFactory, election_question, motion_question

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "correct-horse-battery"
CANDIDATES = ["Ann Archer", "Bob Baker", "Cat Carter"]
CREDENTIAL = re.compile(r"Your credential: ([1-9A-HJ-NP-Za-km-z]{3}(?:-[1-9A-HJ-NP-Za-km-z]{3}){4})")
# The seventeen voters through the API: ranks for Ann, Bob, Cat, then For / Against / Abstain.
API_VOTES = [
    [[1, 2, 3], [1, 0, 0]],
    [[2, 1, 0], [0, 1, 0]],
    [[1, 0, 2], [1, 0, 0]],
    [[0, 1, 2], [0, 0, 1]],
    [[1, 2, 0], [1, 0, 0]],
    [[3, 1, 2], [1, 0, 0]],
    [[0, 0, 1], [0, 1, 0]],
    [[1, 0, 0], [1, 0, 0]],
    [[2, 3, 1], [1, 0, 0]],
    [[0, 1, 0], [0, 1, 0]],
    [[1, 3, 2], [1, 0, 0]],
    [[0, 2, 1], [0, 0, 1]],
    [[1, 2, 3], [1, 0, 0]],
    [[2, 1, 3], [0, 1, 0]],
    [[1, 1, 0], [1, 0, 0]],  # equal ranks: a void paper
    [[3, 2, 1], [1, 0, 0]],
    [[1, 0, 0], [0, 1, 0]],
]


def _login(page: Any, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_path}")


def _subject(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _person(name: str, unit: Any) -> Any:
    email = name.lower().replace(" ", ".") + "@example.org"
    user = UserFactory(email=email, full_name=name, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(unit=unit, person=user)
    return user


def _both(page: Any, new_page: Any, base: str, email: str, path: str, name: str, ready: str = "h1") -> None:
    """A screenshot of ``path`` at the phone width too (the journey itself runs at the desktop's)."""
    page.locator(ready).first.wait_for(state="visible")
    screenshot(page, name)
    phone = new_page(PHONE)
    _login(phone, base, email, path)
    phone.locator(ready).first.wait_for(state="visible")
    screenshot(phone, name)
    phone.context.close()


def _vote_in_browser(page: Any, ranks: dict[str, str], motion: str, credential: str, audit: bool = False) -> str:
    for name, rank in ranks.items():
        page.get_by_label(name, exact=True).fill(rank)
    page.get_by_label(motion, exact=True).check()
    page.get_by_label("Your credential").fill(credential)
    page.get_by_role("button", name="Encrypt my vote").click()
    page.locator("#encrypted").wait_for(state="visible")
    if audit:
        page.get_by_role("button", name="Audit this ballot").click()
        verdict = page.locator("#audit-verdict")
        verdict.wait_for(state="visible")
        assert "holds exactly your choices" in verdict.inner_text()
        audited = page.locator("#audit-result li").all_inner_texts()
        first = min(ranks, key=lambda n: int(ranks[n]))
        assert any(f"1. {first}" in line for line in audited), audited
        assert any(motion in line for line in audited), audited
    page.get_by_role("button", name="Cast this ballot").click()
    page.locator("#cast-done").wait_for(state="visible")
    return page.locator("#tracker").inner_text().strip()


def test_verifiable_ballot_from_keys_to_checked_record(
    live_server, browser, new_page, celery_processes: CeleryProcesses, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    base = live_server.url
    ro = UserFactory(email="ro@example.org", full_name="Rita Returning", password=PASSWORD)
    EmailAddress.objects.create(user=ro, email=ro.email, verified=True, primary=True)
    ballot = BallotFactory(title="Branch chair", returning_officer=ro, state=Ballot.State.DRAFT)
    election_q = election_question(ballot, CANDIDATES, method=Question.Method.IRV)
    motion_q = motion_question(ballot, title="Adopt the budget")
    # In the order the page lists them, which is the trustees' order.
    trustees = [_person(n, ballot.unit) for n in ("Tess Trustee", "Theo Trustee", "Tom Trustee")]
    voters = [_person(f"Voter {i:02d}", ballot.unit) for i in range(20)]
    celery_processes.start_worker()
    celery_processes.start_beat()

    # The returning officer chooses the mode, names the trustees, keeps the default record access.
    ro_page = new_page(DESKTOP)
    manage = f"/ballots/{ballot.pk}/manage/verifiable/"
    _login(ro_page, base, ro.email, manage)
    assert "Possible papers" in ro_page.locator("#italian").inner_text()
    assert "15" in ro_page.locator("#italian tbody").inner_text()  # 3 + 6 + 6 rankings of three candidates
    _both(ro_page, new_page, base, ro.email, manage, "verifiable-setup")
    for t in trustees:
        ro_page.get_by_label(t.full_name, exact=True).check()
    ro_page.get_by_role("button", name="Make it verifiable").click()
    ro_page.wait_for_url(f"**{manage}")
    assert "Waiting for keys from Tess Trustee, Theo Trustee, Tom Trustee" in ro_page.locator("#next-step").inner_text()
    election = VerifiableElection.objects.get(ballot=ballot)
    assert election.record_access == VerifiableElection.RecordAccess.SCRUTINEERS

    # Each trustee follows the invitation's link and makes a key in their own browser.
    keys: dict[int, Path] = {}
    trustee_pages = []
    for i, t in enumerate(trustees, 1):
        mail = smtp_sink.wait_for(lambda m, t=t: "make your key" in _subject(m) and m["X-Envelope-To"] == t.email)
        body = text_body(mail[0])
        link = re.search(r"https?://[^/\s]+(/ballots/\d+/trustee/)", body)
        assert link is not None, body
        page = new_page(DESKTOP)
        _login(page, base, t.email, link.group(1))
        if i == 1:
            _both(page, new_page, base, t.email, link.group(1), "verifiable-trustee-key")
        with page.expect_download() as download:
            page.get_by_role("button", name="Make my key in this browser").click()
        keys[i] = tmp_path / f"trustee-{i}.privkey"
        download.value.save_as(keys[i])
        assert page.get_by_role("button", name="Send my public key").is_disabled()  # not before the file is safe
        page.get_by_label("somewhere safe").check()
        page.get_by_role("button", name="Send my public key").click()
        assert "Your public key is accepted." in page.content()
        trustee_pages.append(page)
    # Each downloaded file is the private half of the key the server holds (and only the public half was sent).
    group = group_named(election.group)
    for i, path in keys.items():
        public = json.loads(election.trustee_rows.get(position=i).public_key)["public_key"]
        assert pow(group.g, int(json.loads(path.read_text())), group.p) == int(public)

    lifecycle.ballot_schedule(ballot_id=ballot.pk)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    credentials = {
        v.pk: CREDENTIAL.search(
            OutboxEmail.objects.get(recipient=v, key__startswith=f"verifiable-credential:{ballot.pk}:").body_text
        ).group(1)  # type: ignore[union-attr]
        for v in voters
    }

    # Three members vote in the browser: one audits first, one votes again.
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
        if audit:
            _both(page, new_page, base, voter.email, vote_path, "verifiable-vote", ready="#questions fieldset")
        trackers.append(_vote_in_browser(page, ranks, motion, credentials[voter.pk], audit=audit))
        if audit:
            screenshot(page, "verifiable-cast")
            page.get_by_role("link", name="Find it in the public ballot box").click()
            assert "is in the box" in page.locator("#found").inner_text()
            screenshot(page, "verifiable-box")
    revoter = new_page(DESKTOP)
    _login(revoter, base, voters[1].email, vote_path)
    assert "You have voted in this ballot" in revoter.content()
    second = _vote_in_browser(revoter, {"Cat Carter": "1", "Bob Baker": "2"}, "For", credentials[voters[1].pk])
    box = set(VerifiableBallot.objects.filter(election=election).values_list("tracker", flat=True))
    assert second in box and trackers[1] not in box and trackers[0] in box

    text = APIClient().get(f"/api/ballots/{ballot.pk}/verifiable/election.json").content.decode()
    parsed = read_election(text)
    for voter, vote in zip(voters[3:], API_VOTES, strict=True):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=voter)}")
        made = create_ballot(parsed, credentials[voter.pk], vote)
        response = api.post(f"/api/ballots/{ballot.pk}/verifiable/ballots/", {"ballot": made}, format="json")
        assert response.status_code == 201, response.content

    # The close: beat closes, the worker tallies the box and makes the server's shuffle.
    closing_time_passes(ballot)
    wait_until(lambda: election.shuffle_rows.exists(), timeout=300, what="the close and the server's shuffle")

    # Trustee 2 shuffles with belenios-tool, on the record downloaded from their page.
    page = trustee_pages[1]
    page.reload()
    _both(page, new_page, base, trustees[1].email, f"/ballots/{ballot.pk}/trustee/", "verifiable-trustee-shuffle")
    folder = tmp_path / "shuffle"
    folder.mkdir()
    with page.expect_download() as download:
        page.locator("#board-link").click()
    download.value.save_as(folder / f"{parsed.uuid}.bel")
    output = run_ok(["election", "shuffle", "--dir", ".", "--trustee-id=2"], folder)
    page.get_by_label("Your shuffle (shuffle.txt)").fill(output)
    page.get_by_role("button", name="Send my shuffle").click()
    assert "Your shuffle is checked and accepted." in page.content()

    # The returning officer ends the shuffles.
    ro_page.goto(f"{base}{manage}")
    assert "the server, Theo Trustee" in ro_page.locator("#next-step").inner_text()
    _both(ro_page, new_page, base, ro.email, manage, "verifiable-dashboard")
    ro_page.get_by_role("button", name="End the shuffles and start the decryption").click()
    assert "Waiting for the decryption of Tess Trustee, Theo Trustee, Tom Trustee" in ro_page.content()

    # Each trustee decrypts in the browser with their key file.
    for i, page in enumerate(trustee_pages, 1):
        page.reload()
        if i == 1:
            _both(
                page, new_page, base, trustees[0].email, f"/ballots/{ballot.pk}/trustee/", "verifiable-trustee-decrypt"
            )
        page.locator("#privkey").set_input_files(str(keys[i]))
        page.get_by_role("button", name="Decrypt in this browser").click()
        page.wait_for_selector("text=Your partial decryption is checked and accepted.", timeout=300_000)

    wait_until(lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.COUNTED, timeout=300, what="the count")
    ro_page.goto(f"{base}/ballots/{ballot.pk}/provisional/")
    ro_page.locator("#confirm").check()
    ro_page.get_by_role("button", name="Declare the result").click()
    ro_page.wait_for_url(f"**/ballots/{ballot.pk}/result/")
    assert (
        "kept to the returning officer, officers, trustees and scrutineers" in ro_page.locator("#withheld").inner_text()
    )
    screenshot(ro_page, "verifiable-result")

    # The record: withheld from the public, downloaded by the returning officer, verified by belenios-tool.
    assert APIClient().get(f"/api/ballots/{ballot.pk}/verifiable/board.bel").status_code == 403
    record = ro_page.request.get(f"{base}/api/ballots/{ballot.pk}/verifiable/board.bel")
    assert record.status == 200
    checked = tmp_path / "record"
    checked.mkdir()
    bel = checked / f"{parsed.uuid}.bel"
    bel.write_bytes(record.body())
    done = run(["election", "verify", "--dir", "."], checked)
    assert done.returncode == 0, done.stderr

    # The recount from the record reproduces the declared count sheet.
    result = Result.objects.get(question=election_q)
    sheet = checked / "count-sheet.json"
    sheet.write_text(json.dumps(result.count_sheet))
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

    observer = new_page(DESKTOP)
    observer.goto(f"{base}/ballots/{ballot.pk}/checks/")
    assert "belenios-tool election verify" in observer.content()
    screenshot(observer, "verifiable-checks")
    phone = new_page(PHONE)
    phone.goto(f"{base}/ballots/{ballot.pk}/checks/")
    screenshot(phone, "verifiable-checks")

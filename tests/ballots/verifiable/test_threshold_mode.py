"""A 2-of-3 verifiable ballot through the services and the API, on PostgreSQL.

The returning officer sets 3 trustees and a threshold of 2; the trustees
run the key ceremony through the API (each step checked, the stage read
back); voting opens with a Pedersen trustees item; after the close two
trustees decrypt, the count follows without the third, and belenios-tool
verifies the exported board.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from ballots.models import Ballot, BallotPaper, Question
from ballots.services import lifecycle, tallying
from ballots.services.verifiable_setup import verifiable_enable
from ballots.services.verifiable_tally import decryption_input, ranking_from_ranks
from ballots.verifiable import pki
from ballots.verifiable import threshold as th
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.election import read_election
from ballots.verifiable.group import group_named
from core.errors import DomainError
from core.models import OutboxEmail
from tests.ballots.verifiable.belenios_tool import run
from tests.factories import BallotFactory, MembershipFactory, election_question, motion_question

pytestmark = pytest.mark.django_db

CANDIDATES = ["Ann", "Bob", "Cat"]
VOTES = [[[1, 2, 3], [1, 0, 0]], [[2, 1, 0], [0, 1, 0]], [[0, 1, 2], [1, 0, 0]], [[3, 1, 2], [0, 0, 1]]]
CREDENTIAL = re.compile(r"Your credential: ([1-9A-HJ-NP-Za-km-z]{3}(?:-[1-9A-HJ-NP-Za-km-z]{3}){4})")


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
    return api


def _post(user: Any, ballot: Ballot, step: str, data: dict[str, str]) -> Any:
    return _api(user).post(f"/api/ballots/{ballot.pk}/verifiable/trustee/{step}/", data, format="json")


def _ceremony(user: Any, ballot: Ballot) -> dict[str, Any]:
    response = _api(user).get(f"/api/ballots/{ballot.pk}/verifiable/ceremony/")
    assert response.status_code == 200, response.content
    return response.json()


def run_ceremony(ballot: Ballot, trustees: list[Any], threshold: int) -> dict[int, str]:
    """Every trustee's device (our core, as the browser will run it) through the API; returns their seeds."""
    group = group_named(ballot.verifiable.group)
    seeds = {t.pk: pki.new_seed() for t in trustees}
    for person in trustees:
        assert (
            _post(person, ballot, "certificate", {"certificate": th.certificate(group, seeds[person.pk])}).status_code
            == 201
        )
    for person in trustees:
        view = _ceremony(person, ballot)
        assert view["stage"] == "polynomials"
        assert view["threshold"] == threshold  # the device takes t from the server, as a trustee's page will
        certs = th.read_certificates(group, view["certificates"])
        text = th.polynomial(group, seeds[person.pk], certs, view["threshold"])
        assert _post(person, ballot, "polynomial", {"polynomial": text}).status_code == 201
    for person in trustees:
        view = _ceremony(person, ballot)
        assert view["stage"] == "voutputs" and view["vinput"]
        certs = th.read_certificates(group, view["certificates"])
        text = th.voutput(group, seeds[person.pk], certs, view["vinput"])
        assert _post(person, ballot, "voutput", {"voutput": text}).status_code == 201
    return seeds


@pytest.fixture
def setup() -> tuple[Ballot, list[Any], list[Any]]:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    election_question(ballot, CANDIDATES, method=Question.Method.IRV)
    motion_question(ballot)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in VOTES]
    trustees = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    enabled = _api(ballot.returning_officer).post(
        f"/api/ballots/{ballot.pk}/verifiable/enable/",
        {"trustees": [t.email for t in trustees], "threshold": 2},
        format="json",
    )
    assert enabled.status_code == 201, enabled.content
    return ballot, voters, trustees


def test_two_of_three_ballot_end_to_end(setup, tmp_path, django_capture_on_commit_callbacks) -> None:
    ballot, voters, trustees = setup
    assert _ceremony(ballot.returning_officer, ballot)["stage"] == "certificates"
    from ballots.services.setup import ballot_ready_problems

    assert any("key ceremony is not finished" in p for p in ballot_ready_problems(ballot=ballot))
    seeds = run_ceremony(ballot, trustees, 2)
    officer_view = _ceremony(ballot.returning_officer, ballot)
    assert officer_view["stage"] == "done" and officer_view["threshold"] == 2
    assert officer_view["sealed_key"] is None and officer_view["position"] is None  # nothing of a trustee's

    lifecycle.ballot_schedule(ballot_id=ballot.pk)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    row = ballot.verifiable
    assert json.loads(row.trustees)[0][0] == "Pedersen"
    election = read_election(row.election)
    for voter, vote in zip(voters, VOTES, strict=True):
        mail = OutboxEmail.objects.get(recipient=voter, key__startswith=f"verifiable-credential:{ballot.pk}:")
        credential = CREDENTIAL.search(mail.body_text).group(1)  # type: ignore[union-attr]
        cast = _api(voter).post(
            f"/api/ballots/{ballot.pk}/verifiable/ballots/",
            {"ballot": create_ballot(election, credential, vote)},
            format="json",
        )
        assert cast.status_code == 201, cast.content
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert tallying.ballot_tally(ballot_id=ballot.pk).startswith("awaiting")
    ended = _api(ballot.returning_officer).post(f"/api/ballots/{ballot.pk}/verifiable/shuffles/end/")
    assert ended.status_code == 200, ended.content

    row.refresh_from_db()
    parsed, tally = decryption_input(row)
    group = parsed.group
    # Trustees 1 and 3 decrypt (trustee 2 is away); each opens its sealed key share on its device.
    with django_capture_on_commit_callbacks(execute=True):
        for person in (trustees[0], trustees[2]):
            view = _ceremony(person, ballot)
            certs = th.read_certificates(group, view["certificates"])
            text = th.threshold_partial_decryption(parsed, seeds[person.pk], certs, view["sealed_key"], tally)
            response = _post(person, ballot, "decryption", {"partial_decryption": text})
            assert response.status_code == 201, response.content
        # Two were enough: the result is decrypted and the third trustee is not needed.
        late = _post(trustees[1], ballot, "decryption", {"partial_decryption": "{}"})
        assert late.status_code == 409 and late.json()["code"] == "not_decrypting"
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED

    question = ballot.questions.get(method=Question.Method.IRV)
    ids = [o.pk for o in question.options.order_by("position")]
    papers = Counter(tuple(p) for p in BallotPaper.objects.filter(question=question).values_list("content", flat=True))
    assert papers == Counter(tuple(ranking_from_ranks(ids, v[0])) for v in VOTES)

    lifecycle.ballot_declare(ballot_id=ballot.pk)
    # The record reveals the papers, so it is kept to the returning officer and the like (the default).
    assert APIClient().get(f"/api/ballots/{ballot.pk}/verifiable/board.bel").status_code == 403
    download = _api(ballot.returning_officer).get(f"/api/ballots/{ballot.pk}/verifiable/board.bel")
    assert download.status_code == 200
    (tmp_path / f"{election.uuid}.bel").write_bytes(download.content)
    done = run(["election", "verify", "--dir", "."], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "all checks passed" in done.stderr


def test_ceremony_refusals_have_names(setup) -> None:
    ballot, _, trustees = setup
    group = group_named(ballot.verifiable.group)
    seeds = [pki.new_seed() for _ in trustees]
    certs_text = [th.certificate(group, s) for s in seeds]
    early = _post(trustees[0], ballot, "polynomial", {"polynomial": "{}"})
    assert early.status_code == 409 and early.json()["code"] == "threshold_ceremony_stage"
    key = _post(trustees[0], ballot, "key", {"public_key": "{}"})
    assert key.status_code == 409 and key.json()["code"] == "ballot_not_threshold"
    forged = dict(json.loads(certs_text[0]), message=json.loads(certs_text[1])["message"])
    bad = _post(trustees[0], ballot, "certificate", {"certificate": json.dumps(forged)})
    assert bad.status_code == 400 and bad.json()["code"] == "threshold_bad_certificate"
    assert _post(trustees[0], ballot, "certificate", {"certificate": certs_text[0]}).status_code == 201
    twice = _post(trustees[1], ballot, "certificate", {"certificate": certs_text[0]})
    assert twice.status_code == 400 and twice.json()["code"] == "threshold_duplicate_certificate"
    for person, text in zip(trustees[1:], certs_text[1:], strict=True):
        assert _post(person, ballot, "certificate", {"certificate": text}).status_code == 201
    certs = th.read_certificates(group, certs_text)
    # Trustee 1's polynomial, sent by trustee 2: its commitments are not signed by trustee 2.
    stolen = _post(trustees[1], ballot, "polynomial", {"polynomial": th.polynomial(group, seeds[0], certs, 2)})
    assert stolen.status_code == 400 and stolen.json()["code"] == "threshold_bad_coefexps"
    degree = _post(trustees[1], ballot, "polynomial", {"polynomial": th.polynomial(group, seeds[1], certs, 3)})
    assert degree.status_code == 400 and degree.json()["code"] == "threshold_wrong_degree"
    good = th.polynomial(group, seeds[1], certs, 2)
    assert _post(trustees[1], ballot, "polynomial", {"polynomial": good}).status_code == 201
    again = _post(trustees[1], ballot, "polynomial", {"polynomial": good})
    assert again.status_code == 409 and again.json()["code"] == "threshold_ceremony_stage"
    # A device refused a share: the returning officer restarts from the polynomials; certificates stay.
    restart = f"/api/ballots/{ballot.pk}/verifiable/ceremony/restart/"
    assert _api(trustees[0]).post(restart).status_code == 403
    assert _api(ballot.returning_officer).post(restart).status_code == 200
    view = _ceremony(ballot.returning_officer, ballot)
    assert view["stage"] == "polynomials" and not any(t["polynomial"] for t in view["trustees"])
    assert all(t["certificate"] for t in view["trustees"])
    assert _post(trustees[1], ballot, "polynomial", {"polynomial": good}).status_code == 201
    stranger = _post(ballot.returning_officer, ballot, "certificate", {"certificate": certs_text[0]})
    assert stranger.status_code == 403 and stranger.json()["code"] == "not_trustee"
    outsider = MembershipFactory(unit=ballot.unit).person
    assert _api(outsider).get(f"/api/ballots/{ballot.pk}/verifiable/ceremony/").status_code == 403


@pytest.mark.parametrize("threshold", [0, 4, -1])
def test_threshold_outside_one_to_n_is_refused(threshold: int) -> None:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    people = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    with pytest.raises(DomainError) as refused:
        verifiable_enable(ballot_id=ballot.pk, actor=ballot.returning_officer, trustees=people, threshold=threshold)
    assert refused.value.code == "threshold_invalid"


@pytest.mark.parametrize("threshold", [None, 3])
def test_all_of_them_keeps_single_trustees(threshold: int | None) -> None:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    people = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    election = verifiable_enable(
        ballot_id=ballot.pk, actor=ballot.returning_officer, trustees=people, threshold=threshold
    )
    assert election.threshold is None
    assert _ceremony(people[0], ballot)["stage"] == "keys"

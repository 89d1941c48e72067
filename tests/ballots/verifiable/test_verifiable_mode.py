"""The verifiable ballot mode end to end, on PostgreSQL, through the services and the API.

A ballot with an IRV election and a motion is made verifiable with two
trustees whose keys are made here (as ``belenios-tool setup
generate-trustee-key`` would, on their own devices); voting opens and the
server e-mails each voter a credential; seven voters cast ballots made by
``ballots.verifiable.ballot.create_ballot`` (as the browser will) through
the API, one votes twice and one casts a ranking with equal ranks. After the
close the server shuffles, trustee 1 shuffles again, both decrypt; the
count, declaration and the exported board follow, and belenios-tool
verifies the board.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from ballots.models import Ballot, BallotPaper, Participation, Question, Result, VerifiableBallot
from ballots.services import lifecycle, tallying
from ballots.services.casting import vote_cast
from ballots.services.verifiable_setup import trustee_key_upload, verifiable_enable
from ballots.services.verifiable_tally import (
    decryption_input,
    ranking_from_ranks,
    verifiable_decryption_upload,
    verifiable_shuffle_upload,
    verifiable_shuffles_end,
)
from ballots.verifiable.archive import read_board
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.decryption import partial_decryption
from ballots.verifiable.election import read_election
from ballots.verifiable.shuffle import read_shuffle, shuffle
from core.errors import DomainError
from core.models import OutboxEmail
from tests.ballots.verifiable.belenios_tool import run
from tests.ballots.verifiable.test_board_writer import trustee_key
from tests.factories import BallotFactory, MembershipFactory, election_question, motion_question

pytestmark = pytest.mark.django_db

# Per voter: ranks for Ann, Bob, Cat (0 = not ranked), then For / Against / Abstain.
VOTES = [
    [[1, 2, 3], [1, 0, 0]],
    [[2, 1, 0], [0, 1, 0]],
    [[1, 0, 2], [1, 0, 0]],
    [[0, 1, 2], [0, 0, 1]],
    [[1, 2, 0], [1, 0, 0]],
    [[1, 1, 0], [0, 1, 0]],  # equal ranks: a void paper
    [[3, 1, 2], [1, 0, 0]],
]
REVOTE = [[0, 0, 1], [0, 1, 0]]  # voter 0 changes their mind: this is the ballot that counts
CANDIDATES = ["Ann", "Bob", "Cat"]
CREDENTIAL = re.compile(r"Your credential: ([1-9A-HJ-NP-Za-km-z]{3}(?:-[1-9A-HJ-NP-Za-km-z]{3}){4})")


@dataclass
class World:
    ballot: Ballot
    election_q: Question
    motion_q: Question
    voters: list[Any]
    trustees: list[Any]
    keys: list[tuple[int, str]]
    credentials: dict[int, str]


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
    return api


@pytest.fixture
def world() -> World:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    election_q = election_question(ballot, CANDIDATES, method=Question.Method.IRV)
    motion_q = motion_question(ballot)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in VOTES]
    trustees = [MembershipFactory(unit=ballot.unit).person for _ in range(2)]
    enabled = _api(ballot.returning_officer).post(
        f"/api/ballots/{ballot.pk}/verifiable/enable/",
        {"trustees": [t.email for t in trustees], "record_access": "public"},
        format="json",
    )
    assert enabled.status_code == 201, enabled.content
    assert "server generates each voter's credential" in enabled.json()["trust"]
    keys = [trustee_key() for _ in trustees]
    for person, (_, pubkey) in zip(trustees, keys, strict=True):
        response = _api(person).post(
            f"/api/ballots/{ballot.pk}/verifiable/trustee/key/", {"public_key": pubkey}, format="json"
        )
        assert response.status_code == 201, response.content
    lifecycle.ballot_schedule(ballot_id=ballot.pk)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    credentials = {}
    for voter in voters:
        mail = OutboxEmail.objects.get(recipient=voter, key__startswith=f"verifiable-credential:{ballot.pk}:")
        credentials[voter.pk] = CREDENTIAL.search(mail.body_text).group(1)  # type: ignore[union-attr]
    ballot.refresh_from_db()
    return World(ballot, election_q, motion_q, voters, trustees, keys, credentials)


def _election(w: World):  # type: ignore[no-untyped-def]
    text = APIClient().get(f"/api/ballots/{w.ballot.pk}/verifiable/election.json").content.decode()
    return read_election(text)


def _cast(w: World, voter: Any, vote: list[list[int]]) -> Any:
    ballot = create_ballot(_election(w), w.credentials[voter.pk], vote)
    return _api(voter).post(f"/api/ballots/{w.ballot.pk}/verifiable/ballots/", {"ballot": ballot}, format="json")


def _close_and_shuffle(w: World) -> None:
    lifecycle.ballot_close(ballot_id=w.ballot.pk)
    assert tallying.ballot_tally(ballot_id=w.ballot.pk).startswith("awaiting")  # the tally task's first run


def test_the_whole_verifiable_ballot(world: World, tmp_path, django_capture_on_commit_callbacks) -> None:
    w = world
    election = _election(w)
    assert [q.answers for q in election.questions] == [tuple(CANDIDATES), ("For", "Against", "Abstain")]
    first = _cast(w, w.voters[0], VOTES[0])
    assert first.status_code == 201, first.content
    for voter, vote in zip(w.voters[1:], VOTES[1:], strict=True):
        assert _cast(w, voter, vote).status_code == 201
    second = _cast(w, w.voters[0], REVOTE)
    assert second.status_code == 201
    box = APIClient().get(f"/api/ballots/{w.ballot.pk}/verifiable/box/").json()
    assert len(box["trackers"]) == len(VOTES) and box["next_after"] is None
    assert second.json()["tracker"] in box["trackers"] and first.json()["tracker"] not in box["trackers"]
    assert box["trackers"] == sorted(box["trackers"])
    assert Participation.objects.filter(ballot=w.ballot).count() == len(VOTES)

    _close_and_shuffle(w)
    assert not OutboxEmail.objects.filter(body_text__contains="Your credential").exists()  # blanked at the close
    late = _cast(w, w.voters[1], VOTES[1])
    assert late.status_code == 409 and late.json()["code"] == "ballot_not_open"

    # Trustee 1 shuffles the server's shuffle again (as their device would, with the core).
    election_row = w.ballot.verifiable
    server_shuffle = election_row.shuffle_rows.get()
    theirs = shuffle(election, read_shuffle(server_shuffle.text).ciphertexts)
    response = _api(w.trustees[0]).post(
        f"/api/ballots/{w.ballot.pk}/verifiable/trustee/shuffle/", {"shuffle": theirs}, format="json"
    )
    assert response.status_code == 201, response.content
    ended = _api(w.ballot.returning_officer).post(f"/api/ballots/{w.ballot.pk}/verifiable/shuffles/end/")
    assert ended.status_code == 200, ended.content

    election_row.refresh_from_db()
    parsed, tally = decryption_input(election_row)
    with django_capture_on_commit_callbacks(execute=True):
        for person, (private, _) in zip(w.trustees, w.keys, strict=True):
            response = _api(person).post(
                f"/api/ballots/{w.ballot.pk}/verifiable/trustee/decryption/",
                {"partial_decryption": partial_decryption(parsed, private, tally)},
                format="json",
            )
            assert response.status_code == 201, response.content
    w.ballot.refresh_from_db()
    assert w.ballot.state == Ballot.State.COUNTED

    cast = [REVOTE, *VOTES[1:]]
    ids = [o.pk for o in w.election_q.options.order_by("position")]
    papers = Counter(
        tuple(p) for p in BallotPaper.objects.filter(question=w.election_q).values_list("content", flat=True)
    )
    assert papers == Counter(tuple(ranking_from_ranks(ids, v[0])) for v in cast)
    assert papers[()] == 1  # the equal ranks: void
    result = Result.objects.get(question=w.election_q)
    assert result.papers_counted == len(VOTES)
    # The recount from the decrypted papers reproduces the stored count sheet.
    sheet, _, winners = tallying.question_count(question=w.election_q, electorate=len(VOTES), seed=int(result.seed))
    assert sheet == result.count_sheet and winners == result.winners
    motion = Result.objects.get(question=w.motion_q)
    tallied = Counter(
        c for c in ["For", "Against", "Abstain"] for v in cast if v[1][["For", "Against", "Abstain"].index(c)]
    )
    assert (motion.count_sheet["votes_for"], motion.count_sheet["votes_against"]) == (
        tallied["For"],
        tallied["Against"],
    )

    lifecycle.ballot_declare(ballot_id=w.ballot.pk)
    download = APIClient().get(f"/api/ballots/{w.ballot.pk}/verifiable/board.bel")
    assert download.status_code == 200
    directory = tmp_path / "board"
    directory.mkdir()
    path = directory / f"{election.uuid}.bel"
    path.write_bytes(download.content)
    done = run(["election", "verify", "--dir", "."], directory)
    assert done.returncode == 0, done.stderr
    assert "all checks passed" in done.stderr
    board = read_board(path)
    assert len(board.ballots) == len(VOTES) and len(board.shuffles) == 2
    election_row.refresh_from_db()
    revealed = json.loads(election_row.result)["result"][0]
    assert Counter(tuple(r) for r in revealed) == Counter(tuple(v[0]) for v in cast)


def test_tampered_ballots_are_refused_with_their_reasons(world: World) -> None:
    w = world
    election = _election(w)
    url = f"/api/ballots/{w.ballot.pk}/verifiable/ballots/"
    good = create_ballot(election, w.credentials[w.voters[0].pk], VOTES[0])
    data = json.loads(good)
    data["answers"][0]["choices"]["beta"] = str(int(data["answers"][0]["choices"]["beta"]) * 4 % election.group.p)
    changed = _api(w.voters[0]).post(url, {"ballot": json.dumps(data, separators=(",", ":"))}, format="json")
    assert changed.status_code == 400 and changed.json()["code"] == "bad_signature"

    other = create_ballot(election, w.credentials[w.voters[1].pk], VOTES[1])
    swapped = dict(data, credential=json.loads(other)["credential"])
    replayed = _api(w.voters[0]).post(url, {"ballot": json.dumps(swapped, separators=(",", ":"))}, format="json")
    assert replayed.status_code == 400 and replayed.json()["code"] == "bad_signature"

    assert _api(w.voters[0]).post(url, {"ballot": good}, format="json").status_code == 201
    again = _api(w.voters[1]).post(url, {"ballot": good}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate_ballot"

    from ballots.verifiable.setup_texts import new_credential

    stranger = create_ballot(election, new_credential(), VOTES[2])
    unknown = _api(w.voters[2]).post(url, {"ballot": stranger}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_credential"
    assert _api(w.voters[2]).post(url, {"ballot": "not json"}, format="json").json()["code"] == "malformed"
    assert VerifiableBallot.objects.count() == 1

    # A re-vote replaces the first ballot, which stays spent: sending it again
    # (it was on the public board) must not undo the re-vote.
    revote = create_ballot(election, w.credentials[w.voters[0].pk], VOTES[1])
    assert _api(w.voters[0]).post(url, {"ballot": revote}, format="json").status_code == 201
    undo = _api(w.voters[2]).post(url, {"ballot": good}, format="json")
    assert undo.status_code == 409 and undo.json()["code"] == "duplicate_ballot"
    assert VerifiableBallot.objects.get().text == revote

    with pytest.raises(DomainError) as plain:
        vote_cast(
            ballot_id=w.ballot.pk, voter=w.voters[3], answers={w.motion_q.pk: [w.motion_q.options.get(choice="for").pk]}
        )
    assert plain.value.code == "ballot_is_verifiable"


def test_a_bad_shuffle_and_a_wrong_decryption_are_refused(world: World) -> None:
    w = world
    for voter, vote in zip(w.voters[:3], VOTES[:3], strict=True):
        assert _cast(w, voter, vote).status_code == 201
    _close_and_shuffle(w)
    election = _election(w)
    row = w.ballot.verifiable
    data = json.loads(shuffle(election, read_shuffle(row.shuffle_rows.get().text).ciphertexts))
    s = data["proofs"][0][1]
    s[0] = str((int(s[0]) + 1) % election.group.q)
    with pytest.raises(DomainError) as bad:
        verifiable_shuffle_upload(ballot_id=w.ballot.pk, actor=w.trustees[0], shuffle_text=json.dumps(data))
    assert bad.value.code == "shuffle_bad_permutation_commitment"

    verifiable_shuffles_end(ballot_id=w.ballot.pk, actor=w.ballot.returning_officer)
    row.refresh_from_db()
    parsed, tally = decryption_input(row)
    wrong = partial_decryption(parsed, w.keys[1][0], tally)  # trustee 2's share, sent by trustee 1
    with pytest.raises(DomainError) as refused:
        verifiable_decryption_upload(ballot_id=w.ballot.pk, actor=w.trustees[0], partial_decryption=wrong)
    assert refused.value.code == "bad_partial_decryption"
    row.refresh_from_db()
    assert not row.trustee_rows.exclude(partial_decryption="").exists()


def test_setup_refusals(world: World) -> None:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    people = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    with pytest.raises(DomainError) as threshold:
        verifiable_enable(ballot_id=ballot.pk, actor=ballot.returning_officer, trustees=people, threshold=4)
    assert threshold.value.code == "threshold_invalid"
    verifiable_enable(ballot_id=ballot.pk, actor=ballot.returning_officer, trustees=people)
    _, pubkey = trustee_key()
    forged = dict(json.loads(pubkey), public_key=json.loads(trustee_key()[1])["public_key"])
    with pytest.raises(DomainError) as key:
        trustee_key_upload(ballot_id=ballot.pk, actor=people[0], public_key=json.dumps(forged))
    assert key.value.code == "invalid_trustee_key"
    with pytest.raises(DomainError) as not_trustee:
        trustee_key_upload(ballot_id=ballot.pk, actor=world.voters[0], public_key=pubkey)
    assert not_trustee.value.code == "not_trustee"
    motion_question(ballot)
    from ballots.services.setup import ballot_ready_problems

    assert any("Trustees have not uploaded their keys" in p for p in ballot_ready_problems(ballot=ballot))


def test_a_shuffle_overtaken_while_it_was_checked_is_refused(world: World, monkeypatch) -> None:
    """The slow check runs before the lock; a shuffle stored meanwhile makes the checked one stale."""
    from ballots.models import VerifiableShuffle
    from ballots.services import verifiable_tally
    from core.errors import Conflict

    w = world
    for voter, vote in zip(w.voters[:3], VOTES[:3], strict=True):
        assert _cast(w, voter, vote).status_code == 201
    _close_and_shuffle(w)
    election = _election(w)
    row = w.ballot.verifiable
    server_output = read_shuffle(row.shuffle_rows.get().text).ciphertexts
    mine, theirs = shuffle(election, server_output), shuffle(election, server_output)
    real_check = verifiable_tally.check_shuffle

    def check_while_trustee_2_lands(*args: Any) -> Any:
        verdict = real_check(*args)
        VerifiableShuffle.objects.create(election=row, position=2, owner=2, text=theirs)
        return verdict

    monkeypatch.setattr(verifiable_tally, "check_shuffle", check_while_trustee_2_lands)
    with pytest.raises(Conflict) as stale:
        verifiable_shuffle_upload(ballot_id=w.ballot.pk, actor=w.trustees[0], shuffle_text=mine)
    assert stale.value.code == "not_shuffling" and "while yours was checked" in str(stale.value)
    assert list(row.shuffle_rows.order_by("position").values_list("owner", flat=True)) == [0, 2]


def test_each_partial_decryption_is_checked_once(world: World, monkeypatch) -> None:
    """At its upload, not again when the last one in decrypts the result (each check costs seconds per
    thousand ballots)."""
    from ballots.services import verifiable_tally
    from ballots.verifiable import tally as tally_module

    w = world
    for voter, vote in zip(w.voters[:3], VOTES[:3], strict=True):
        assert _cast(w, voter, vote).status_code == 201
    _close_and_shuffle(w)
    verifiable_shuffles_end(ballot_id=w.ballot.pk, actor=w.ballot.returning_officer)
    row = w.ballot.verifiable
    row.refresh_from_db()
    parsed, tally = decryption_input(row)
    checked: list[int] = []
    real_check = verifiable_tally.check_partial_decryption

    def counted(*args: Any) -> bool:
        checked.append(args[1])
        return real_check(*args)

    monkeypatch.setattr(verifiable_tally, "check_partial_decryption", counted)
    monkeypatch.setattr(tally_module, "check_partial_decryption", counted)
    for person, (private, _) in zip(w.trustees, w.keys, strict=True):
        verifiable_decryption_upload(
            ballot_id=w.ballot.pk, actor=person, partial_decryption=partial_decryption(parsed, private, tally)
        )
    row.refresh_from_db()
    assert row.result and len(checked) == 2 and len(set(checked)) == 2

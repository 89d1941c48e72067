"""The close's bulk path on PostgreSQL: papers sealed by votes (``v3``),
papers left by older code (``v2``, stored in the clear, trackers in their
own table) and a second question all come out of one close as the papers
and trackers that went in, shuffled and with fresh ids."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from collections import Counter

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection

from ballots.models import BallotPaper, Participation, Tracker
from ballots.services import lifecycle
from ballots.services.casting import receipt_tracker, vote_cast
from ballots.services.storage import paper_table, participation_table, tracker_table
from tests.factories import BallotFactory, MembershipFactory, election_question, motion_question, option

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk close is PostgreSQL's"),
]


def _v2(ballot_id: int, question_id: int, content: list[int], tracker: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), f"agora:ballot-papers:{ballot_id}".encode(), hashlib.sha256).digest()
    nonce = os.urandom(12)
    plain = json.dumps({"c": content, "t": tracker}, separators=(",", ":")).encode().ljust(200)
    sealed = AESGCM(key).encrypt(nonce, plain, f"{ballot_id}:{question_id}".encode())
    return "v2:" + base64.b64encode(nonce + sealed).decode()


def test_every_stored_form_comes_out_of_one_close() -> None:
    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(12)]
    election = election_question(ballot, ["Ann", "Bob", "Cat", "Dan"])
    motion = motion_question(ballot)
    ids = [option(election, name).pk for name in ["Ann", "Bob", "Cat", "Dan"]]
    motion_ids = list(motion.options.values_list("pk", flat=True))
    lifecycle.ballot_open(ballot_id=ballot.pk)

    expected: Counter[tuple[int, str]] = Counter()
    trackers = []
    for i, voter in enumerate(voters[:9]):
        ranking = [ids[i % 4], ids[(i + 1) % 4]][: 1 + i % 2]
        answers = {election.pk: ranking, motion.pk: [motion_ids[i % len(motion_ids)]]}
        trackers.append(receipt_tracker(vote_cast(ballot_id=ballot.pk, voter=voter, answers=answers).receipt))
        expected[(election.pk, json.dumps(ranking))] += 1
        expected[(motion.pk, json.dumps([motion_ids[i % len(motion_ids)]]))] += 1
    # Rows as older code left them: a v2 paper carrying its tracker, a paper
    # in the clear and its tracker in the trackers' table.
    old_tracker, loose_tracker = "ab" * 32, "cd" * 32
    with connection.cursor() as cursor:
        for content, stored in (
            ([ids[3], ids[2], ids[1]], json.dumps(_v2(ballot.pk, election.pk, [ids[3], ids[2], ids[1]], old_tracker))),
            ([ids[0], ids[3]], json.dumps([ids[0], ids[3]])),
        ):
            cursor.execute(
                f"INSERT INTO {paper_table(ballot.pk)} (ballot_id, question_id, content) VALUES (%s, %s, %s::jsonb)",  # noqa: S608
                [ballot.pk, election.pk, stored],
            )
            expected[(election.pk, json.dumps(content))] += 1
        cursor.execute(
            f"INSERT INTO {tracker_table(ballot.pk)} (ballot_id, tracker) VALUES (%s, %s)",  # noqa: S608
            [ballot.pk, loose_tracker],
        )
    assert not BallotPaper.objects.filter(question__ballot=ballot).exists()

    lifecycle.ballot_close(ballot_id=ballot.pk)

    stored_papers = list(
        BallotPaper.objects.filter(question__ballot=ballot).values_list("id", "question_id", "content")
    )
    assert Counter((q, json.dumps(c)) for _, q, c in stored_papers) == expected
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk, _, _ in stored_papers)
    stored_trackers = list(Tracker.objects.filter(ballot=ballot).values_list("tracker", flat=True))
    assert sorted(stored_trackers) == sorted([*trackers, old_tracker, loose_tracker])
    assert Participation.objects.filter(ballot=ballot).count() == 9
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [participation_table(ballot.pk)])
        assert cursor.fetchone()[0] is None, "the ballot's own tables are gone"


def test_a_close_with_no_votes_writes_nothing() -> None:
    ballot = BallotFactory()
    election_question(ballot, ["Ann", "Bob"])
    lifecycle.ballot_open(ballot_id=ballot.pk)
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert not BallotPaper.objects.filter(question__ballot=ballot).exists()
    assert not Tracker.objects.filter(ballot=ballot).exists()

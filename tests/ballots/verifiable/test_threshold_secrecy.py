"""Secrecy of a threshold ballot against t - 1 trustees holding everything else.

The attacker has: a full dump of the database (``pg_dump`` of the test
database, taken after the count), the ``SECRET_KEY``, every log record of
the run, and the seeds (``.key`` files: all their private keys) of
``t - 1`` trustees of a 3-of-4 ballot. They are also granted, for free,
the link the stated trust model concedes: which ballot (ciphertext) each
voter cast, as the database's bookkeeping or a credential authority could
know it. What must stay out of reach is the link from a voter to a
*decrypted* paper.

Everything the attack uses is read from the dump text (``_Dump`` parses its
``COPY`` blocks); it then tries every key it can build from what it opens
(each share, every Lagrange interpolation of any subset of its shares,
their sum, the ``SECRET_KEY``) against every stored ciphertext. A control
runs the same attack with ``t`` shares and must read every voter's vote:
so if ``t - 1`` shares sufficed (a polynomial of too low a degree, a share
left readable), the attack would succeed and this test would fail.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from ballots.models import Ballot, Question
from ballots.services import lifecycle, tallying
from ballots.services.verifiable_tally import decryption_input
from ballots.verifiable import threshold as th
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.election import Election, NonHomomorphicQuestion, read_election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import Group
from core.models import OutboxEmail
from tests.ballots.verifiable.test_threshold_mode import CREDENTIAL, _api, _ceremony, _post, run_ceremony
from tests.factories import BallotFactory, MembershipFactory, election_question, motion_question

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump dumps PostgreSQL"),
]

T, N = 3, 4
CORRUPT = (2, 4)  # the t - 1 trustees whose seeds the attacker holds
HONEST_DECRYPTING = 1  # with the corrupt ones, the t who decrypt at the count
VOTES = [
    [[1, 2, 3], [1, 0, 0]],
    [[2, 1, 0], [0, 1, 0]],
    [[0, 1, 2], [1, 0, 0]],
    [[3, 1, 2], [0, 0, 1]],
    [[1, 0, 0], [0, 1, 0]],
]


# --- What the attacker reads: the dump --------------------------------------------------------------------

_COPY = re.compile(r"^COPY public\.(\w+) \(([^)]*)\) FROM stdin;$")
_ESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def _unescape(field: str) -> str | None:
    if field == "\\N":
        return None
    return re.sub(r"\\[\\tnr]", lambda m: _ESCAPES[m.group(0)], field)


class _Dump:
    """The rows of every table in a ``pg_dump`` text, by table and column name."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tables: dict[str, list[dict[str, str | None]]] = {}
        lines = iter(text.splitlines())
        for line in lines:
            match = _COPY.match(line)
            if not match:
                continue
            columns = [c.strip().strip('"') for c in match.group(2).split(",")]
            rows = self.tables.setdefault(match.group(1), [])
            for row in lines:
                if row == "\\.":
                    break
                rows.append(dict(zip(columns, (_unescape(f) for f in row.split("\t")), strict=True)))

    def rows(self, table: str) -> list[dict[str, str | None]]:
        return self.tables.get(table, [])


def _pg_dump() -> str:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    args += ["-U", db["USER"], db["NAME"]]
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- The attack ---------------------------------------------------------------------------------------------


def _candidate_keys(group: Group, shares: dict[int, int], extra: Iterable[int]) -> set[int]:
    """Every private key one could try from these shares: each, any subset interpolated at 0, their sum."""
    keys = set(extra) | set(shares.values()) | {sum(shares.values()) % group.q}
    for size in range(1, len(shares) + 1):
        for subset in itertools.combinations(sorted(shares), size):
            keys.add(sum(shares[j] * th.lagrange(group, subset, j) for j in subset) % group.q)
    return keys


def _readings(election: Election, key: int, ballot_text: str) -> list[object] | None:
    """The ballot's plaintexts under ``key``, or None if any ciphertext decrypts to no possible plaintext."""
    group = election.group
    p = group.p
    out: list[object] = []
    answers = json.loads(ballot_text)["answers"]
    for question, answer in zip(election.questions, answers, strict=True):
        choices = answer["choices"]
        if isinstance(question, NonHomomorphicQuestion):
            m = int(choices["beta"]) * pow(pow(int(choices["alpha"]), key, p), -1, p) % p
            embedding = group.embedding
            assert embedding is not None
            if m.bit_length() > question.width * embedding.bits_per_int + embedding.padding:
                return None
            from ballots.verifiable.nonhomomorphic import decode

            out.append(list(decode(group, question.width, m)))
            continue
        row = []
        for c in choices:
            m = int(c["beta"]) * pow(pow(int(c["alpha"]), key, p), -1, p) % p
            if m not in (1, group.g):
                return None
            row.append(0 if m == 1 else 1)
        out.append(row)
    return out


def _attack(election: Election, keys: set[int], linked: dict[int, str]) -> dict[int, list[object]]:
    """For each voter (whose ballot the attacker was granted), the vote some candidate key reads, if any."""
    read = {}
    for voter, ballot_text in linked.items():
        for key in keys:
            plain = _readings(election, key, ballot_text)
            if plain is not None:
                read[voter] = plain
                break
    return read


def _opened_shares(group: Group, dump: _Dump, seeds: dict[int, str], certs: Sequence[th.Certificate]) -> dict[int, int]:
    """Open, with the given seeds, every sealed key share in the dump that will open."""
    rows = {int(str(r["position"])): r for r in dump.rows("ballots_verifiabletrustee")}
    shares = {}
    for position, row in rows.items():
        sealed = json.loads(str(row["voutput"]))["private_key"]
        for seed in seeds.values():
            try:
                shares[position] = th.decryption_key(group, seed, certs, sealed)
            except FormatError:
                continue
    return shares


def test_t_minus_one_trustees_with_the_database_cannot_read_any_vote(caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    election_question(ballot, ["Ann", "Bob", "Cat"], method=Question.Method.IRV)
    motion_question(ballot)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in VOTES]
    trustees = [MembershipFactory(unit=ballot.unit).person for _ in range(N)]
    enabled = _api(ballot.returning_officer).post(
        f"/api/ballots/{ballot.pk}/verifiable/enable/",
        # The record public: the attacker holds everything an observer could.
        {"trustees": [t.email for t in trustees], "threshold": T, "record_access": "public"},
        format="json",
    )
    assert enabled.status_code == 201, enabled.content
    seeds = run_ceremony(ballot, trustees, T)
    lifecycle.ballot_schedule(ballot_id=ballot.pk)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    election = read_election(ballot.verifiable.election)
    credentials, cast = {}, {}
    for voter, vote in zip(voters, VOTES, strict=True):
        mail = OutboxEmail.objects.get(recipient=voter, key__startswith=f"verifiable-credential:{ballot.pk}:")
        credentials[voter.pk] = CREDENTIAL.search(mail.body_text).group(1)  # type: ignore[union-attr]
        cast[voter.pk] = create_ballot(election, credentials[voter.pk], vote)
        response = _api(voter).post(
            f"/api/ballots/{ballot.pk}/verifiable/ballots/", {"ballot": cast[voter.pk]}, format="json"
        )
        assert response.status_code == 201, response.content
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert tallying.ballot_tally(ballot_id=ballot.pk).startswith("awaiting")
    assert _api(ballot.returning_officer).post(f"/api/ballots/{ballot.pk}/verifiable/shuffles/end/").status_code == 200
    row = ballot.verifiable
    row.refresh_from_db()
    parsed, tally = decryption_input(row)
    with django_capture_on_commit_callbacks(execute=True):
        for position in sorted((*CORRUPT, HONEST_DECRYPTING)):
            person = trustees[position - 1]
            view = _ceremony(person, ballot)
            certs = th.read_certificates(parsed.group, view["certificates"])
            text = th.threshold_partial_decryption(parsed, seeds[person.pk], certs, view["sealed_key"], tally)
            assert _post(person, ballot, "decryption", {"partial_decryption": text}).status_code == 201
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    assert APIClient().get(f"/api/ballots/{ballot.pk}/verifiable/board.bel").status_code == 200

    # --- The attacker's material ---------------------------------------------------------------------------
    dump = _Dump(_pg_dump())
    logs = caplog.text + "\n".join(json.dumps(r.__dict__, default=str) for r in caplog.records)
    by_position = {i: seeds[t.pk] for i, t in enumerate(trustees, 1)}
    stolen = {j: by_position[j] for j in CORRUPT}
    (election_row,) = dump.rows("ballots_verifiableelection")
    dumped = read_election(str(election_row["election"]))
    group = dumped.group
    certs = th.read_certificates(
        group,
        [
            str(r["certificate"])
            for r in sorted(dump.rows("ballots_verifiabletrustee"), key=lambda r: int(str(r["position"])))
        ],
    )
    secret_key_number = int.from_bytes(hashlib.sha256(settings.SECRET_KEY.encode()).digest(), "big") % group.q
    # Granted: which stored ballot each voter cast (the dump holds the ballots; the test knows whose is whose).
    stored = {str(r["text"]) for r in dump.rows("ballots_verifiableballot")}
    assert set(cast.values()) <= stored
    linked = dict(cast)

    # 1. The stolen seeds open exactly their own sealed shares, no one else's.
    shares = _opened_shares(group, dump, stolen, certs)
    assert sorted(shares) == sorted(CORRUPT)

    # 2. No key built from them is the election's key, and none reads any ballot.
    candidates = _candidate_keys(group, shares, [secret_key_number])
    assert all(pow(group.g, k, group.p) != dumped.public_key for k in candidates)
    assert _attack(dumped, candidates, linked) == {}

    # 3. Control: the same attack with t shares (one more than the attacker has) reads every vote.
    everyone = _opened_shares(group, dump, {**stolen, HONEST_DECRYPTING: by_position[HONEST_DECRYPTING]}, certs)
    read = _attack(dumped, _candidate_keys(group, everyone, []), linked)
    assert read == dict(zip([v.pk for v in voters], VOTES, strict=True))

    # 4. No secret the attacker lacks is stored or logged: honest seeds, honest shares, the election's private
    #    key, any voter's secret credential (e-mailed, then blanked at the close).
    full_key = sum(everyone[j] * th.lagrange(group, sorted(everyone), j) for j in everyone) % group.q
    assert pow(group.g, full_key, group.p) == dumped.public_key
    honest_seeds = [s for j, s in by_position.items() if j not in CORRUPT]
    honest_shares = [str(everyone[HONEST_DECRYPTING])]
    for secret in [*honest_seeds, *honest_shares, str(full_key), *credentials.values()]:
        assert secret not in dump.text and secret not in logs

    # 5. No table pairs a member with a ballot: the tables holding ballots, trackers or public credentials
    #    have no column naming a member, and no log record names a tracker.
    ballot_marks = {str(r["tracker"]) for r in dump.rows("ballots_verifiableballot")}
    ballot_marks |= {str(r["credential"]) for r in dump.rows("ballots_verifiableballot")}
    holding = {
        name
        for name, rows in dump.tables.items()
        if any(m in str(v) for r in rows for v in r.values() for m in ballot_marks)
    }
    assert "ballots_verifiableballot" in holding
    member_tables = _tables_naming_members()
    assert not holding & member_tables, holding & member_tables
    assert not any(m in logs for m in ballot_marks)


def _tables_naming_members() -> set[str]:
    """Tables with a foreign key to the members' table (who someone is)."""
    user_table = _user_table()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.confrelid = %s::regclass",
            [user_table],
        )
        return {name.strip('"') for (name,) in cursor.fetchall()}


def _user_table() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table

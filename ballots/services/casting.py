"""Casting a vote: the one service the web form and the API both call.

No Celery, no e-mail and no logging of content on this path: voting keeps
working when Redis is down. While the ballot is open a vote's participation
and papers share a transaction, so a database reader can pair them; the
papers are encrypted under a key the database never holds
(``paper_crypto.py``), and closing drops that storage
(``storage.py``).

This is the hot path of a ballot (everyone votes in the last hour), so it
is written for speed: the rules of each question are read once per process
per opening (they cannot change while a ballot is open), and on PostgreSQL a
vote is one call of a prepared statement: the ``ballots_cast_vote`` function
(migration 0004) checks and writes the whole vote in one round trip. SQLite,
the embedded default, runs the same checks and inserts statement by
statement inside one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ballots.error_codes import BallotErrorCode as Code
from ballots.error_codes_verifiable import VerifiableErrorCode
from ballots.models import Ballot, Option, Participation, PendingPaper, Question, RollEntry, VerifiableElection
from ballots.services.paper_crypto import paper_encrypt, paper_size
from core.db import prepared_cursor
from core.errors import Conflict, DomainError, NotFound, NotPermitted

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class CastReceipt:
    receipt: str
    replayed: bool = False


def receipt_tracker(receipt: str) -> str:
    """The published form of a receipt: its SHA-256, so the list of trackers
    proves inclusion without revealing any receipt."""
    normalised = receipt.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _key_hash(idempotency_key: str) -> str:
    return hashlib.sha256(b"idempotency:" + idempotency_key.encode()).hexdigest()


# The receipt kept for a retried request is sealed with a key only the client
# holds: ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from its
# idempotency key, with a random nonce stored beside the ciphertext, bound to
# the ballot and voter (associated data) so a seal moved to another row does
# not open. A changed seal fails its tag and the retry is refused as a second
# vote, never answered with a wrong receipt. The receipt is sealed as its 10
# random bytes, so every seal has the same length (``SEAL_LENGTH``) whatever
# the vote: nothing about a vote shows in its participation row.
SEAL_VERSION = "2."
_SEAL_NONCE_BYTES = 12
_RECEIPT_BYTES = 10
SEAL_LENGTH = len(SEAL_VERSION) + len(
    base64.urlsafe_b64encode(bytes(_SEAL_NONCE_BYTES + _RECEIPT_BYTES + 16)).rstrip(b"=")
)


def _seal_key(idempotency_key: str) -> ChaCha20Poly1305:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"agora receipt seal v2").derive(idempotency_key.encode())
    return ChaCha20Poly1305(key)


def _seal_context(ballot_id: int, voter_id: int) -> bytes:
    return f"ballot {ballot_id} voter {voter_id}".encode()


def _seal(receipt: str, idempotency_key: str, *, ballot_id: int, voter_id: int) -> str:
    nonce = secrets.token_bytes(_SEAL_NONCE_BYTES)
    sealed = _seal_key(idempotency_key).encrypt(nonce, _receipt_bytes(receipt), _seal_context(ballot_id, voter_id))
    return SEAL_VERSION + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()


def _unseal_v1(sealed: str, idempotency_key: str) -> str:
    """Seals written before version 2: the receipt XORed with a SHA-256 pad of
    the key, unauthenticated. Kept for a retry of a vote cast before the
    upgrade while its ballot stays open; a seal is read only by a retry, so
    this can go once no ballot opened before the upgrade is open."""
    data = bytes.fromhex(sealed)
    pad = hashlib.sha256(b"receipt-seal:" + idempotency_key.encode()).digest()[: len(data)]
    return bytes(a ^ b for a, b in zip(data, pad, strict=True)).decode()


def _unseal(sealed: str, idempotency_key: str, *, ballot_id: int, voter_id: int) -> str:
    """The receipt ``_seal`` sealed, or ``already_voted`` when the seal does
    not open with this key for this ballot and voter (changed, or not theirs)."""
    try:
        if not sealed.startswith(SEAL_VERSION):
            return _unseal_v1(sealed, idempotency_key)
        if len(sealed) != SEAL_LENGTH:
            raise ValueError("not a seal")
        body = sealed[len(SEAL_VERSION) :]
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        nonce, ciphertext = data[:_SEAL_NONCE_BYTES], data[_SEAL_NONCE_BYTES:]
        plain = _seal_key(idempotency_key).decrypt(nonce, ciphertext, _seal_context(ballot_id, voter_id))
        return _receipt_from_bytes(plain)
    except (InvalidTag, ValueError, UnicodeDecodeError):
        raise _already_voted() from None


_FROM_BASE32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", RECEIPT_ALPHABET.encode())
_TO_BASE32 = bytes.maketrans(RECEIPT_ALPHABET.encode(), b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _receipt_from_bytes(raw: bytes) -> str:
    if len(raw) != _RECEIPT_BYTES:
        raise ValueError("a receipt is 10 bytes")
    text = base64.b32encode(raw).translate(_FROM_BASE32).decode()
    return f"{text[:4]}-{text[4:8]}-{text[8:12]}-{text[12:]}"


def _receipt_bytes(receipt: str) -> bytes:
    return base64.b32decode(receipt.replace("-", "").encode().translate(_TO_BASE32))


def _new_receipt() -> str:
    """16 characters, 80 random bits: base32 of 10 random bytes, spelt in an
    alphabet without the look-alikes I/1 and O/0."""
    return _receipt_from_bytes(secrets.token_bytes(_RECEIPT_BYTES))


@dataclass(frozen=True)
class PaperRules:
    """What a valid paper for one question looks like."""

    question_id: int
    title: str
    method: str
    seats: int
    options: frozenset[int]


def paper_validate(*, rules: PaperRules, content: Any) -> list[int]:
    """Check a paper against its question and return it normalised: a list of
    option ids (a ranking for ranked methods, a choice otherwise)."""
    title = rules.title
    if not isinstance(content, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in content):
        raise DomainError(Code.INVALID_PAPER, f"“{title}”: the answer must be a list of option ids.")
    unknown = [x for x in content if x not in rules.options]
    if unknown:
        raise DomainError(Code.INVALID_PAPER, f"“{title}”: {unknown[0]} is not an option of this question.")
    if len(set(content)) != len(content):
        raise DomainError(Code.INVALID_PAPER, f"“{title}”: an option is marked more than once.")
    if not content:
        raise DomainError(Code.INVALID_PAPER, f"“{title}”: choose at least one option.")
    if rules.method == Question.Method.MOTION and len(content) != 1:
        raise DomainError(Code.INVALID_PAPER, f"“{title}”: choose exactly one of for, against, abstain.")
    if rules.method == Question.Method.PLURALITY and len(content) > rules.seats:
        raise DomainError(Code.INVALID_PAPER, f"“{title}”: choose at most {rules.seats} (got {len(content)}).")
    return list(content)


@lru_cache(maxsize=256)
def _ballot_rules(ballot_id: int, opened: object) -> tuple[PaperRules, ...]:
    """The rules of every question of an open ballot. Keyed by the moment the
    roll was frozen, so a ballot re-opened after changes is read afresh."""
    del opened
    if VerifiableElection.objects.filter(ballot_id=ballot_id).exists():  # once per opening: cached below
        raise DomainError(VerifiableErrorCode.IS_VERIFIABLE, "This is a verifiable ballot: vote with your credential.")
    options: dict[int, set[int]] = {}
    for question_id, option_id in Option.objects.filter(question__ballot_id=ballot_id, withdrawn=False).values_list(
        "question_id", "pk"
    ):
        options.setdefault(question_id, set()).add(option_id)
    return tuple(
        PaperRules(question_id=q_id, title=title, method=method, seats=seats, options=frozenset(options.get(q_id, ())))
        for q_id, title, method, seats in Question.objects.filter(ballot_id=ballot_id)
        .order_by("position", "id")
        .values_list("pk", "title", "method", "seats")
    )


def _open_ballot_state(ballot_id: int) -> tuple[str, object, Any]:
    """(state, roll_frozen_at, closes_at) of a ballot.

    On PostgreSQL this only finds the rules to check a paper against; the
    vote function checks state and opening again under the ballot's lock.
    On SQLite it runs inside the vote's transaction, which ``BEGIN
    IMMEDIATE`` serialises with every other writer, closing included."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT state, roll_frozen_at, closes_at FROM {Ballot._meta.db_table} WHERE id = %s",  # noqa: S608
            [ballot_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(Code.NOT_FOUND, "There is no such ballot.")
    closes_at = row[2]
    if isinstance(closes_at, str):  # SQLite without a declared-type converter
        closes_at = dt.datetime.fromisoformat(closes_at)
    if closes_at.tzinfo is None:  # SQLite stores UTC without an offset
        closes_at = closes_at.replace(tzinfo=dt.UTC)
    return row[0], row[1], closes_at


def _write_vote(*, ballot_id: int, voter_id: int, key_hash: str, sealed: str, papers: list[tuple[int, str]]) -> None:
    """Insert the participation and the sealed papers, the tracker inside
    them (the embedded SQLite path; PostgreSQL does all of a vote in
    ``VOTE_SQL``).

    Unique (ballot, voter) on the participation turns a second vote into an
    ``IntegrityError``, rolled back with everything else."""

    def new_id() -> str:
        return uuid.uuid4().hex  # how Django stores a UUIDField on SQLite

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Participation._meta.db_table} (ballot_id, voter_id, idempotency_key_hash, sealed_receipt) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [ballot_id, voter_id, key_hash, sealed],
        )
        values = ", ".join(["(%s, %s, %s, %s)"] * len(papers))
        params: list[Any] = []
        for question_id, sealed_paper in papers:
            params += [new_id(), ballot_id, question_id, json.dumps(sealed_paper)]
        cursor.execute(
            f"INSERT INTO {PendingPaper._meta.db_table} (id, ballot_id, question_id, content) VALUES {values}",  # noqa: S608
            params,
        )


_OPEN_RULES: dict[int, tuple[object, tuple[PaperRules, ...]]] = {}
"""PostgreSQL path: rules of ballots seen open, with the moment they opened.
A ballot's questions and options cannot change once it is open, and the
vote statement re-checks that moment, so an entry can never be stale."""

VOTE_SQL = (
    "SELECT state, opened, on_roll, inserted, voted_key_hash, voted_sealed, closes, too_late FROM ballots_cast_vote("
    "%(ballot)s, %(opened)s, %(voter)s, %(key_hash)s, %(sealed)s, %(papers)s, %(tracker)s)"
)
"""The vote on PostgreSQL: ``ballots_cast_vote`` (migrations 0005, 0009)
takes the ballot's shared lock; checks state, opening, roll and the closing
time by the database's clock; if the member has voted it returns that
vote's idempotency-key hash and sealed receipt; otherwise it inserts the
participation and the sealed papers, the tracker inside the first (into
the ballot's own tables, ``services/storage.py``). One round trip,
whatever the outcome."""


def _execute_vote(params: dict[str, Any]) -> tuple[Any, ...]:
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), prepared_cursor() as cursor:
        cursor.execute(VOTE_SQL, params)
        return cursor.fetchone()  # type: ignore[no-any-return]


def voting_closed_message(closes_at: dt.datetime) -> str:
    local = timezone.localtime(closes_at)
    return f"Voting closed at {local:%H:%M} on {local.day} {local:%B %Y} ({local.tzname()})."


def _not_open(state: str, closes_at: dt.datetime | None = None) -> Conflict:
    if closes_at is not None and state in {Ballot.State.OPEN, Ballot.State.CLOSED, Ballot.State.COUNTED}:
        return Conflict(Code.NOT_OPEN, voting_closed_message(closes_at))
    if state == Ballot.State.DECLARED and closes_at is not None:
        return Conflict(Code.NOT_OPEN, voting_closed_message(closes_at))
    label = Ballot.State(state).label.lower()
    return Conflict(Code.NOT_OPEN, f"This ballot is not open for voting (it is {label}).")


def _not_on_roll() -> NotPermitted:
    return NotPermitted(Code.NOT_ON_ROLL, "You are not on the roll of voters for this ballot.")


@lru_cache(maxsize=256)
def _paper_size(rules: tuple[PaperRules, ...]) -> int:
    return paper_size(r.options for r in rules)


def _sealed_papers(
    *, ballot_id: int, rules: tuple[PaperRules, ...], papers: list[tuple[int, list[int]]], receipt: str
) -> list[tuple[int, str]]:
    """Every paper encrypted and padded to the ballot's one size; the first
    carries the vote's tracker, which is stored nowhere else while the
    ballot is open (``paper_crypto.py``)."""
    size = _paper_size(rules)
    tracker = receipt_tracker(receipt)
    return [
        (q, paper_encrypt(ballot_id=ballot_id, question_id=q, content=c, size=size, tracker="" if i else tracker))
        for i, (q, c) in enumerate(papers)
    ]


def _papers_from(rules: Sequence[PaperRules], answers: Mapping[int, Any]) -> list[tuple[int, list[int]]]:
    known = {r.question_id for r in rules}
    stray = set(answers) - known
    if stray:
        raise DomainError(Code.UNKNOWN_QUESTION, f"Question {sorted(stray, key=str)[0]} is not part of this ballot.")
    missing = [r.title for r in rules if r.question_id not in answers]
    if missing:
        raise DomainError(Code.INVALID_PAPER, f"Answer every question (missing: {', '.join(missing)}).")
    return [(r.question_id, paper_validate(rules=r, content=answers[r.question_id])) for r in rules]


def _cast_postgresql(
    *, ballot_id: int, voter_id: int, answers: Mapping[int, Any], key_hash: str, idempotency_key: str
) -> CastReceipt:
    """One vote in one call of ``ballots_cast_vote``. A single statement is
    atomic by itself, so outside a transaction this is one round trip."""
    for _attempt in range(2):
        entry = _OPEN_RULES.get(ballot_id)
        if entry is None:
            state, opened, closes_at = _open_ballot_state(ballot_id)
            if state != Ballot.State.OPEN:
                raise _not_open(state, closes_at)
            if len(_OPEN_RULES) > 512:
                _OPEN_RULES.clear()
            entry = _OPEN_RULES[ballot_id] = (opened, _ballot_rules(ballot_id, opened))
        opened, rules = entry
        papers = _papers_from(rules, answers)
        receipt = _new_receipt()
        params: dict[str, Any] = {
            "ballot": ballot_id,
            "voter": voter_id,
            "opened": opened,
            "key_hash": key_hash,
            "sealed": _seal(receipt, idempotency_key, ballot_id=ballot_id, voter_id=voter_id)
            if idempotency_key
            else "",
            "papers": json.dumps(
                [
                    {"question_id": q, "content": sealed}
                    for q, sealed in _sealed_papers(ballot_id=ballot_id, rules=rules, papers=papers, receipt=receipt)
                ]
            ),
            "tracker": "",  # inside the first paper (migration 0009 writes no tracker row for "")
        }
        state, opened_now, on_roll, inserted, voted_key_hash, voted_sealed, closes, too_late = _execute_vote(params)
        if too_late:
            raise _not_open(state, closes)
        if voted_key_hash is not None:
            if key_hash and voted_key_hash == key_hash:
                receipt = _unseal(voted_sealed, idempotency_key, ballot_id=ballot_id, voter_id=voter_id)
                return CastReceipt(receipt=receipt, replayed=True)
            raise _already_voted()
        if state is None:
            raise NotFound(Code.NOT_FOUND, "There is no such ballot.")
        if state != Ballot.State.OPEN:
            _OPEN_RULES.pop(ballot_id, None)
            raise _not_open(state, closes)
        if opened_now != opened:  # an id reused by another ballot: read its rules and try again
            _OPEN_RULES.pop(ballot_id, None)
            continue
        if not on_roll:
            raise _not_on_roll()
        if inserted:
            return CastReceipt(receipt=receipt)
    raise Conflict(Code.NOT_OPEN, "The ballot changed while you voted; please try again.")


def _already_voted() -> Conflict:
    return Conflict(Code.ALREADY_VOTED, "You have already voted in this ballot.")


def _replay(*, ballot_id: int, voter: Any, key_hash: str, idempotency_key: str) -> CastReceipt | None:
    """The first answer to a request repeated with the same idempotency key."""
    previous = Participation.objects.filter(ballot_id=ballot_id, voter=voter, idempotency_key_hash=key_hash).first()
    if previous is None:
        return None
    receipt = _unseal(previous.sealed_receipt, idempotency_key, ballot_id=ballot_id, voter_id=voter.pk)
    return CastReceipt(receipt=receipt, replayed=True)


def vote_cast(*, ballot_id: int, voter: Any, answers: Mapping[int, Any], idempotency_key: str = "") -> CastReceipt:
    """Record one voter's papers for every question of a ballot.

    ``answers`` maps question id to a list of option ids. A repeated request
    with the same ``idempotency_key`` gets the first receipt back, even when
    the two arrive together or the ballot has closed since; any other second
    vote is refused with ``already_voted``.
    """
    idempotency_key = idempotency_key[:200]
    key_hash = _key_hash(idempotency_key) if idempotency_key else ""
    try:
        if connection.vendor == "postgresql":
            return _cast_postgresql(
                ballot_id=ballot_id,
                voter_id=voter.pk,
                answers=answers,
                key_hash=key_hash,
                idempotency_key=idempotency_key,
            )
        with transaction.atomic():
            state, opened, closes_at = _open_ballot_state(ballot_id)
            if state != Ballot.State.OPEN or timezone.now() >= closes_at:
                raise _not_open(state, closes_at)
            if not RollEntry.objects.filter(ballot_id=ballot_id, voter=voter).exists():
                raise _not_on_roll()
            rules = _ballot_rules(ballot_id, opened)
            papers = _papers_from(rules, answers)
            receipt = _new_receipt()
            _write_vote(
                ballot_id=ballot_id,
                voter_id=voter.pk,
                key_hash=key_hash,
                sealed=_seal(receipt, idempotency_key, ballot_id=ballot_id, voter_id=voter.pk)
                if idempotency_key
                else "",
                papers=_sealed_papers(ballot_id=ballot_id, rules=rules, papers=papers, receipt=receipt),
            )
        return CastReceipt(receipt=receipt)
    except (IntegrityError, DomainError) as exc:
        # A retry that raced its first attempt (the unique constraint
        # refused it) or arrived after the ballot closed: the first answer.
        if idempotency_key and (
            replay := _replay(ballot_id=ballot_id, voter=voter, key_hash=key_hash, idempotency_key=idempotency_key)
        ):
            return replay
        if isinstance(exc, IntegrityError):
            raise _already_voted() from None
        raise

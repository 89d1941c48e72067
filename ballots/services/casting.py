"""Casting a vote: the one service the web form and the API both call.

No Celery, no e-mail and no logging of content on this path: voting keeps
working when Redis is down, and nothing written here links a voter to a paper
except the open-ballot window that closing erases (see ``models.py``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from ballots.error_codes import BallotErrorCode as Code
from ballots.lock_objects import ballot_for_voting
from ballots.models import Ballot, Option, Participation, PendingPaper, PendingTracker, Question, RollEntry
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


def _pad(idempotency_key: str, length: int) -> bytes:
    return hashlib.sha256(b"receipt-seal:" + idempotency_key.encode()).digest()[:length]


def _seal(receipt: str, idempotency_key: str) -> str:
    data = receipt.encode()
    return bytes(a ^ b for a, b in zip(data, _pad(idempotency_key, len(data)), strict=True)).hex()


def _unseal(sealed: str, idempotency_key: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _pad(idempotency_key, len(data)), strict=True)).decode()


def _new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def paper_validate(*, question: Question, options: Sequence[Option], content: Any) -> list[int]:
    """Check a paper against its question and return it normalised: a list of
    option ids (a ranking for ranked methods, a choice otherwise)."""
    if not isinstance(content, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in content):
        raise DomainError(Code.INVALID_PAPER, f"“{question.title}”: the answer must be a list of option ids.")
    valid = {o.pk for o in options if not o.withdrawn}
    unknown = [x for x in content if x not in valid]
    if unknown:
        raise DomainError(Code.INVALID_PAPER, f"“{question.title}”: {unknown[0]} is not an option of this question.")
    if len(set(content)) != len(content):
        raise DomainError(Code.INVALID_PAPER, f"“{question.title}”: an option is marked more than once.")
    if not content:
        raise DomainError(Code.INVALID_PAPER, f"“{question.title}”: choose at least one option.")
    method = question.method
    if method == Question.Method.MOTION and len(content) != 1:
        raise DomainError(Code.INVALID_PAPER, f"“{question.title}”: choose exactly one of for, against, abstain.")
    if method == Question.Method.PLURALITY and len(content) > question.seats:
        raise DomainError(
            Code.INVALID_PAPER, f"“{question.title}”: choose at most {question.seats} (got {len(content)})."
        )
    return list(content)


def vote_cast(*, ballot_id: int, voter: Any, answers: Mapping[int, Any], idempotency_key: str = "") -> CastReceipt:
    """Record one voter's papers for every question of a ballot.

    ``answers`` maps question id to a list of option ids. A repeated request
    with the same ``idempotency_key`` gets the first receipt back; any other
    second vote is refused with ``already_voted``.
    """
    idempotency_key = idempotency_key[:200]
    if idempotency_key:
        previous = Participation.objects.filter(
            ballot_id=ballot_id, voter=voter, idempotency_key_hash=_key_hash(idempotency_key)
        ).first()
        if previous is not None:
            return CastReceipt(receipt=_unseal(previous.sealed_receipt, idempotency_key), replayed=True)
    try:
        with transaction.atomic():
            try:
                ballot = ballot_for_voting(ballot_id=ballot_id)
            except (Ballot.DoesNotExist, IndexError):
                raise NotFound("ballot_not_found", "There is no such ballot.") from None
            if ballot.state != Ballot.State.OPEN:
                raise Conflict(
                    Code.NOT_OPEN, f"This ballot is not open for voting (it is {ballot.get_state_display().lower()})."
                )
            if not RollEntry.objects.filter(ballot_id=ballot_id, voter=voter).exists():
                raise NotPermitted(Code.NOT_ON_ROLL, "You are not on the roll of voters for this ballot.")
            questions = {q.pk: q for q in Question.objects.filter(ballot_id=ballot_id).prefetch_related("options")}
            stray = set(answers) - set(questions)
            if stray:
                raise DomainError(Code.UNKNOWN_QUESTION, f"Question {sorted(stray)[0]} is not part of this ballot.")
            missing = [q.title for q_id, q in questions.items() if q_id not in answers]
            if missing:
                raise DomainError(Code.INVALID_PAPER, f"Answer every question (missing: {', '.join(missing)}).")
            papers = [
                PendingPaper(
                    ballot_id=ballot_id,
                    question_id=q_id,
                    content=paper_validate(question=q, options=list(q.options.all()), content=answers[q_id]),
                )
                for q_id, q in questions.items()
            ]
            receipt = _new_receipt()
            Participation.objects.create(
                ballot_id=ballot_id,
                voter=voter,
                idempotency_key_hash=_key_hash(idempotency_key) if idempotency_key else "",
                sealed_receipt=_seal(receipt, idempotency_key) if idempotency_key else "",
            )
            PendingPaper.objects.bulk_create(papers)
            PendingTracker.objects.create(ballot_id=ballot_id, tracker=receipt_tracker(receipt))
    except IntegrityError:
        raise Conflict(Code.ALREADY_VOTED, "You have already voted in this ballot.") from None
    return CastReceipt(receipt=receipt)

"""The ballot box of a verifiable ballot: Belenios ballots in, trackers out.

A voter's device makes the ballot (encrypted, signed with the voter's
credential, with its proofs); the server only checks it
(``ballots.verifiable.ballot.check_ballot``, refused with the check's named
reason) and keeps the latest per credential: a re-vote replaces the
earlier ballot, so a voter told how to vote by someone watching can vote
again later. The same text twice is refused (``duplicate_ballot``), so a
ballot copied from the public box cannot be replayed to count as someone
else's participation.

What is kept: the ballot (no voter, no time, a random id) and, apart, the
ordinary ``Participation`` (who voted). Both are written in one
transaction, so the database's own bookkeeping could pair a voter with a
ballot; that pairs them with a ciphertext only the trustees together can
open, and ranked ones only after shuffles break the link to the ballot.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ballots.error_codes import BallotErrorCode as Code
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.lock_objects import BALLOT_LOCK_NAMESPACE
from ballots.models import (
    Ballot,
    Participation,
    RollEntry,
    VerifiableBallot,
    VerifiableElection,
    VerifiableSpentTracker,
)
from ballots.verifiable.ballot import check_ballot
from ballots.verifiable.credentials import read_public_credentials
from ballots.verifiable.election import Election, read_election
from ballots.verifiable.jsonfields import sha256_b64
from core.errors import Conflict, DomainError, NotFound, NotPermitted

MAX_BALLOT_LENGTH = 200_000
"""A ranked question of 60 candidates and a few motions is under 30 kB."""


@lru_cache(maxsize=32)
def _setup(election_id: int, uuid: str) -> tuple[Election, Mapping[int, int]]:
    """The election and roll of credentials, read once per process: fixed from the moment voting opens."""
    del uuid
    row = VerifiableElection.objects.only("election", "public_credentials").get(pk=election_id)
    election = read_election(row.election)
    return election, read_public_credentials(row.public_credentials, election.group)


def ballot_tracker(text: str) -> str:
    """Belenios' tracker of a ballot: the Base64 SHA-256 of its exact text."""
    return sha256_b64(text)


def verifiable_ballot_cast(*, ballot_id: int, voter: Any, ballot: str) -> str:
    """Check and store a voter's Belenios ballot; returns its tracker.

    Refused: a ballot that is not open (``ballot_not_open``), a voter not on
    the roll (``not_on_roll``), a ballot that fails its check (the check's
    reason as the code: ``bad_signature``, ``unknown_credential``…), the
    same ballot twice (``duplicate_ballot``)."""
    if not isinstance(ballot, str) or not ballot or len(ballot) > MAX_BALLOT_LENGTH:
        raise DomainError(Code.MALFORMED, "Send the ballot as the text your device made.")
    row = VerifiableElection.objects.filter(ballot_id=ballot_id).only("pk", "uuid", "election").first()
    if row is None:
        raise NotFound(VCode.NOT_VERIFIABLE, "This ballot is not a verifiable ballot.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # shared: casts run together, a close waits for them
                cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [BALLOT_LOCK_NAMESPACE, ballot_id])
        state, closes_at = Ballot.objects.filter(pk=ballot_id).values_list("state", "closes_at").get()
        if state != Ballot.State.OPEN or timezone.now() >= closes_at or not row.election:
            raise Conflict(Code.NOT_OPEN, "This ballot is not open for voting.")
        if not RollEntry.objects.filter(ballot_id=ballot_id, voter=voter).exists():
            raise NotPermitted(Code.NOT_ON_ROLL, "You are not on the roll of voters for this ballot.")
        election, credentials = _setup(row.pk, row.uuid)
        verdict = check_ballot(election, ballot, credentials)
        if not verdict.accepted:
            detail = f" ({verdict.detail})" if verdict.detail else ""
            raise DomainError(str(verdict.reason), f"The ballot was refused: {verdict.reason}{detail}.")
        tracker = ballot_tracker(ballot)
        if (
            VerifiableBallot.objects.filter(election_id=row.pk, tracker=tracker).exists()
            or VerifiableSpentTracker.objects.filter(election_id=row.pk, tracker=tracker).exists()
        ):
            raise Conflict(VCode.DUPLICATE_BALLOT, "This exact ballot is already in the box, or a re-vote replaced it.")
        credential = json.loads(ballot)["credential"]
        _replace(election_id=row.pk, credential=credential, text=ballot, tracker=tracker)
        Participation.objects.get_or_create(ballot_id=ballot_id, voter=voter)
    return tracker


def _replace(*, election_id: int, credential: str, text: str, tracker: str) -> None:
    """The credential's ballot becomes this one; the one it replaces is spent
    for good (``VerifiableSpentTracker``), so it cannot be sent again."""
    mine = VerifiableBallot.objects.select_for_update().filter(election_id=election_id, credential=credential)
    previous = mine.values_list("tracker", flat=True).first()
    if previous is None:
        try:
            with transaction.atomic():
                VerifiableBallot.objects.create(
                    election_id=election_id, credential=credential, text=text, tracker=tracker
                )
            return
        except IntegrityError:  # the same credential's ballot committed just now: this one is later
            previous = mine.values_list("tracker", flat=True).first()
    mine.update(text=text, tracker=tracker)
    if previous is not None and previous != tracker:
        VerifiableSpentTracker.objects.get_or_create(election_id=election_id, tracker=previous)

"""After a verifiable ballot closes: the encrypted tally, shuffles, decryptions, papers, the public board.

The order is Belenios': the box is frozen by the close; the encrypted
tally is computed; the ranked ciphertexts are shuffled by the server (in
the tally task) and then, if they wish, by trustees, each shuffle checked
before it is stored; the shuffles are ended (by the returning officer, or
when every trustee has shuffled); each trustee uploads a partial
decryption of the result, checked against their public key (a threshold
trustee's: its verification key). When the last is in (with a threshold
``t``: the ``t``-th), the result is decrypted and turned into ordinary ``BallotPaper``
rows, and the ordinary tally counts them, so review and declaration work
as for any ballot.

Turning a revealed vector into a paper (``papers_from_result``):

* ranks (IRV, STV): the candidates ranked, by rank ascending (rank 1
  first); 0 means not ranked. The ranks used must be exactly 1..k, each
  once: equal ranks or a gap make the paper **void** (an empty paper, which
  the count sheet reports as void). The voter's device refuses them before
  they are encrypted; this check is the one that counts.
* marks (approval, block plurality): the candidates marked 1; a value
  other than 0 or 1, nothing marked, or more marks than seats (plurality)
  make the paper void.
* choice (motions, single-seat plurality): homomorphic, so only totals
  are decrypted; each ballot made exactly one choice (its proof says so),
  so the totals are the papers.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from ballots.error_codes import BallotErrorCode as Code
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.lock_objects import ballot_for_update
from ballots.models import (
    Ballot,
    BallotPaper,
    Question,
    Tracker,
    VerifiableElection,
    VerifiableShuffle,
    VerifiableTrustee,
)
from ballots.services.verifiable_setup import CREDENTIAL_EMAIL_KEY, MAX_ID, ballot_locked, verifiable_election_of
from ballots.services.verifiable_trustees import verifiable_trustees_notify
from ballots.verifiable.blt import ranking_from_ranks
from ballots.verifiable.board_writer import Record, write_board
from ballots.verifiable.decryption import EncryptedTally, check_partial_decryption, read_encrypted_tally
from ballots.verifiable.election import Election, NonHomomorphicQuestion, read_election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.shuffle import check_shuffle, merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.tally import decrypt_result, decrypt_with_factors, encrypted_tally, result_text, tally_text
from ballots.verifiable.threshold import Pedersen, combined_factors
from ballots.verifiable.trustees import read_trustee_kinds, read_trustees
from core.audit import audit_record
from core.errors import Conflict, DomainError, NotFound, NotPermitted
from core.models import OutboxEmail
from governance.gate import Act, require

S = Ballot.State
SERVER_OWNER = 0
"""The owner number of the server's own shuffle on the board (trustees are 1 to n)."""


def verifiable_awaiting(*, ballot_id: int) -> str | None:
    """The tally's first step for a verifiable ballot: ``None`` when it may be counted (an ordinary
    ballot, or one whose trustees have all decrypted); otherwise does the next step the server owes
    (the encrypted tally and its shuffle) and says what the count waits for."""
    row = VerifiableElection.objects.filter(ballot_id=ballot_id).values_list("result", flat=True).first()
    if row is None or row:
        return None
    return verifiable_close(ballot_id=ballot_id)


def _ballots_in_board_order(election: VerifiableElection) -> list[str]:
    """The box in tracker order: the board's order, which says nothing about when anyone voted."""
    return list(election.ballot_rows.order_by("tracker").values_list("text", flat=True))


def verifiable_close(*, ballot_id: int) -> str:
    """Closed → encrypted tally, trackers published, credential e-mails blanked, server's shuffle.

    Safe to run again: each part is done once. The shuffle runs outside
    the ballot's lock (it is the slow part) and is stored only if no
    shuffle was stored meanwhile."""
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        if ballot.state != S.CLOSED:
            return f"skipped: ballot is {ballot.state}"
        election = VerifiableElection.objects.select_for_update().get(ballot=ballot)
        if not election.encrypted_tally:
            parsed = read_election(election.election)
            texts = _ballots_in_board_order(election)
            election.encrypted_tally = tally_text(encrypted_tally(parsed, texts))
            election.num_tallied = len(texts)
            election.shuffles_ended = not any(isinstance(q, NonHomomorphicQuestion) for q in parsed.questions)
            election.save(update_fields=["encrypted_tally", "num_tallied", "shuffles_ended"])
            if election.shuffles_ended:  # nothing to shuffle: the trustees decrypt now
                verifiable_trustees_notify(election=election, step="decryption")
            Tracker.objects.bulk_create(
                [Tracker(ballot=ballot, tracker=t) for t in election.ballot_rows.values_list("tracker", flat=True)],
                ignore_conflicts=True,
            )
            # The credentials are spent: nothing kept may tie a member to one.
            OutboxEmail.objects.filter(key__startswith=CREDENTIAL_EMAIL_KEY.format(ballot=ballot.pk)).update(
                body_text="", body_html=""
            )
        needs_shuffle = not election.shuffles_ended and not election.shuffle_rows.exists()
    if needs_shuffle:
        parsed = read_election(election.election)
        inputs = nh_ciphertexts(parsed, read_encrypted_tally(election.encrypted_tally))
        text = shuffle(parsed, inputs)
        verdict = check_shuffle(parsed, inputs, text)
        if not verdict.accepted:  # never expected: refuse to publish rather than store a bad proof
            raise RuntimeError(f"the server's own shuffle failed its check: {verdict.reason}")
        with transaction.atomic():
            ballot_for_update(ballot_id=ballot_id)
            if not VerifiableShuffle.objects.filter(election=election).exists():
                VerifiableShuffle.objects.create(election=election, position=1, owner=SERVER_OWNER, text=text)
                verifiable_trustees_notify(election=election, step="shuffle")
                audit_record(actor=None, action="verifiable_shuffled", obj=ballot, unit=ballot.unit)
    return "awaiting the trustees' shuffles and decryptions"


def _last_ciphertexts(parsed: Election, election: VerifiableElection) -> Any:
    last = election.shuffle_rows.order_by("-position").first()
    if last is None:
        return nh_ciphertexts(parsed, read_encrypted_tally(election.encrypted_tally))
    return read_shuffle(last.text).ciphertexts


def _trustee(election: VerifiableElection, actor: Any) -> VerifiableTrustee:
    trustee = election.trustee_rows.filter(person=actor).first()
    if trustee is None:
        raise NotPermitted(VCode.NOT_TRUSTEE, "Only this ballot's trustees can do this.")
    return trustee


def _unlocked(ballot_id: int) -> VerifiableElection:
    """``_locked``'s checks without the lock: for the slow checks done before taking it."""
    if not 0 <= ballot_id <= MAX_ID or (ballot := Ballot.objects.filter(pk=ballot_id).first()) is None:
        raise NotFound(Code.NOT_FOUND, "There is no such ballot.")
    election = verifiable_election_of(ballot_id=ballot.pk)
    if ballot.state != S.CLOSED or not election.encrypted_tally:
        raise Conflict(Code.INVALID_TRANSITION, "This is done after the close, once the box is tallied.")
    return election


def _locked(ballot_id: int) -> tuple[Ballot, VerifiableElection]:
    ballot = ballot_locked(ballot_id=ballot_id)
    election = verifiable_election_of(ballot_id=ballot.pk)
    if ballot.state != S.CLOSED or not election.encrypted_tally:
        raise Conflict(Code.INVALID_TRANSITION, "This is done after the close, once the box is tallied.")
    return ballot, election


def _shuffle_refusal(election: VerifiableElection, trustee: VerifiableTrustee) -> Conflict | None:
    if election.shuffles_ended or not election.shuffle_rows.exists():
        return Conflict(VCode.NOT_SHUFFLING, "Shuffles are taken after the server's and until they are ended.")
    if election.shuffle_rows.filter(owner=trustee.position).exists():
        return Conflict(VCode.NOT_SHUFFLING, "You have already shuffled.")
    return None


def verifiable_shuffle_upload(*, ballot_id: int, actor: Any, shuffle_text: str) -> VerifiableShuffle:
    """A trustee's shuffle of the last shuffle's output, stored only if its proof checks.

    The check (tens of seconds for thousands of ballots) runs before the
    ballot is locked, so it holds up nobody else's step; under the lock the
    state is checked again, and the shuffle is refused if another was
    stored meanwhile (it shuffled what is no longer the last output)."""
    election = _unlocked(ballot_id)
    if (refusal := _shuffle_refusal(election, _trustee(election, actor))) is not None:
        raise refusal
    checked_after = election.shuffle_rows.aggregate(m=Max("position"))["m"]
    parsed = read_election(election.election)
    verdict = check_shuffle(parsed, _last_ciphertexts(parsed, election), shuffle_text)
    if not verdict.accepted:
        detail = f" ({verdict.detail})" if verdict.detail else ""
        raise DomainError(str(verdict.reason), f"The shuffle was refused: {verdict.reason}{detail}.")
    with transaction.atomic():
        ballot, election = _locked(ballot_id)
        trustee = _trustee(election, actor)
        if (refusal := _shuffle_refusal(election, trustee)) is not None:
            raise refusal
        position = (election.shuffle_rows.aggregate(m=Max("position"))["m"] or 0) + 1
        if position != (checked_after or 0) + 1:
            raise Conflict(
                VCode.NOT_SHUFFLING, "Another shuffle was stored while yours was checked: shuffle its output."
            )
        row = VerifiableShuffle.objects.create(
            election=election, position=position, owner=trustee.position, text=shuffle_text
        )
        if election.shuffle_rows.exclude(owner=SERVER_OWNER).count() == election.trustee_rows.count():
            election.shuffles_ended = True
            election.save(update_fields=["shuffles_ended"])
            verifiable_trustees_notify(election=election, step="decryption")
        audit_record(actor=actor, action="verifiable_shuffled", obj=ballot, unit=ballot.unit)
    return row


def verifiable_shuffles_end(*, ballot_id: int, actor: Any) -> VerifiableElection:
    """The returning officer ends the shuffles (trustees who have not shuffled will not); decryption starts."""
    with transaction.atomic():
        # Authority first: who may not act learns nothing of the ballot's stage.
        require(actor, Act.RUN_BALLOT, ballot_locked(ballot_id=ballot_id), doing="end the shuffles")
        ballot, election = _locked(ballot_id)
        if election.shuffles_ended or not election.shuffle_rows.exists():
            raise Conflict(VCode.NOT_SHUFFLING, "There are no shuffles to end.")
        election.shuffles_ended = True
        election.save(update_fields=["shuffles_ended"])
        verifiable_trustees_notify(election=election, step="decryption")
        audit_record(actor=actor, action="verifiable_shuffles_ended", obj=ballot, unit=ballot.unit)
    return election


def decryption_input(election: VerifiableElection) -> tuple[Election, EncryptedTally]:
    """What the trustees decrypt: the tally, its ranked questions replaced by the last shuffle's output."""
    parsed = read_election(election.election)
    tally = read_encrypted_tally(election.encrypted_tally)
    if not any(isinstance(q, NonHomomorphicQuestion) for q in parsed.questions):
        return parsed, tally
    return parsed, merge_nh_ciphertexts(parsed, tally, _last_ciphertexts(parsed, election))


def _decryption_refusal(election: VerifiableElection, trustee: VerifiableTrustee) -> Conflict | None:
    if not election.shuffles_ended:
        return Conflict(VCode.NOT_DECRYPTING, "Decryption starts once the shuffles are ended.")
    if trustee.partial_decryption:
        return Conflict(VCode.ALREADY_DECRYPTED, "You have already decrypted.")
    if election.result:
        return Conflict(VCode.NOT_DECRYPTING, "Enough trustees have decrypted: the result is decrypted.")
    return None


def verifiable_decryption_upload(*, ballot_id: int, actor: Any, partial_decryption: str) -> VerifiableTrustee:
    """A trustee's partial decryption, checked against their key; the last one in decrypts the result.

    The check runs before the ballot is locked (what is decrypted no longer
    changes once the shuffles are ended); under the lock the state is
    checked again. Every stored decryption was checked so, so the result is
    decrypted from them without checking them all again."""
    from ballots.tasks import tally_ballot  # the tasks module imports the tally, which imports this

    election = _unlocked(ballot_id)
    trustee = _trustee(election, actor)
    if (refusal := _decryption_refusal(election, trustee)) is not None:
        raise refusal
    parsed, tally = decryption_input(election)
    if not check_partial_decryption(parsed, _trustee_key(election, parsed, trustee), tally, partial_decryption):
        raise DomainError(
            VCode.BAD_PARTIAL_DECRYPTION,
            "The partial decryption does not verify against your public key and the shuffled tally.",
        )
    with transaction.atomic():
        ballot, election = _locked(ballot_id)
        trustee = _trustee(election, actor)
        if (refusal := _decryption_refusal(election, trustee)) is not None:
            raise refusal
        trustee.partial_decryption = partial_decryption
        trustee.save(update_fields=["partial_decryption"])
        audit_record(actor=actor, action="verifiable_decrypted", obj=ballot, unit=ballot.unit)
        trustees = list(election.trustee_rows.order_by("position"))
        needed = election.threshold or len(trustees)
        if sum(1 for t in trustees if t.partial_decryption) >= needed:
            _finish(election, parsed, tally, trustees)
            transaction.on_commit(lambda: tally_ballot.delay(ballot.pk), robust=True)
    return trustee


def _trustee_key(election: VerifiableElection, parsed: Election, trustee: VerifiableTrustee) -> int:
    """The key a trustee's partial decryption is checked against: its Single key, or its verification key."""
    if not election.threshold:
        (key,) = read_trustees(f'[["Single",{trustee.public_key}]]', parsed.group)
        return key.public_key
    return _pedersen(election, parsed).verification_keys[trustee.position - 1]


def _pedersen(election: VerifiableElection, parsed: Election) -> Pedersen:
    (item,) = read_trustee_kinds(election.trustees, parsed.group)
    if not isinstance(item, Pedersen):  # never expected: a threshold election's trustees are one Pedersen item
        raise RuntimeError("a threshold election's trustees are not a Pedersen item")
    return item


def _finish(
    election: VerifiableElection, parsed: Election, tally: EncryptedTally, trustees: Sequence[VerifiableTrustee]
) -> None:
    """Decrypt the result (every trustee's factors, or any ``t`` combined by Lagrange) and store the papers."""
    try:
        if election.threshold:
            decryptions = {t.position: t.partial_decryption for t in trustees if t.partial_decryption}
            combined = combined_factors(parsed, _pedersen(election, parsed), tally, decryptions)
            result = decrypt_with_factors(parsed, tally, combined, election.num_tallied)
        else:
            keys = [k.public_key for k in read_trustees(election.trustees, parsed.group)]
            decryptions_in_order = [t.partial_decryption for t in trustees]
            # Each was checked against this tally at its upload (verifiable_decryption_upload).
            result = decrypt_result(parsed, keys, tally, decryptions_in_order, election.num_tallied, checked=True)
    except FormatError as error:
        raise DomainError(VCode.BAD_PARTIAL_DECRYPTION, f"The result cannot be decrypted: {error}") from None
    papers = papers_from_result(election.question_map, result, _seats(election))
    secrets.SystemRandom().shuffle(papers)
    BallotPaper.objects.bulk_create([BallotPaper(question_id=q, content=c) for q, c in papers], batch_size=5000)
    election.result = result_text(result)
    election.save(update_fields=["result"])


def _seats(election: VerifiableElection) -> dict[int, tuple[str, int]]:
    ids = [m["question"] for m in election.question_map]
    return {q.pk: (q.method, q.seats) for q in Question.objects.filter(pk__in=ids)}


def papers_from_result(
    question_map: Sequence[dict[str, Any]], result: Sequence[Any], seats: dict[int, tuple[str, int]]
) -> list[tuple[int, list[int]]]:
    """Every paper (question id, option ids) the decrypted result holds; see the module's rules."""
    papers: list[tuple[int, list[int]]] = []
    for entry, answers in zip(question_map, result, strict=True):
        question, options, kind = entry["question"], entry["options"], entry["kind"]
        if kind == "choice":
            for option, total in zip(options, answers, strict=True):
                papers += [(question, [option])] * total
            continue
        method, limit = seats[question]
        for vector in answers:
            if kind == "ranks":
                papers.append((question, ranking_from_ranks(options, vector)))
                continue
            chosen = [o for o, v in zip(options, vector, strict=True) if v == 1]
            valid = (
                set(vector) <= {0, 1} and chosen and not (method == Question.Method.PLURALITY and len(chosen) > limit)
            )
            papers.append((question, chosen if valid else []))
    return papers


def verifiable_board(*, ballot_id: int, timestamp: int) -> bytes:
    """The public record as a Belenios board (``UUID.bel``), as far as the ballot has gone."""
    election = verifiable_election_of(ballot_id=ballot_id)
    if not election.election:
        raise Conflict(Code.INVALID_TRANSITION, "The board starts when voting opens.")
    trustees = list(election.trustee_rows.order_by("position"))
    record = Record(
        election=election.election,
        trustees=election.trustees,
        public_credentials=election.public_credentials,
        ballots=_ballots_in_board_order(election),
        encrypted_tally=election.encrypted_tally or None,
        num_tallied=election.num_tallied,
        shuffles=[(s.owner, s.text) for s in election.shuffle_rows.order_by("position")],
        shuffles_ended=election.shuffles_ended,
        partial_decryptions=[(t.position, t.partial_decryption) for t in trustees if t.partial_decryption],
        result=election.result or None,
    )
    return write_board(record, timestamp)

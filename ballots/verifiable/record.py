"""Verifying a whole public record, step by step, as ``belenios-tool election verify`` does.

Anyone holding the record (the texts a board holds: ``board_writer.Record``)
can redo every check the server and the trustees did, and must reach the
same result, without trusting either:

1. the election key is the product of the trustees' keys, each proven;
2. every ballot passes ``check_ballot`` against the roll of credentials;
   a later ballot with the same credential replaces the earlier one, as on
   a Belenios board;
3. the encrypted tally is exactly the one those ballots give, and
   ``num_tallied`` is their number;
4. every shuffle is a proven shuffle of the previous one's output (the
   first, of the tally's non-homomorphic questions);
5. every trustee's partial decryption of the (shuffled) tally is proven
   against its key, one per trustee;
6. the result is what those factors decrypt.

The record may stop after any step (a board grows); what is there is
checked. Only "Single" trustees are handled here: a threshold election's
partial decryptions are checked as they arrive
(``threshold.combined_factors``), and this function says it cannot check
them rather than accept them unchecked.
"""

from __future__ import annotations

from ballots.verifiable.ballot import check_ballot
from ballots.verifiable.board_writer import Record
from ballots.verifiable.credentials import read_public_credentials
from ballots.verifiable.decryption import check_partial_decryption, read_encrypted_tally
from ballots.verifiable.election import read_election
from ballots.verifiable.errors import FormatError
from ballots.verifiable.jsonfields import canonical_json, obj, parse_json
from ballots.verifiable.shuffle import check_shuffle, merge_nh_ciphertexts, nh_ciphertexts, read_shuffle
from ballots.verifiable.tally import decrypt_result, encrypted_tally, result_text, tally_text
from ballots.verifiable.trustees import election_public_key, read_trustees


def verify_record(record: Record) -> None:
    """Check ``record`` in full; raise ``FormatError`` naming the first step that fails."""
    election = read_election(record.election)
    group = election.group
    trustees = read_trustees(record.trustees, group)
    if election_public_key(group, trustees) != election.public_key:
        raise FormatError("the election key is not the product of the trustees' keys")
    roll = read_public_credentials(record.public_credentials, group)
    latest: dict[int, str] = {}
    for i, raw in enumerate(record.ballots):
        verdict = check_ballot(election, raw, roll)
        if not verdict.accepted:
            raise FormatError(
                f"ballot {i} is refused: {verdict.reason}" + (f", {verdict.detail}" * bool(verdict.detail))
            )
        credential = int(obj(parse_json(raw, "a ballot"), "a ballot")["credential"])
        latest.pop(credential, None)  # the later ballot counts, in its own place
        latest[credential] = raw
    if record.encrypted_tally is None:
        return
    counted = list(latest.values())
    if record.encrypted_tally != tally_text(encrypted_tally(election, counted)):
        raise FormatError("the encrypted tally is not the product of the ballots counted")
    if record.num_tallied != len(counted):
        raise FormatError(f"num_tallied is {record.num_tallied}, but {len(counted)} ballots are counted")
    tally = read_encrypted_tally(record.encrypted_tally)
    shuffled = nh_ciphertexts(election, tally)
    for position, (owner, text) in enumerate(record.shuffles, start=1):
        verdict = check_shuffle(election, shuffled, text)
        if not verdict.accepted:
            raise FormatError(f"shuffle {position} (by {owner}) is refused: {verdict.reason} {verdict.detail}".strip())
        shuffled = read_shuffle(text).ciphertexts
    if not record.partial_decryptions:
        return
    final = merge_nh_ciphertexts(election, tally, shuffled)
    keys = [t.public_key for t in trustees]
    by_owner = dict(record.partial_decryptions)
    if len(by_owner) != len(record.partial_decryptions) or not set(by_owner) <= set(range(1, len(keys) + 1)):
        raise FormatError("a partial decryption names no trustee, or a trustee twice")
    for owner, text in sorted(by_owner.items()):
        if not check_partial_decryption(election, keys[owner - 1], final, text):
            raise FormatError(f"trustee {owner}'s partial decryption is refused")
    if record.result is None:
        return
    if len(by_owner) != len(keys):
        raise FormatError("a result without every trustee's partial decryption")
    decryptions = [by_owner[i] for i in range(1, len(keys) + 1)]
    # The factors were checked just above; decrypt_result checks them again, so pass them through once.
    result = decrypt_result(election, keys, final, decryptions, record.num_tallied, checked=True)
    if canonical_json(parse_json(record.result, "the result")) != canonical_json(parse_json(result_text(result), "")):
        raise FormatError("the result is not what the partial decryptions decrypt")

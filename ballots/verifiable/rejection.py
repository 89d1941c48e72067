"""Why a ballot is refused, in names a caller can show and test for.

Each reason is the first check the ballot failed, in the order belenios-tool
checks (format, then election, then signature, then each question's
proofs), so the same ballot always gets the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Rejection(StrEnum):
    MALFORMED = "malformed"  # not JSON, or not the shape of a Belenios ballot
    NOT_CANONICAL = "not_canonical"  # valid JSON, but not byte for byte as Belenios writes it
    WRONG_ELECTION = "wrong_election"  # made for another election (uuid or fingerprint differs)
    UNKNOWN_CREDENTIAL = "unknown_credential"  # its credential is not on the list of public credentials
    BAD_SIGNATURE = "bad_signature"  # not signed by its credential, or changed after signing
    BAD_CIPHERTEXT = "bad_ciphertext"  # an encrypted choice is not made of group elements
    BAD_INDIVIDUAL_PROOF = "bad_individual_proof"  # a choice is not proven to be 0 or 1
    BAD_BLANK_PROOF = "bad_blank_proof"  # not proven to be either blank or not blank
    BAD_OVERALL_PROOF = "bad_overall_proof"  # the number of choices is not proven within min..max
    BAD_ENCRYPTION_PROOF = "bad_encryption_proof"  # a ranking's maker did not prove knowing its randomness


class ShuffleRejection(StrEnum):
    """Why a shuffle is refused: which equation of the proof of shuffle failed (see ``shuffle``)."""

    MALFORMED = "shuffle_malformed"  # not JSON, or not the shape of a Belenios shuffle
    WRONG_COUNT = "shuffle_wrong_count"  # not as many questions or ciphertexts out as in
    BAD_ELEMENT = "shuffle_bad_element"  # a ciphertext or commitment outside the group, a response not reduced
    BAD_PERMUTATION_COMMITMENT = "shuffle_bad_permutation_commitment"  # t1: not one 1 per column
    BAD_COMMITMENT_CHAIN = "shuffle_bad_commitment_chain"  # t2: challenges not permuted, only changed
    BAD_CHALLENGE_COMMITMENT = "shuffle_bad_challenge_commitment"  # t3: the committed matrix does not permute
    BAD_REENCRYPTION = "shuffle_bad_reencryption"  # t4: outputs are not re-encryptions of the inputs
    BAD_CHAIN_LINK = "shuffle_bad_chain_link"  # a t-hat: one link of the commitment chain is wrong


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a ballot or a shuffle: accepted, or the reason and where."""

    reason: Rejection | ShuffleRejection | None = None
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.reason is None


ACCEPTED = Verdict()

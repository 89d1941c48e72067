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


class ThresholdRejection(StrEnum):
    """Why a message of the threshold key ceremony (or a threshold decryption) is refused (see ``threshold``)."""

    INVALID_THRESHOLD = "threshold_invalid"  # t < 1 or t > n: no t of the n trustees could decrypt
    MALFORMED = "threshold_malformed"  # not JSON, or not the shape Belenios gives the message
    BAD_CERTIFICATE = "threshold_bad_certificate"  # a certificate not signed by its own verification key
    DUPLICATE_CERTIFICATE = "threshold_duplicate_certificate"  # two trustees sent the same keys
    NOT_MY_CERTIFICATE = "threshold_not_my_certificate"  # this trustee's seed matches no certificate
    BAD_COEFEXPS = "threshold_bad_coefexps"  # the commitments to a polynomial are not signed by its trustee
    WRONG_DEGREE = "threshold_wrong_degree"  # a polynomial without exactly t coefficients
    WRONG_SHARE_COUNT = "threshold_wrong_share_count"  # not one encrypted share per trustee
    BAD_CHANNEL = "threshold_bad_channel"  # an encrypted message not signed by its sender, or not for us
    BAD_SHARE = "threshold_bad_share"  # a share that does not lie on its sender's committed polynomial
    BAD_PROOF = "threshold_bad_proof"  # a verification key without a valid proof of knowledge
    WRONG_VERIFICATION_KEY = "threshold_wrong_verification_key"  # not the key the commitments give
    NOT_ENOUGH_DECRYPTIONS = "threshold_not_enough_decryptions"  # fewer than t partial decryptions
    BAD_PARTIAL_DECRYPTION = "threshold_bad_partial_decryption"  # a factor not proven against its key

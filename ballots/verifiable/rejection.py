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


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one ballot: accepted, or the reason and where."""

    reason: Rejection | None = None
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.reason is None


ACCEPTED = Verdict()

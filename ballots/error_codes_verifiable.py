"""Stable error codes of the verifiable ballot mode (a ballot refused by its
check carries the check's own reason, ``ballots.verifiable.rejection``)."""

from enum import StrEnum


class VerifiableErrorCode(StrEnum):
    NOT_VERIFIABLE = "ballot_not_verifiable"
    IS_VERIFIABLE = "ballot_is_verifiable"
    ALREADY_VERIFIABLE = "ballot_already_verifiable"
    INVALID_THRESHOLD = "threshold_invalid"  # the same name as ThresholdRejection.INVALID_THRESHOLD
    NOT_THRESHOLD = "ballot_not_threshold"
    CEREMONY_STAGE = "threshold_ceremony_stage"
    INVALID_TRUSTEES = "invalid_trustees"
    NOT_TRUSTEE = "not_trustee"
    INVALID_TRUSTEE_KEY = "invalid_trustee_key"
    INVALID_CREDENTIALS = "invalid_public_credentials"
    DUPLICATE_BALLOT = "duplicate_ballot"
    NOT_SHUFFLING = "not_shuffling"
    NOT_DECRYPTING = "not_decrypting"
    ALREADY_DECRYPTED = "already_decrypted"
    BAD_PARTIAL_DECRYPTION = "bad_partial_decryption"
    TOO_MANY_ANSWERS = "too_many_answers"
    INVALID_RECORD_ACCESS = "invalid_record_access"
    RECORD_WITHHELD = "record_withheld"

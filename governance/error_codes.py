"""Stable error codes for refusals on someone's authority (``governance.gate``)."""

from enum import StrEnum


class AuthorityErrorCode(StrEnum):
    # Who may act: one code per group of people the gate names.
    NOT_UNIT_OFFICER = "not_unit_officer"
    NOT_AN_OFFICER = "not_an_officer"
    NOT_BALLOT_MANAGER = "not_ballot_manager"
    NOT_RETURNING_OFFICER = "not_returning_officer"
    NOT_THE_PERSON = "not_the_person"  # erasing someone's data: only they or an administrator
    # Who may act here must use two-factor authentication, and does not yet.
    MFA_REQUIRED = "mfa_required"
    MFA_NOT_VERIFIED = "mfa_not_verified"


class GovernanceErrorCode(StrEnum):
    """Refusals about units, their rolls, bodies, offices and documents."""

    ELIGIBILITY_UNSAVED_UNIT = "eligibility_unsaved_unit"
    ELIGIBILITY_UNKNOWN_KIND = "eligibility_unknown_kind"
    SEATS_BELOW_HOLDERS = "seats_below_holders"
    OFFICE_BODY_INVALID = "office_body_invalid"
    OFFICE_SEATS_INVALID = "office_seats_invalid"
    OFFICE_TERM_INVALID = "office_term_invalid"
    OFFICE_UNKNOWN_FILLED_BY = "office_unknown_filled_by"
    BODY_MANDATE_ENDS_BEFORE_TERM = "body_mandate_ends_before_term"
    BODY_MANDATE_ENDED = "body_mandate_ended"
    BODY_MANDATE_END_FUTURE = "body_mandate_end_future"
    BODY_SEATS_INVALID = "body_seats_invalid"
    BODY_UNKNOWN_MANDATE = "body_unknown_mandate"
    BODY_UNKNOWN_KIND = "body_unknown_kind"
    DOCUMENT_VERSION_STALE = "document_version_stale"
    DOCUMENT_AUTHORITY_MISSING = "document_authority_missing"
    DOCUMENT_TEXT_EMPTY = "document_text_empty"
    DOCUMENT_EXISTS = "document_exists"
    DOCUMENT_UNKNOWN_KIND = "document_unknown_kind"
    HOLDING_ENDS_BEFORE_START = "holding_ends_before_start"
    HOLDING_ALREADY_ENDED = "holding_already_ended"
    HOLDING_ENDS_IN_FUTURE = "holding_ends_in_future"
    NO_VACANCY = "no_vacancy"
    HOLDING_EXISTS = "holding_exists"
    HOLDING_PERSON_NOT_MEMBER = "holding_person_not_member"
    OFFICE_IS_ELECTED = "office_is_elected"
    HOLDING_AUTHORITY_MISSING = "holding_authority_missing"
    HOLDING_NEEDS_ONE_SEAT = "holding_needs_one_seat"
    ROLL_IMPORT_FAILED = "roll_import_failed"
    ROLL_ROWS_INVALID = "roll_rows_invalid"
    ROLL_FILE_NOT_UTF8 = "roll_file_not_utf8"
    ROLL_FILE_EMPTY = "roll_file_empty"
    ROLL_FILE_TOO_LARGE = "roll_file_too_large"

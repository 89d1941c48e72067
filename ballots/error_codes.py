"""Stable error codes for refusals in the ballots domain."""

from enum import StrEnum


class BallotErrorCode(StrEnum):
    NOT_OPEN = "ballot_not_open"
    NOT_FOUND = "ballot_not_found"
    NOT_ON_ROLL = "not_on_roll"
    ALREADY_VOTED = "already_voted"
    INVALID_PAPER = "invalid_paper"
    UNKNOWN_QUESTION = "unknown_question"
    UNKNOWN_MEMBER = "unknown_member"
    UNKNOWN_NOMINATION = "unknown_nomination"
    UNKNOWN_ACTION = "unknown_action"
    INVALID_TRANSITION = "invalid_transition"
    NOT_RETURNING_OFFICER = "not_returning_officer"
    NOMINATIONS_CLOSED = "nominations_closed"
    INVALID_NOMINATION = "invalid_nomination"
    NOT_ELIGIBLE = "not_eligible"
    ALREADY_NOMINATED = "already_nominated"
    ALREADY_SECONDED = "already_seconded"
    NOT_NOMINEE = "not_nominee"
    # Setting ballots up (ballots/services/setup.py).
    NOT_BALLOT_MANAGER = "not_ballot_manager"
    NOT_EDITABLE = "ballot_not_editable"
    INVALID_SCHEDULE = "invalid_schedule"
    INVALID_RETURNING_OFFICER = "invalid_returning_officer"
    INVALID_ELIGIBILITY = "invalid_eligibility"
    INVALID_QUESTION = "invalid_question"
    INVALID_MINIMUMS = "invalid_minimums"
    INVALID_OPTION = "invalid_option"
    OPTION_EXISTS = "option_exists"
    NOT_READY = "ballot_not_ready"
    REASON_REQUIRED = "reason_required"
    # E-mailing a receipt (ballots/services/receipts.py).
    INVALID_RECEIPT = "invalid_receipt"
    NOT_VOTED = "not_voted"
    MAIL_UNAVAILABLE = "mail_unavailable"
    # Declaring after review (ballots/services/declaring.py).
    CONFIRMATION_REQUIRED = "declaration_confirmation_required"
    RESULT_CHANGED = "result_changed_since_review"
    STATEMENT_TOO_LONG = "statement_too_long"
    SCRUTINEER_UNKNOWN = "scrutineer_unknown"

"""Stable error codes for refusals in the ballots domain."""

from enum import StrEnum


class BallotErrorCode(StrEnum):
    NOT_OPEN = "ballot_not_open"
    NOT_ON_ROLL = "not_on_roll"
    ALREADY_VOTED = "already_voted"
    INVALID_PAPER = "invalid_paper"
    UNKNOWN_QUESTION = "unknown_question"
    INVALID_TRANSITION = "invalid_transition"
    NOT_RETURNING_OFFICER = "not_returning_officer"
    NOMINATIONS_CLOSED = "nominations_closed"
    INVALID_NOMINATION = "invalid_nomination"
    NOT_ELIGIBLE = "not_eligible"
    ALREADY_NOMINATED = "already_nominated"
    ALREADY_SECONDED = "already_seconded"
    NOT_NOMINEE = "not_nominee"

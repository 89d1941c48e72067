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

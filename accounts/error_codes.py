"""Stable error codes for refusals about accounts: sign-in, tokens, invitations."""

from enum import StrEnum


class AccountErrorCode(StrEnum):
    """Refusals about a person's account and its credentials."""

    PERSON_NOT_FOUND = "person_not_found"
    MFA_CODE_INVALID = "mfa_code_invalid"
    ACCOUNT_LOCKED = "account_locked"
    MFA_CODE_REQUIRED = "mfa_code_required"
    EMAIL_UNVERIFIED = "email_unverified"
    INVALID_CREDENTIALS = "invalid_credentials"
    UNSUBSCRIBE_INVALID = "unsubscribe_invalid"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_MISSING = "invitation_missing"
    PASSWORD_WRONG = "password_wrong"  # noqa: S105 (an error code: re-confirming a password, the erasure)
    ERASE_ADMINISTRATOR = "erase_administrator"

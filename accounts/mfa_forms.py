"""allauth's authenticator-code forms (``MFA_FORMS``), refusing codes while
the account is locked and counting wrong ones against the account.

allauth's own limit on codes counts per client address; 5 addresses made
100 guesses at one account's code in a minute. A wrong code here counts
towards ``accounts.lockouts``' limit from any address, and once the
account is locked even the right code is refused. The token API checks
codes with ``MFAAuthenticateForm`` too, so it counts the same way.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms

from accounts import lockouts
from accounts.models import AccountLockout


class LockoutCountingMixin:
    """``clean_code`` behind the account's lockout."""

    user: Any

    def clean_code(self) -> str:
        if lockouts.account_locked(user=self.user):
            raise forms.ValidationError(lockouts.LOCKED_MESSAGE, code="account_locked")
        try:
            return str(super().clean_code())  # type: ignore[misc]
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "incorrect_code":  # not allauth's own refusal to check at all
                lockouts.failure_record(login=self.user.email, reason=AccountLockout.Reason.CODE)
            raise


class MFAAuthenticateForm(LockoutCountingMixin, AuthenticateForm):
    """The code asked for at sign-in (and by the token API)."""


class MFAReauthenticateForm(LockoutCountingMixin, ReauthenticateForm):
    """The code asked for again inside a session, before a sensitive step."""

"""allauth adapter: who may sign up, and which address a client has.

Everything else (login, verification, reset, rate limits, MFA) is allauth's
default behaviour, configured in settings.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from accounts import lockouts, login_limits
from accounts.models import AccountLockout
from core.client_ip import client_address_bucket
from governance.models import Unit


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, "account_locked": lockouts.LOCKED_MESSAGE}

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's limits count: ``core.client_ip``'s rule
        (``TRUSTED_PROXY_COUNT``), the same as the API's throttles, with an
        IPv6 client counted by its /64 (so an e-mail allauth writes with
        the address shows the network)."""
        return client_address_bucket(request)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        """allauth's authentication, refused while the account is locked
        (``accounts.lockouts``: too many failures from anywhere) and behind a
        limit on failed sign-ins per account *and* client address
        (``accounts.login_limits``). A wrong password counts towards both."""
        address = self.get_client_ip(request)
        login = str(credentials.get("email") or credentials.get("username") or "")
        if lockouts.login_locked(login=login):
            raise self.validation_error("account_locked")
        if login_limits.login_refused(address=address, login=login):
            raise self.validation_error("too_many_login_attempts")
        user = super().authenticate(request, **credentials)
        if user is None:
            login_limits.login_failed(address=address, login=login)
            lockouts.failure_record(login=login, reason=AccountLockout.Reason.PASSWORD)
        return user

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open sign-up exists only for supporters of units that allow it;
        members arrive from the roll by invitation."""
        return Unit.objects.filter(allows_supporter_signup=True).exists()

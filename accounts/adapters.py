"""allauth adapter: who may sign up, and which address a client has.

Everything else (login, verification, reset, rate limits, MFA) is allauth's
default behaviour, configured in settings.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from core.client_ip import client_ip
from governance.models import Unit


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's limits count: ``core.client_ip``'s rule
        (``TRUSTED_PROXY_COUNT``), the same as the API's throttles."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Count failed sign-ins per account *and* client address, so that
        someone guessing from elsewhere cannot lock the member out (the
        per-address limit in ``ACCOUNT_RATE_LIMITS`` still stops one address
        trying many accounts)."""
        return f"{self.get_client_ip(request)}|{super()._get_login_attempts_cache_key(request, **credentials)}"

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open sign-up exists only for supporters of units that allow it;
        members arrive from the roll by invitation."""
        return Unit.objects.filter(allows_supporter_signup=True).exists()

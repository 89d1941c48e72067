"""allauth adapter: who may sign up.

Everything else (login, verification, reset, rate limits, MFA) is allauth's
default behaviour, configured in settings.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from governance.models import Unit


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Open sign-up exists only for supporters of units that allow it;
        members arrive from the roll by invitation."""
        return Unit.objects.filter(allows_supporter_signup=True).exists()

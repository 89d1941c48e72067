"""Guards for views of every app: MFA where ``governance.authority`` demands
it, clear denials.

``mfa_enforced`` sends an officer who must use two-factor authentication, and
has not set it up, to allauth's TOTP set-up page with a message saying why.
``deny(reason)`` builds the ``PermissionDenied`` whose reason the 403 page
shows. ``HasRequiredMFA`` is the DRF permission (an API client cannot be
redirected, so it gets a 403 with code ``mfa_required``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from rest_framework import permissions

from core.errors import NotPermitted
from governance import authority

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
ContextFn = Callable[..., dict[str, Any]]

MFA_SETUP_MESSAGE = "This page needs two-factor authentication. Set up an authenticator app to continue."


def _mfa_setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.warning(request, MFA_SETUP_MESSAGE)
    return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")


def mfa_enforced(context: ContextFn | None = None) -> Callable[[View], View]:
    """Require MFA from users ``governance.authority`` says must have it.

    ``context(request, *args, **kwargs)`` may return ``{"unit": …}`` or
    ``{"ballot": …}`` to narrow the demand to the object the page is about.
    Anonymous users go to the sign-in page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = context(request, *args, **kwargs) if context else {}
            if not authority.mfa_satisfied(request.user, **scope):
                return _mfa_setup_redirect(request)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def deny(reason: str) -> PermissionDenied:
    """A ``PermissionDenied`` whose message the 403 page shows."""
    return PermissionDenied(reason)


class HasRequiredMFA(permissions.BasePermission):
    """DRF: refuse officers who must have MFA and have not set it up.

    Checked per object too, so a view can narrow to the unit or ballot by
    implementing ``get_mfa_scope(obj)``."""

    message = "Two-factor authentication is required for this; set it up at /accounts/2fa/."
    code = "mfa_required"

    def has_permission(self, request: Any, view: Any) -> bool:
        return not request.user.is_authenticated or authority.mfa_satisfied(request.user)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        scope = view.get_mfa_scope(obj) if hasattr(view, "get_mfa_scope") else {}
        return not request.user.is_authenticated or authority.mfa_satisfied(request.user, **scope)


def mfa_required_or_refuse(user: Any, *, unit: Any = None, ballot: Any = None) -> None:
    """For API views that find their unit inside the handler: raise the
    ``mfa_required`` refusal (403) when this unit demands MFA the user lacks."""
    if not authority.mfa_satisfied(user, unit=unit, ballot=ballot):
        raise NotPermitted(HasRequiredMFA.code, HasRequiredMFA.message)

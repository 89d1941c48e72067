"""Guards for views of every app: MFA where ``governance.authority`` demands
it, clear denials.

MFA is about the request, not the account: where it is required, the
session must have signed in (or reauthenticated) with the second factor, or
the API token must have been issued with a code
(``accounts.authentication.request_mfa_verified``, the one rule).

``mfa_enforced`` sends an officer who must use two-factor authentication to
allauth's TOTP set-up page if they have no authenticator, or to allauth's
code page (``mfa_reauthenticate``) if this session has not passed it, with
a message saying why. ``access_unit(user, slug, act)`` finds a unit and
authorises the person through the gate in one call. API views rely on the gate
(``governance.gate``), which their services call: an API client cannot be
redirected, so it gets a 403 with code ``mfa_required`` or
``mfa_not_verified``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.authentication import request_mfa_verified
from core.errors import ErrorCode, NotFound, NotPermitted
from governance import authority
from governance.gate import Act, is_mfa_refusal, refusal, require
from governance.models import Unit

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
ContextFn = Callable[..., dict[str, Any]]
M = TypeVar("M", bound=Model)

MFA_SETUP_MESSAGE = "This page needs two-factor authentication. Set up an authenticator app to continue."
MFA_VERIFY_MESSAGE = (
    "This page needs two-factor authentication, and this session signed in without it. "
    "Enter a code from your authenticator app to continue."
)


def mfa_shortfall(request: Any, *, unit: Any = None, ballot: Any = None) -> authority.MFAShortfall | None:
    """``authority.mfa_shortfall`` for this request's user and credentials."""
    return authority.mfa_shortfall(request.user, mfa_verified=request_mfa_verified(request), unit=unit, ballot=ballot)


def mfa_redirect(request: HttpRequest, shortfall: str) -> HttpResponse:
    """Send the person to set up an authenticator (``mfa_required``) or to
    enter a code (``mfa_not_verified``), then back here."""
    next_query = urlencode({"next": request.get_full_path()})
    if shortfall == "mfa_required":
        messages.warning(request, MFA_SETUP_MESSAGE)
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{next_query}")
    messages.warning(request, MFA_VERIFY_MESSAGE)
    return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")


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
            shortfall = mfa_shortfall(request, **scope)
            if shortfall is not None:
                return mfa_redirect(request, shortfall)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def access_unit(user: Any, slug: str, act: Act, *, doing: str | None = None, refused_as: str | None = None) -> Unit:
    """The unit by its slug, if ``user`` may do ``act`` there now (the gate,
    MFA included): as Zulip's ``access_stream_by_id``, one call finds the
    object (``NotFound`` otherwise) and authorises the person, so no page
    or API view decides. The page middleware and the API handler translate
    what it raises. ``refused_as`` rewords the gate's "not permitted" for a
    page (``{unit}`` is the unit's name); its code, and an MFA refusal, stay."""
    unit = Unit.objects.filter(slug=slug).first()
    if unit is None:
        raise NotFound(ErrorCode.NOT_FOUND, "There is no such unit.")
    refused = refusal(user, act, unit, doing=doing)
    if refused is not None and refused_as is not None and not is_mfa_refusal(refused):
        refused = NotPermitted(refused.code, refused_as.format(unit=unit.name))
    if refused is not None:
        raise refused
    return unit


def access_in_unit(
    user: Any,
    objects: QuerySet[M],
    pk: int,
    act: Act,
    *,
    what: str,
    unit_of: Callable[[M], Unit] = lambda found: found.unit,  # type: ignore[attr-defined]
) -> M:
    """``access_unit`` for something of a unit found by its id (a body, an
    office, a holding, a document, a roll import): found in ``objects``
    (``NotFound`` "There is no such {what}." otherwise), then the gate on
    its unit (``unit_of``)."""
    found = objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(ErrorCode.NOT_FOUND, f"There is no such {what}.")
    require(user, act, unit_of(found))
    return found

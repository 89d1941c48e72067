"""How a page runs a service and shows its refusal: one helper for a form,
one for a button.

A page validates a form, calls one service, and either answers the success
(usually a redirect) or shows the page again with the reason. The service
decides; the page only translates its ``DomainError``: onto the form (its
message, the service's status) or, for a button with no form, as an error
message. A refusal that is mended by two-factor authentication
(``MFARefusal``) is not shown as a reason: it goes on to
``governance.middleware``, which sends the person to set up or pass MFA.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.errors import DomainError, MFARefusal

T = TypeVar("T")


def run_form(
    form: BaseForm,
    action: Callable[[], T],
    *,
    success: Callable[[T], HttpResponse],
    page: Callable[[int], HttpResponse],
    field: str | None = None,
    refused: Callable[[DomainError], None] | None = None,
) -> HttpResponse:
    """Show ``form``'s page, or run ``action`` (the service call) with it.

    ``page(status)`` is the page with the form: 200 when the form is not
    bound (a GET), 400 when it is invalid, and the refusal's own status when
    the service said no (its message is added to the form, on ``field`` or
    at the top). ``success(result)`` answers an accepted action (usually a
    redirect). ``refused(exc)`` may act on a refusal first (raise
    ``Http404``, add a message)."""
    if not form.is_bound:
        return page(200)
    if not form.is_valid():
        return page(400)
    try:
        result = action()
    except MFARefusal:
        raise
    except DomainError as exc:
        if refused is not None:
            refused(exc)
        form.add_error(field, exc.message)
        return page(exc.status)
    return success(result)


def run_action(
    action: Callable[[], T],
    *,
    success: Callable[[T], HttpResponse],
    failure: Callable[[DomainError], HttpResponse],
    request: HttpRequest | None = None,
) -> HttpResponse:
    """Run ``action`` (a service call with no form, or reading a token).

    ``success(result)`` answers an accepted action, ``failure(exc)`` a
    refusal; given ``request``, the refusal's message is also added to the
    page's messages."""
    try:
        result = action()
    except MFARefusal:
        raise
    except DomainError as exc:
        if request is not None:
            messages.error(request, exc.message)
        return failure(exc)
    return success(result)


def done(request: HttpRequest, message: str, to: str, *args: Any, **kwargs: Any) -> HttpResponse:
    """The usual success: say ``message`` and redirect to ``to`` (a URL name
    with its arguments, or a path)."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)

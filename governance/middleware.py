"""Binds each request for the authority gate, and turns the gate's refusals
that escape a page into the page's answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import NotFound, NotPermitted
from governance.access import mfa_redirect
from governance.gate import is_mfa_refusal, request_bound


class RequestMFAMiddleware:
    """Binds the request for ``governance.gate.current_mfa_verified`` (after
    ``AuthenticationMiddleware`` and allauth's, so the session is there).

    A page whose service refuses on the gate's word and does not catch it
    gets the page's answers: an MFA refusal sends the person to set up or
    pass two-factor authentication, any other refusal is the 403 page with
    its reason; a ``NotFound`` is the 404 page. (The API's views handle
    their own errors, as JSON.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_bound(request):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):  # an ``access_*`` helper found nothing by that id
            raise Http404(exception.message) from exception
        if not isinstance(exception, NotPermitted):
            return None
        if is_mfa_refusal(exception) and request.user.is_authenticated:
            return mfa_redirect(request, exception.code)
        return render(request, "403.html", {"reason": exception.message}, status=403)

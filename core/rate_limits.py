"""Rate limits for the site's expensive public pages, not only the API.

A declared result's page and downloads are public and cost real work to
send; without a limit, a handful of anonymous clients looping on them slowed
every page of the site. The counting is the API's (``core.api.throttling``:
the same client address from ``core.client_ip``, the same cache, failing
over to process memory when Redis is down, ``core.cache``); the rates are
``PAGE_THROTTLE_RATES``. Signed-in members are not limited here: they are
few, known, and the API limits them per account.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.api.throttling import PageRateThrottle

TOO_MANY = "Too many requests from your address for this kind of page. Please wait {wait} seconds and try again."


def too_many_requests(request: HttpRequest, *, wait: float | None) -> HttpResponse:
    """429 with the reason and ``Retry-After`` (whole seconds, at least 1)."""
    seconds = max(1, math.ceil(wait or 1))
    response = render(request, "429.html", {"reason": TOO_MANY.format(wait=seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def anonymous_rate_limit(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit anonymous requests to a view per client address, at
    ``PAGE_THROTTLE_RATES[scope]``; over it, a 429 (:func:`too_many_requests`)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                throttle = PageRateThrottle(scope)
                if not throttle.allow_request(request, view):  # type: ignore[arg-type]  # Django's request: see PageRateThrottle
                    return too_many_requests(request, wait=throttle.wait())
            return view(request, *args, **kwargs)

        return limited

    return decorator

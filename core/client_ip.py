"""The client's address, believing only the proxies we run.

``TRUSTED_PROXY_COUNT`` (setting) is how many reverse proxies of ours sit in
front of the web processes, each appending the address it saw to
``X-Forwarded-For``. The client's address is then the entry that many places
from the right; anything further left was written by the client and is
ignored. With no trusted proxy, the header is ignored entirely and the
address is the socket's (``REMOTE_ADDR``). The same rule serves every
limit keyed on the address: allauth's sign-in limits (``accounts.adapters``)
and DRF's throttles (``REST_FRAMEWORK["NUM_PROXIES"]`` is set to the same
number, and ``core.api.throttling`` calls this function).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The client's address. A header shorter than the proxy chain (a request
    that did not come through all our proxies) or an entry that is not an
    address falls back to the socket's address, never to a client's word."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    trusted: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.rsplit(",", trusted)]
    if len(hops) < trusted:
        return remote
    candidate = hops[-trusted]
    return candidate if _valid(candidate) else remote

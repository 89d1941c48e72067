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

Limits count an IPv6 client by its /64 (``address_bucket``): one household
or one rented server is normally handed a whole /64, 2**64 addresses, so a
limit per IPv6 address limits nothing.
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


IPV6_PREFIX = 64


def address_bucket(address: str) -> str:
    """What a per-address limit counts: an IPv4 address as it is, an IPv6
    address as its /64 network (``2001:db8:1:2::/64``), an IPv4-mapped IPv6
    address as the IPv4 address. Anything else (an empty ``REMOTE_ADDR`` in
    a test client) is returned unchanged, so it still counts as one."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def client_address_bucket(request: HttpRequest) -> str:
    """``address_bucket`` of ``client_ip``: the key of every per-address limit."""
    return address_bucket(client_ip(request))

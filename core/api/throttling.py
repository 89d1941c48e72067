"""API rate limits: keyed on the client address our proxies vouch for, and
one that needs no network round trip."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from core.client_ip import client_address_bucket


class ClientAddressMixin:
    """The address a throttle counts is ``core.client_ip``'s: the socket's, or
    the one our ``TRUSTED_PROXY_COUNT`` proxies recorded, never a header the
    client wrote. An IPv6 client counts by its /64 (``address_bucket``)."""

    def get_ident(self, request: Request) -> str:
        return client_address_bucket(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """DRF's anonymous limit (``DEFAULT_THROTTLE_RATES["anon"]``) per client address."""


class SimpleRateThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Base for scoped limits keyed on the client address."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class InProcessUserRateThrottle(UserRateThrottle):
    """The per-member API limit (``DEFAULT_THROTTLE_RATES["user"]``),
    counted in this process's memory instead of Redis.

    For the vote endpoint: a member can cast one vote per ballot whatever
    the limit, so what the limit guards against is a client hammering the
    server, which a count per web process bounds just as well (each process
    allows the rate; a deployment allows it times its processes). It saves a
    Redis read and write on every vote at the busiest hour and keeps the
    endpoint's limit working while Redis is down."""

    @property
    def cache(self) -> Any:  # type: ignore[override]  # DRF only reads self.cache
        """Looked up per use, not at import: importing the API must not need
        the cache configured yet (tests swap ``CACHES``)."""
        return caches["in_process"]


class PageRateThrottle(SimpleRateThrottle):
    """The same counting for the site's pages (``core.rate_limits``): one
    scope of ``PAGE_THROTTLE_RATES`` per kind of page, per client address.

    It is handed Django's request, not DRF's: a page has no DRF request,
    and the address is read from ``META`` either way."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_rate(self) -> str:
        """Read per request, so the setting can change (tests, a reload) without a restart."""
        return str(settings.PAGE_THROTTLE_RATES[str(self.scope)])

    def get_ident(self, request: Any) -> str:
        return client_address_bucket(request)

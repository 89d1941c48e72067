"""Rate limits that need no network round trip."""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.throttling import UserRateThrottle


class InProcessUserRateThrottle(UserRateThrottle):
    """The per-member API limit (``DEFAULT_THROTTLE_RATES["user"]``),
    counted in this process's memory instead of Redis.

    For the vote endpoint: a member can cast one vote per ballot whatever
    the limit, so what the limit guards against is a client hammering the
    server, which a count per web process bounds just as well (each process
    allows the rate; a deployment allows it times its processes). It saves a
    Redis read and write on every vote at the busiest hour and keeps the
    endpoint's limit working while Redis is down."""

    cache = caches["in_process"]

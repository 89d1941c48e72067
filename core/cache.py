"""The shared cache: Redis, with this process's memory standing in while
Redis is unreachable.

What lives in the default cache is counters: allauth's sign-in limits and
the API's throttles. Failing *open* (django-redis's ``IGNORE_EXCEPTIONS``:
reads miss, writes vanish) is wrong for both. allauth takes a lock with
``cache.add`` before counting; a dropped ``add`` reads as "someone else
holds the lock", so every sign-in got 429 while Redis was down. DRF's
throttles, on the other hand, read an empty history every time, so password
guessing was unlimited. Here, when Redis fails, the same call goes to a
local in-memory cache instead and Redis is left alone for
``FAILOVER_SECONDS`` (so a dead Redis costs one connection attempt per
interval, not one per call). Limits stay in force, counted per process: a
deployment of *n* web processes allows at most *n* times each limit while
Redis is down. When Redis answers again its own counters apply again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

FAILOVER_SECONDS = 5.0
_FAILURES = (ConnectionInterrupted, RedisError, OSError)


class FailoverRedisCache(RedisCache):  # type: ignore[type-arg]
    """django-redis's cache whose every call falls back to a per-process
    ``LocMemCache`` when Redis raises. ``OPTIONS["IGNORE_EXCEPTIONS"]`` is
    set to false whatever the settings say (django-redis's documented
    option): errors must reach this class to be handled here, not be
    swallowed by django-redis first."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        super().__init__(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(
            f"failover-{server}", {"OPTIONS": {"MAX_ENTRIES": 100_000}, "TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._redis_down_until = 0.0

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _FAILURES:
                logger.warning("Redis cache unreachable: counting in this process for %ss", FAILOVER_SECONDS)
                self._redis_down_until = time.monotonic() + FAILOVER_SECONDS
        method: Callable[..., Any] = getattr(self.fallback, name)
        return method(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get_many", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("incr", *args, **kwargs)

    def decr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("decr", *args, **kwargs)

    def clear(self) -> Any:
        self.fallback.clear()
        return self._either("clear")

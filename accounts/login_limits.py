"""Failed sign-ins per account *and* client address.

Five failures for one account from one address refuse that address for that
account until 20 minutes after the first of them: at least 15 minutes after
five failures inside five. Because the count is per address, someone
guessing from elsewhere cannot lock a member out of their own account;
allauth's own per-address limit (``ACCOUNT_RATE_LIMITS["login_failed"]``)
still stops one address trying many accounts.

allauth offers no public hook for a key made of both, so this counts in the
default cache itself and is called from the adapter's public
``authenticate``. The cache keeps the failures' times (a sliding window);
with Redis down it counts in process memory (``core/cache.py``).
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

FAILURES = 5
WINDOW_SECONDS = 20 * 60


def _key(address: str, login: str) -> str:
    digest = hashlib.sha256(f"{address}|{login.strip().lower()}".encode()).hexdigest()
    return f"accounts:login-failures:{digest}"


def _recent(address: str, login: str) -> list[float]:
    now = time.time()
    return [t for t in cache.get(_key(address, login), []) if now - t < WINDOW_SECONDS]


def login_refused(*, address: str, login: str) -> bool:
    """Has this address failed too often for this account lately?"""
    return len(_recent(address, login)) >= FAILURES


def login_failed(*, address: str, login: str) -> None:
    """Record one failure (the list is short: at most ``FAILURES`` times)."""
    times = [*_recent(address, login), time.time()][-FAILURES:]
    cache.set(_key(address, login), times, timeout=WINDOW_SECONDS)

"""Failed sign-ins counted in the cache: per account *and* client address,
and per account from any address.

**Per address and account.** Five failures for one account from one address
refuse that address for that account until 20 minutes after the first of
them: at least 15 minutes after five failures inside five. Someone guessing
from elsewhere cannot lock a member out this way; allauth's own per-address
limit (``ACCOUNT_RATE_LIMITS["login_failed"]``) still stops one address
trying many accounts. An IPv6 address counts by its /64
(``core.client_ip.address_bucket``).

**Per account.** Spread over 20 addresses, five guesses each pass every
limit above; so failures for one account are also counted from every
address, and past ``ACCOUNTS_LOCKOUT_*`` the account is locked
(``accounts.lockouts`` keeps the lockout, e-mails the owner and lets an
officer lift it). This module only counts.

allauth offers no public hook for a key made of account and address, so
this counts in the default cache itself. The per-account count is a
fixed window started by the first failure and raised with ``cache.incr``
(atomic in Redis), so failures arriving at once from many addresses are
all counted. With Redis down the cache counts in process memory
(``core/cache.py``).
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

from core.client_ip import address_bucket

FAILURES = 5
WINDOW_SECONDS = 20 * 60


def _digest(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()


def _key(address: str, login: str) -> str:
    digest = hashlib.sha256(f"{address_bucket(address)}|{login.strip().lower()}".encode()).hexdigest()
    return f"accounts:login-failures:{digest}"


def _recent(address: str, login: str) -> list[float]:
    now = time.time()
    return [t for t in cache.get(_key(address, login), []) if now - t < WINDOW_SECONDS]


def login_refused(*, address: str, login: str) -> bool:
    """Has this address (its /64 for IPv6) failed too often for this account lately?"""
    return len(_recent(address, login)) >= FAILURES


def login_failed(*, address: str, login: str) -> None:
    """Record one failure (the list is short: at most ``FAILURES`` times)."""
    times = [*_recent(address, login), time.time()][-FAILURES:]
    cache.set(_key(address, login), times, timeout=WINDOW_SECONDS)


def _account_key(kind: str, login: str) -> str:
    return f"accounts:account-failures:{kind}:{_digest(login)}"


def account_failure_count(*, kind: str, login: str, window_seconds: int) -> int:
    """Count one failure of ``kind`` ("password", "code") for this account
    from any address; returns the failures in the current window."""
    key = _account_key(kind, login)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: this failure starts a new window
        cache.set(key, 1, timeout=window_seconds)
        return 1


def account_failures_clear(*, login: str, kinds: tuple[str, ...] = ("password", "code")) -> None:
    """Forget the account's counted failures (a lockout starts or is lifted)."""
    cache.delete_many([_account_key(kind, login) for kind in kinds])


def _unknown_key(login: str) -> str:
    return f"accounts:unknown-locked:{_digest(login)}"


def unknown_login_lock(*, login: str, seconds: int) -> None:
    """Refuse a login that names no account, as a real account would be
    refused, so that locking does not tell which addresses have accounts."""
    cache.set(_unknown_key(login), 1, timeout=seconds)


def unknown_login_locked(*, login: str) -> bool:
    return bool(cache.get(_unknown_key(login)))

"""Signing in: throttled guessing without lock-out by strangers, no common
passwords, argon2 only, and MFA on officer pages where the unit demands it.

The test settings switch allauth's rate limits off and hash with MD5 for
speed; these tests put production's values back (rate limits from
``base.py``, hashers from ``base.py``) for their own duration.

Figures: attempts refused and for how long; common passwords accepted (0);
stored hashes that are not argon2 (0); officer pages reachable without MFA
under a strict unit (0).
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path
from typing import Any
from unittest import mock

import django.contrib.auth
import pytest
from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.forms import ClaimForm
from accounts.models import UnitAccessPolicy, User
from config.settings import base
from tests.accounts.helpers import activate_totp, totp_code
from tests.security.conftest import Demo, load_demo

PASSWORD = "demo-password-2026"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sec-throttle"}}


class Clock:
    """The sign-in limit (``accounts.login_limits``) reads ``time.time()``; this one can jump ahead."""

    def __init__(self) -> None:
        import time

        self.now = time.time()
        self.monotonic = time.monotonic
        self.sleep = time.sleep

    def time(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


def _attempt(client: Client, email: str, password: str, ip: str) -> str:
    """'in' when signed in, 'wrong' for a bad password, 'refused' when throttled."""
    response = client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)
    if response.status_code == 302:
        client.logout()
        return "in"
    text = response.content.decode()
    if "Too many failed login attempts" in text:
        return "refused"
    assert "not correct" in text or "incorrect" in text or "errorlist" in text, text[:2000]
    return "wrong"


@override_settings(ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS, CACHES=LOCMEM)
def test_five_failures_refuse_the_sixth_for_fifteen_minutes_but_not_from_elsewhere(demo: Demo) -> None:
    from django.core.cache import cache

    cache.clear()
    clock = Clock()
    email, attacker, member_ip = demo.member.email, "203.0.113.9", "198.51.100.7"
    client = Client()
    with mock.patch("accounts.login_limits.time", clock):
        for _ in range(5):
            assert _attempt(client, email, "wrong-password-1", attacker) == "wrong"
            clock.advance(0.9)  # five failures inside five minutes
        # The sixth is refused, even with the right password…
        assert _attempt(client, email, PASSWORD, attacker) == "refused"
        # …and still 15 minutes after the fifth failure.
        clock.advance(15)
        assert _attempt(client, email, PASSWORD, attacker) == "refused"
        # Meanwhile the member, from their own address, is not locked out.
        assert _attempt(client, email, PASSWORD, member_ip) == "in"
        # After the window the attacker's address may try again.
        clock.advance(5)
        assert _attempt(client, email, "wrong-password-2", attacker) == "wrong"
        # One address trying many accounts is stopped too.
        refused = [_attempt(client, f"nobody{i}@example.org", "x" * 12, "192.0.2.1") for i in range(21)]
        assert refused.count("refused") >= 1 and refused[:20].count("wrong") == 20
    print("\nlogin throttle: 6th attempt refused, still refused 15 min later; member elsewhere signs in")  # noqa: T201


def common_passwords(n: int = 1000, min_length: int = 10) -> list[str]:
    """The first ``n`` entries of Django's common-password list that are long
    enough to pass the length rule, so only the common-password rule can refuse them."""
    path = Path(django.contrib.auth.__file__).parent / "common-passwords.txt.gz"
    with gzip.open(path, "rt") as f:
        words = [line.strip() for line in f if len(line.strip()) >= min_length]
    assert len(words) >= n
    return words[:n]


@pytest.mark.django_db
def test_a_thousand_common_passwords_are_refused_at_sign_up_and_password_set() -> None:
    from governance.models import Unit

    unit = Unit.objects.create(name="Open branch", slug="open-branch", allows_supporter_signup=True)
    claimant = User.objects.create_user(email="claimant@example.org", password=None, full_name="Claimant")
    accepted: list[str] = []
    passwords = common_passwords()
    for password in passwords:
        form = SignupForm(
            data={
                "email": "new.supporter@example.org",
                "password1": password,
                "password2": password,
                "full_name": "New Supporter",
                "unit": unit.pk,
            }
        )
        if form.is_valid():
            accepted.append(f"sign-up: {password}")
        claim = ClaimForm(claimant, data={"new_password1": password, "new_password2": password})
        if claim.is_valid():
            accepted.append(f"set password: {password}")
    # And through the real sign-up page, end to end, for a sample.
    client = Client()
    for password in passwords[:25]:
        data = {"email": "web@example.org", "password1": password, "password2": password}
        response = client.post("/accounts/signup/", {**data, "full_name": "Web", "unit": unit.pk})
        if response.status_code == 302:
            accepted.append(f"sign-up page: {password}")
    assert not User.objects.filter(email__in=["new.supporter@example.org", "web@example.org"]).exists()
    figure = f"{len(passwords)} tried at sign-up and password set (+25 via the page), {len(accepted)} accepted"
    print(f"\ncommon passwords: {figure}")  # noqa: T201
    assert not accepted, accepted[:10]


@pytest.mark.django_db
def test_every_stored_password_is_argon2_under_production_hashers() -> None:
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        load_demo()
        from governance.models import Unit

        unit = Unit.objects.get(slug="momentum-stockport")
        client = Client()
        response = client.post(
            "/accounts/signup/",
            {
                "email": "fresh@example.org",
                "password1": "a-long-unusual-phrase-77",
                "password2": "a-long-unusual-phrase-77",
                "full_name": "Fresh Supporter",
                "unit": unit.pk,
            },
        )
        assert response.status_code == 302, response.content[:1500]
        # An old PBKDF2 hash is upgraded to argon2 at the next sign-in.
        legacy = User.objects.get(email="member@example.org")
        legacy.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        legacy.save(update_fields=["password"])
        assert django.contrib.auth.authenticate(username=legacy.email, password=PASSWORD) is not None
        usable = [u for u in User.objects.all() if u.has_usable_password()]
        not_argon2 = [u.email for u in usable if not u.password.startswith("argon2$")]
    print(f"\npassword hashes: {len(usable)} stored, {len(not_argon2)} not argon2")  # noqa: T201
    assert len(usable) > 20 and not not_argon2, not_argon2


# Officer and returning-officer pages and API calls of Stockport (see the access matrix).
OFFICER_PAGES = [
    "/units/{slug}/roll/",
    "/units/{slug}/roll/export.csv",
    "/units/{slug}/manage/",
    "/me/units/{slug}/audit/",
    "/me/units/{slug}/audit.csv",
    "/meetings/{meeting}/console/",
    "/meetings/{past}/minutes/",
    "/meetings/schedule/{slug}/",
]
OFFICER_API = [
    ("get", "/api/governance/units/{slug}/memberships/", None),
    ("post", "/api/governance/units/{slug}/offices/", {"title": "Youth officer"}),
    ("post", "/api/meetings/{meeting}/agenda/", {"kind": "aob", "title": "X"}),
]


def _fill(url: str, demo: Demo) -> str:
    from meetings.models import Meeting

    past = Meeting.objects.filter(unit=demo.stockport).exclude(pk=demo.meeting.pk).first()
    return url.format(slug=demo.stockport.slug, meeting=demo.meeting.pk, past=past.pk if past else 0)


def _mfa_refused(response: Any) -> bool:
    if response.status_code == 302:
        return "/accounts/2fa/totp/activate/" in response["Location"]
    if response.status_code == 403 and response.get("Content-Type", "").startswith("application/json"):
        return response.json().get("code") == "mfa_required"
    return False


def test_officer_pages_need_mfa_where_the_unit_demands_it(demo: Demo) -> None:
    UnitAccessPolicy.objects.create(unit=demo.stockport, officers_require_mfa=True, returning_officers_require_mfa=True)
    web, api = Client(), APIClient()
    web.force_login(demo.secretary)
    api.force_login(demo.secretary)
    open_pages: list[str] = []
    for url in OFFICER_PAGES:
        response = web.get(_fill(url, demo))
        if not _mfa_refused(response):
            open_pages.append(f"{url}: {response.status_code}")
    for method, url, data in OFFICER_API:
        response = getattr(api, method)(_fill(url, demo), data, format="json")
        if not _mfa_refused(response):
            open_pages.append(f"{method.upper()} {url}: {response.status_code}")
    # The returning officer declaring a result.
    response = web.post(f"/ballots/{demo.declared_ballot.pk}/declare/")
    if not _mfa_refused(response):
        open_pages.append(f"POST declare: {response.status_code}")
    total = len(OFFICER_PAGES) + len(OFFICER_API) + 1
    print(f"\nMFA: {total} officer/RO pages and calls under a strict unit, {len(open_pages)} open without MFA")  # noqa: T201
    assert not open_pages, open_pages

    # An authenticator set up elsewhere does not open them to this session,
    # which signed in without it: it is sent to the code page.
    secret = activate_totp(demo.secretary, password=PASSWORD)
    for url in OFFICER_PAGES:
        response = web.get(_fill(url, demo))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/"), url
    # Signed in with the code, the same pages open.
    web = Client()
    assert web.post("/accounts/login/", {"login": demo.secretary.email, "password": PASSWORD}).status_code == 302
    assert web.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, at=time.time() + 30)}).status_code == 302
    for url in OFFICER_PAGES:
        response = web.get(_fill(url, demo))
        assert response.status_code == 200, f"{url}: {response.status_code}"

"""Guessing spread over many addresses: the account itself is locked.

Limits per address (and per address *and* account) do nothing against 20
addresses taking five guesses each, or an IPv6 /64 handing out 2**64 of
them. Here, failures for one account are counted from every address; past
the limit the account is locked (the right password and the right code are
refused too), its owner gets one e-mail, and an officer of their unit can
lift the lock (audited).

Figures: password guesses accepted from 20 addresses before the lock (20);
code guesses before the lock (10); e-mails to the owner per lockout (1).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from config.settings import base
from core.models import AuditEntry, OutboxEmail
from tests.accounts.helpers import FACTORY_PASSWORD, activate_totp, make_officer, totp_code, verified_user
from tests.factories import MembershipFactory, UnitFactory, member_of

pytestmark = pytest.mark.django_db

LOCMEM = {**base.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lockout"}}
LOCKED = "locked"


@pytest.fixture(autouse=True)
def _fresh_counters() -> Any:
    with override_settings(CACHES=LOCMEM):
        cache.clear()
        yield
        cache.clear()


def _outcome(response: Any) -> str:
    """'in' (signed in), 'mfa' (asked for a code), 'locked', 'refused' (per-address limit) or 'wrong'."""
    if response.status_code == 302:
        return "mfa" if response["Location"].startswith("/accounts/2fa/authenticate/") else "in"
    text = response.content.decode()
    if "This account is locked" in text:
        return LOCKED
    if response.status_code == 429 or "Too many failed login attempts" in text:
        return "refused"
    assert response.status_code == 200, response.status_code
    return "wrong"


def _sign_in(client: Client, email: str, password: str, ip: str) -> str:
    outcome = _outcome(client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip))
    if outcome == "in":
        client.logout()
    return outcome


def _lockout_emails(user: Any) -> int:
    return OutboxEmail.objects.filter(recipient=user, key__startswith="accounts-lockout:").count()


def _lift(officer: Any, person: Any) -> Any:
    api = APIClient()
    api.force_authenticate(officer)
    return api.post(f"/api/accounts/people/{person.pk}/lockout/lift/", format="json")


def _branch_with_officer() -> tuple[Any, Any, Any]:
    unit = UnitFactory(name="Stockport", slug="stockport")
    member = member_of(unit)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    officer = member_of(unit)
    make_officer(officer, unit)
    return unit, member, officer


@override_settings(CACHES=LOCMEM, ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS, TRUSTED_PROXY_COUNT=0)
def test_password_guesses_from_twenty_addresses_lock_the_account_until_an_officer_lifts_it() -> None:
    _unit, member, officer = _branch_with_officer()
    web = Client()
    # 100 guesses, five from each of 20 addresses: under every per-address limit.
    outcomes = [_sign_in(web, member.email, f"guess-{i}", f"203.0.113.{i % 20}") for i in range(100)]
    print(f"\npassword guesses from 20 addresses before the account locked: {outcomes.index(LOCKED)}")  # noqa: T201
    assert outcomes[:20] == ["wrong"] * 20 and set(outcomes[20:]) == {LOCKED}
    # The right password, from an address that never guessed, is refused too.
    assert _sign_in(web, member.email, FACTORY_PASSWORD, "198.51.100.7") == LOCKED
    # And the API will not issue a token either.
    token = APIClient().post(
        "/api/accounts/token/", {"email": member.email, "password": FACTORY_PASSWORD}, format="json"
    )
    assert (token.status_code, token.json()["code"]) == (403, "account_locked")
    # The owner is told once, not once per guess.
    assert _lockout_emails(member) == 1
    body = OutboxEmail.objects.get(recipient=member, key__startswith="accounts-lockout:").body_text
    assert "locked" in body and "officer" in body

    # An officer of another unit may not lift it; an officer of the member's unit may.
    stranger = member_of(UnitFactory(name="Salford", slug="salford"))
    make_officer(stranger, stranger.memberships.get().unit)
    refused = _lift(stranger, member)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_unit_officer")
    assert _sign_in(web, member.email, FACTORY_PASSWORD, "198.51.100.7") == LOCKED
    lifted = _lift(officer, member)
    assert lifted.status_code == 200 and lifted.json()["lifted"] == 1
    assert _sign_in(web, member.email, FACTORY_PASSWORD, "198.51.100.7") == "in"
    entry = AuditEntry.objects.get(action="account_lockout_lifted")
    assert (entry.actor_id, entry.object_id) == (officer.pk, str(member.pk))
    assert AuditEntry.objects.filter(action="account_locked", object_id=str(member.pk)).count() == 1


@override_settings(CACHES=LOCMEM, ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS, TRUSTED_PROXY_COUNT=0)
def test_code_guesses_from_five_addresses_lock_the_account_until_an_officer_lifts_it() -> None:
    _unit, member, officer = _branch_with_officer()
    secret = activate_totp(member)
    now = time.time()
    valid = {totp_code(secret, at=now + 30 * k) for k in range(-3, 40)}
    guesses = [code for code in (f"{i:06d}" for i in range(200)) if code not in valid][:100]
    web = Client()
    assert _sign_in(web, member.email, FACTORY_PASSWORD, "198.51.100.7") == "mfa"
    outcomes = []
    for i, code in enumerate(guesses):
        response = web.post("/accounts/2fa/authenticate/", {"code": code}, REMOTE_ADDR=f"192.0.2.{i % 5}")
        outcomes.append(_outcome(response))
        assert response.status_code == 200  # still at the code step: never signed in
    print(f"\ncode guesses from 5 addresses before the account locked: {outcomes.index(LOCKED)}")  # noqa: T201
    assert outcomes[:10] == ["wrong"] * 10 and set(outcomes[10:]) == {LOCKED}
    # Locked: the right code is refused, and so is the password step.
    right = web.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, at=time.time() + 30)})
    assert _outcome(right) == LOCKED
    fresh = Client()
    assert _sign_in(fresh, member.email, FACTORY_PASSWORD, "198.51.100.8") == LOCKED
    assert _lockout_emails(member) == 1

    assert _lift(officer, member).status_code == 200
    fresh = Client()
    assert _sign_in(fresh, member.email, FACTORY_PASSWORD, "198.51.100.8") == "mfa"
    right = fresh.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, at=time.time() + 30)})
    assert right.status_code == 302 and fresh.get("/me/").status_code == 200


@override_settings(CACHES=LOCMEM, ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS, TRUSTED_PROXY_COUNT=0)
def test_an_ipv6_slash_64_counts_as_one_address() -> None:
    member = verified_user()
    web = Client()
    # Five failures from five addresses of one /64 refuse the sixth, from yet another address of it…
    outcomes = [_sign_in(web, member.email, f"guess-{i}", f"2001:db8:1:2::{i + 1:x}") for i in range(6)]
    assert outcomes == ["wrong"] * 5 + ["refused"]
    assert _sign_in(web, member.email, FACTORY_PASSWORD, "2001:db8:1:2:abcd::1") == "refused"
    # …while the member, from another /64, signs in.
    assert _sign_in(web, member.email, FACTORY_PASSWORD, "2001:db8:1:3::1") == "in"


def test_address_bucket_is_the_slash_64_of_an_ipv6_address() -> None:
    from core.client_ip import address_bucket

    assert address_bucket("2001:db8:1:2::7") == address_bucket("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::/64"
    assert address_bucket("2001:db8:1:3::7") == "2001:db8:1:3::/64"
    assert address_bucket("::ffff:203.0.113.9") == "203.0.113.9" == address_bucket("203.0.113.9")
    assert address_bucket("") == ""


@override_settings(CACHES=LOCMEM, TRUSTED_PROXY_COUNT=0, ACCOUNTS_TOKEN_THROTTLE="10/min")
def test_the_api_token_throttle_counts_a_slash_64_as_one_address() -> None:
    api = APIClient()
    codes = [
        api.post(
            "/api/accounts/token/",
            {"email": f"nobody{i}@example.org", "password": f"guess-{i}"},
            format="json",
            REMOTE_ADDR=f"2001:db8:9:9::{i + 1:x}",
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [400] * 10 and codes[10] == 429


@override_settings(CACHES=LOCMEM, ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS, TRUSTED_PROXY_COUNT=0)
def test_guessing_an_unknown_address_locks_the_same_way_and_sends_nothing() -> None:
    """No difference to see between an account that exists and one that does not."""
    web = Client()
    outcomes = [_sign_in(web, "nobody@example.org", f"guess-{i}", f"203.0.113.{i % 20}") for i in range(30)]
    assert outcomes[:20] == ["wrong"] * 20 and set(outcomes[20:]) == {LOCKED}
    assert not OutboxEmail.objects.filter(key__startswith="accounts-lockout:").exists()


def test_a_member_with_two_units_can_be_freed_by_an_officer_of_either() -> None:
    from accounts import lockouts
    from accounts.models import AccountLockout

    _unit, member, officer = _branch_with_officer()
    other = UnitFactory(name="Trafford", slug="trafford")
    MembershipFactory(unit=other, person=member)
    other_officer = member_of(other)
    make_officer(other_officer, other)
    lockouts.lockout_start(user=member, reason=AccountLockout.Reason.PASSWORD)
    assert lockouts.account_locked(user=member)
    assert lockouts.lockout_lift(user=member, actor=other_officer) == 1
    assert not lockouts.account_locked(user=member)
    assert lockouts.lockout_lift(user=member, actor=officer) == 0  # nothing left to lift: not an error


def test_an_administrator_lifts_a_lockout_from_the_admin_site() -> None:
    from django.contrib.auth.models import Permission

    from accounts import lockouts
    from accounts.models import AccountLockout
    from tests.factories import UserFactory

    _unit, member, _officer = _branch_with_officer()
    lockout = lockouts.lockout_start(user=member, reason=AccountLockout.Reason.PASSWORD)
    staff = UserFactory(is_staff=True)  # the admin site, but no authority in the network
    staff.user_permissions.add(*Permission.objects.filter(codename="view_accountlockout"))
    admin = Client()
    admin.force_login(staff)
    url = "/admin/accounts/accountlockout/"
    response = admin.post(url, {"action": "lift", "_selected_action": [lockout.pk]}, follow=True)
    assert response.status_code == 200 and "Not yours to unlock" in response.content.decode()
    assert lockouts.account_locked(user=member)
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = admin.post(url, {"action": "lift", "_selected_action": [lockout.pk]}, follow=True)
    assert response.status_code == 200 and "1 lockout(s) lifted" in response.content.decode()
    assert not lockouts.account_locked(user=member)
    assert AuditEntry.objects.filter(action="account_lockout_lifted", object_id=str(member.pk)).exists()

"""Builders shared by the accounts tests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct
import time
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from governance.models import Holding, Office, Unit
from tests.factories import OfficeFactory, UserFactory

FACTORY_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password


def verified_user(**kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def imported_person(**kwargs: Any) -> User:
    """Someone created by a roll import: no usable password, no verified address."""
    user = UserFactory(**kwargs)
    user.password = make_password(None)
    user.save(update_fields=["password"])
    return user


def make_officer(user: User, unit: Unit, *, title: str = "Secretary", ends_on: dt.date | None = None) -> Office:
    office = OfficeFactory(unit=unit, title=title)
    Holding.objects.create(
        person=user, office=office, starts_on=dt.date(2024, 1, 1), ends_on=ends_on, authority="Appointed by the AGM"
    )
    return office


def totp_code(secret: str, *, at: float | None = None, digits: int = 6, period: int = 30) -> str:
    """RFC 6238 TOTP (HMAC-SHA1), written out so the tests do not share code
    with the implementation they check."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def activate_totp(user: User, *, password: str = FACTORY_PASSWORD) -> str:
    """Give ``user`` an authenticator through allauth's own pages, as the member
    would: sign in, confirm the password, scan, type a code. Returns the secret.

    allauth has no public function that creates an authenticator, so the
    fixture goes through the public behaviour rather than its internals."""
    return activate_totp_with_codes(user, password=password)[0]


def activate_totp_with_codes(user: User, *, password: str = FACTORY_PASSWORD) -> tuple[str, list[str]]:
    """As :func:`activate_totp`, also returning the recovery codes the page shows."""
    from django.test import Client

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    client = Client()
    signed_in = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert signed_in.status_code == 302, signed_in.content[:800]
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        assert client.post(page["Location"], {"password": password}).status_code == 302
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page.get("Location")
    found = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content) or re.search(
        rb'value="([A-Z2-7]{32})"', page.content
    )
    assert found, page.content[:2000]
    secret = found.group(1).decode()
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert done.status_code == 302, done.content[:2000]
    codes = client.get("/accounts/2fa/recovery-codes/")
    recovery = re.findall(r"\b\d{8}\b", codes.content.decode())
    client.logout()
    return secret, recovery

"""Builders shared by the accounts tests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import struct
import time
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from governance.models import Holding, Office, Unit
from tests.factories import OfficeFactory, UserFactory


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


def activate_totp(user: User) -> str:
    """Give ``user`` an authenticator the way allauth stores one; returns the secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret

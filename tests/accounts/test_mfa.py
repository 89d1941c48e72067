"""Two-factor authentication with allauth.mfa, and our demand for it on officer pages."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.models import UnitAccessPolicy
from tests.accounts.helpers import activate_totp, activate_totp_with_codes, make_officer, totp_code, verified_user
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _login(client: Client, email: str) -> str:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:800]
    return response["Location"]


def test_member_activates_totp_through_allauth_and_gets_recovery_codes() -> None:
    user = verified_user()
    client = Client()
    _login(client, user.email)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/")  # allauth asks again
    assert client.post(page["Location"], {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content)
    if secret is None:
        secret = re.search(rb'value="([A-Z2-7]{32})"', page.content)
    assert secret, page.content[:2000]
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret.group(1).decode())})
    assert done.status_code == 302 and done["Location"] == "/accounts/2fa/recovery-codes/"
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200 and len(re.findall(rb"\b\d{8}\b", codes.content)) >= 10


def test_sign_in_asks_for_a_code_once_totp_is_on() -> None:
    user = verified_user()
    secret = activate_totp(user)
    client = Client()
    assert _login(client, user.email) == "/accounts/2fa/authenticate/"
    assert client.get("/me/").status_code == 302  # not signed in until the second factor
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert wrong.status_code == 200 and b"Incorrect code" in wrong.content
    ok = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, at=time.time() + 30)})
    assert ok.status_code == 302
    assert client.get("/me/").status_code == 200


def test_a_recovery_code_signs_in_once() -> None:
    user = verified_user()
    _secret, codes = activate_totp_with_codes(user)
    code = codes[0]
    client = Client()
    _login(client, user.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    again = Client()
    _login(again, user.email)
    assert again.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200  # used up


def test_officer_page_sends_officer_of_strict_unit_to_set_up_mfa() -> None:
    unit = UnitFactory()
    UnitAccessPolicy.objects.create(unit=unit, officers_require_mfa=True)
    officer = verified_user()
    make_officer(officer, unit)
    client = Client()
    _login(client, officer.email)
    response = client.get(f"/me/units/{unit.slug}/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert b"needs two-factor" in client.get(response["Location"], follow=True).content
    secret = activate_totp(officer)
    # This session signed in before the authenticator existed: it must pass it now.
    response = client.get(f"/me/units/{unit.slug}/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert client.post(response["Location"], {"code": totp_code(secret, at=time.time() + 30)}).status_code == 302
    assert client.get(f"/me/units/{unit.slug}/audit/").status_code == 200

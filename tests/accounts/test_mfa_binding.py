"""MFA means "this session, or this token, passed two-factor authentication",
not "this account has an authenticator".

An officer who enrols after signing in, or after getting an API token, must
not carry officer rights in a unit that requires MFA on the strength of
that earlier, password-only sign-in: the session is sent to the second
factor, and the token is refused with a reason until a new one is issued
with a code.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import UnitAccessPolicy
from ballots.models import Ballot
from tests.accounts.helpers import FACTORY_PASSWORD, activate_totp, make_officer, totp_code, verified_user
from tests.factories import MembershipFactory, UnitFactory, member_of

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/accounts/token/"


@pytest.fixture
def branch() -> dict[str, Any]:
    unit = UnitFactory(name="Stockport", slug="stockport")
    secretary = verified_user()
    MembershipFactory(unit=unit, person=secretary)
    make_officer(secretary, unit)
    UnitAccessPolicy.objects.create(unit=unit, officers_require_mfa=True)
    return {"unit": unit, "secretary": secretary, "returning_officer": member_of(unit)}


def _ballot_body(branch: dict[str, Any], title: str) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=3)
    return {
        "unit": branch["unit"].slug,
        "title": title,
        "returning_officer": branch["returning_officer"].email,
        "opens_at": start.isoformat(),
        "closes_at": (start + dt.timedelta(days=7)).isoformat(),
    }


def _code(secret: str) -> str:
    """A fresh valid code. allauth refuses a code twice within its window
    (a marker in the default cache); forgetting the markers stands in for
    waiting for the next 30-second period."""
    cache.clear()
    return totp_code(secret, at=time.time())


def _sign_in_with_totp(email: str, secret: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": FACTORY_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/", {"code": _code(secret)}).status_code == 302
    return client


def test_a_token_issued_before_enrolment_cannot_create_a_ballot(branch: dict[str, Any]) -> None:
    secretary = branch["secretary"]
    issued = APIClient().post(TOKEN_URL, {"email": secretary.email, "password": FACTORY_PASSWORD}, format="json")
    assert issued.status_code == 200
    secret = activate_totp(secretary)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    response = api.post("/api/ballots/create/", _ballot_body(branch, "Old token"), format="json")
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "mfa_not_verified"
    assert "token" in response.json()["message"] and "code" in response.json()["message"]
    assert not Ballot.objects.exists()

    # A token issued with an authenticator code acts.
    body = {"email": secretary.email, "password": FACTORY_PASSWORD, "code": _code(secret)}
    fresh = APIClient().post(TOKEN_URL, body, format="json")
    assert fresh.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {fresh.json()['token']}")
    response = api.post("/api/ballots/create/", _ballot_body(branch, "New token"), format="json")
    assert response.status_code == 201, response.json()
    assert list(Ballot.objects.values_list("title", flat=True)) == ["New token"]


def test_a_session_from_before_enrolment_is_sent_to_mfa_until_it_passes_it(branch: dict[str, Any]) -> None:
    secretary = branch["secretary"]
    old = Client()
    assert old.post("/accounts/login/", {"login": secretary.email, "password": FACTORY_PASSWORD}).status_code == 302
    # No authenticator yet: sent to set one up (as before).
    assert old.get("/units/stockport/manage/")["Location"].startswith("/accounts/2fa/totp/activate/")

    secret = activate_totp(secretary)  # in another browser
    response = old.get("/units/stockport/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert "next=%2Funits%2Fstockport%2Fmanage%2F" in response["Location"]
    response = old.post("/api/ballots/create/", _ballot_body(branch, "Old session"), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_not_verified")
    assert not Ballot.objects.exists()

    # A fresh sign-in with the code: officer rights.
    fresh = _sign_in_with_totp(secretary.email, secret)
    assert fresh.get("/units/stockport/manage/").status_code == 200
    response = fresh.post("/api/ballots/create/", _ballot_body(branch, "Fresh"), content_type="application/json")
    assert response.status_code == 201, response.content

    # Or the old session passes the second factor where it was sent.
    assert old.post("/accounts/2fa/reauthenticate/", {"code": _code(secret)}).status_code == 302
    assert old.get("/units/stockport/manage/").status_code == 200


def test_request_mfa_verified_reads_the_session_of_this_user_only(branch: dict[str, Any]) -> None:
    """The one rule both guards use: a session whose records show an ``mfa``
    step counts; force-authenticated test clients, and records of someone
    else, do not."""
    from django.test import RequestFactory

    from accounts.authentication import request_mfa_verified

    secretary = branch["secretary"]
    secret = activate_totp(secretary)
    signed_in = _sign_in_with_totp(secretary.email, secret)
    request = RequestFactory().get("/")
    request.session = signed_in.session
    request.user = secretary
    assert request_mfa_verified(request)
    request.user = branch["returning_officer"]
    assert not request_mfa_verified(request)
    password_only = Client()
    password_only.force_login(secretary)
    request.session, request.user = password_only.session, secretary
    assert not request_mfa_verified(request)

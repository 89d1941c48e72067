"""API: tokens (with MFA), /api/accounts/me/, throttling, OpenAPI documentation."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.accounts.helpers import activate_totp, make_officer, totp_code, verified_user
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()
    yield
    cache.clear()


def test_token_obtain_use_and_revoke() -> None:
    unit = UnitFactory(slug="momentum-stockport")
    user = verified_user(email="maya@example.org")
    MembershipFactory(unit=unit, person=user)
    make_officer(user, unit)
    api = APIClient()
    response = api.post("/api/accounts/token/", {"email": "MAYA@example.org", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/accounts/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == "maya@example.org" and body["officer_of"] == ["momentum-stockport"]
    assert body["memberships"][0]["unit"] == "momentum-stockport" and body["mfa_enabled"] is False

    assert api.patch("/api/accounts/me/", {"optional_email": False}, format="json").json()["optional_email"] is False
    assert api.patch("/api/accounts/me/", {"optional_email": "maybe"}, format="json").status_code == 400

    assert api.delete("/api/accounts/token/").status_code == 204
    revoked = api.get("/api/accounts/me/")
    assert revoked.status_code in (401, 403) and revoked.json()["code"] == "authentication_failed"


def test_wrong_password_unverified_and_malformed_are_clear_errors() -> None:
    user = verified_user()
    api = APIClient()
    wrong = api.post("/api/accounts/token/", {"email": user.email, "password": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    malformed = api.post("/api/accounts/token/", {"email": "not-an-email"}, format="json")
    assert malformed.status_code == 400 and malformed.json()["code"] == "invalid"
    from tests.factories import UserFactory

    unverified = UserFactory()
    refused = api.post("/api/accounts/token/", {"email": unverified.email, "password": PASSWORD}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "email_unverified"
    assert APIClient().get("/api/accounts/me/").status_code in (401, 403)


def test_token_needs_a_code_when_mfa_is_on() -> None:
    user = verified_user()
    secret = activate_totp(user)
    api = APIClient()
    creds = {"email": user.email, "password": PASSWORD}
    missing = api.post("/api/accounts/token/", creds, format="json")
    assert missing.status_code == 403 and missing.json()["code"] == "mfa_code_required"
    wrong = api.post("/api/accounts/token/", {**creds, "code": "000000"}, format="json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "mfa_code_invalid"
    ok = api.post("/api/accounts/token/", {**creds, "code": totp_code(secret, at=time.time() + 30)}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]


def test_token_endpoint_is_throttled(settings) -> None:
    settings.ACCOUNTS_TOKEN_THROTTLE = "3/min"
    api = APIClient()
    codes = [
        api.post("/api/accounts/token/", {"email": "x@example.org", "password": "guess"}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_openapi_schema_documents_token_and_session_auth() -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/vnd.oai.openapi+json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)
    assert schemes["tokenAuth"]["in"] == "header"
    paths = schema["paths"]
    assert paths["/api/accounts/token/"]["post"].get("security", [{}]) == [{}]  # obtaining needs no auth
    assert {"tokenAuth": []} in paths["/api/accounts/me/"]["get"]["security"]
    assert "mfa_code_required" in paths["/api/accounts/token/"]["post"]["responses"]["403"]["description"]
    assert "/api/accounts/me/" in paths

"""Security headers and cookie flags on every page, found by crawling the demo.

The crawler follows every same-site link from the front page, as an
anonymous observer, a member, an officer (Stockport's secretary, also its
returning officer) and a national administrator. Every HTML page must carry
the Content-Security-Policy, ``X-Frame-Options: DENY``, a Referrer-Policy and
``nosniff``. Then, under production's own settings (read from
``config/settings/production.py``), over HTTPS: HSTS on every page, and every
cookie Secure, HttpOnly and SameSite=Lax. And ``manage.py check --deploy``
under production settings reports nothing.

Figures: pages crawled per role, cookies checked, deploy-check issues.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import scaled
from tests.security.conftest import Demo

ROOT = Path(__file__).resolve().parent.parent.parent
MAX_PAGES = 400
SKIP = ("/admin/", "/static/", "/accounts/logout/")
HREF = re.compile(r'href="([^"#][^"]*)"')


def production_security_settings() -> dict[str, Any]:
    """The security settings production.py sets, evaluated with the
    variables production insists on (throwaway values)."""
    env = {
        "SECRET_KEY": "k7Qp2vXr9LmN4sTz8WcY1bHd6FgJ3eRu5AoKi0PlMnBvCxZaSdQw",  # random-looking: production refuses weak keys
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
        "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SITE_URL": "https://agora.example.org",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        spec = importlib.util.spec_from_file_location(
            "config.settings._production_for_test", ROOT / "config/settings/production.py"
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    names = [n for n in dir(module) if n.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_"))]
    return {n: getattr(module, n) for n in names}


def crawl(client: Client, start: list[str], secure: bool = False) -> Iterator[tuple[str, Any]]:
    """Breadth-first over same-site links; yields (url, response)."""
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url, secure=secure)
        yield url, response
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href not in seen:
                queue.append(href)


def _start(demo: Demo) -> list[str]:
    return [
        "/",
        "/units/",
        "/ballots/",
        "/meetings/",
        "/me/",
        f"/ballots/{demo.open_ballot.pk}/",
        f"/ballots/{demo.declared_ballot.pk}/result/",
        f"/units/{demo.stockport.slug}/roll/",
        f"/meetings/{demo.meeting.pk}/console/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


# The policy, written out here rather than read from the settings, so a change
# to the settings must be made here too. django-csp orders directives as it
# likes, so they are compared as a mapping.
EXPECTED_CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def csp_directives(header: str) -> dict[str, str]:
    parts = [p.strip().split(" ", 1) for p in header.split(";") if p.strip()]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def _header_problems(url: str, response: Any) -> list[str]:
    problems = []
    expected = {
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{url}: {name} is {response.get(name)!r}")
    csp = response.get("Content-Security-Policy", "")
    if csp_directives(csp) != EXPECTED_CSP:
        problems.append(f"{url}: Content-Security-Policy is {csp!r}")
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"):
        if directive not in csp:
            problems.append(f"{url}: CSP lacks {directive}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{url}: CSP allows unsafe script or style")
    return problems


@pytest.mark.parametrize("role", ["anonymous", "member", "officer", "admin"])
def test_every_page_carries_the_security_headers(demo: Demo, role: str) -> None:
    client = Client()
    user = {"anonymous": None, "member": demo.member, "officer": demo.secretary, "admin": demo.admin}[role]
    if user is not None:
        client.force_login(user)
    problems: list[str] = []
    statuses: dict[int, int] = {}
    pages = 0
    for url, response in crawl(client, _start(demo)):
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        problems += _header_problems(url, response)
        pages += 1
    print(f"\nheaders crawl as {role}: {pages} URLs, statuses {statuses}, {len(problems)} problems")  # noqa: T201
    assert pages >= 20
    assert not problems, "\n".join(problems[:30])


def test_production_settings_give_hsts_and_cookie_flags_on_every_page(demo: Demo) -> None:
    production = production_security_settings()
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
    assert production["SECURE_SSL_REDIRECT"]
    with override_settings(**production):
        client = Client()
        # A real sign-in over HTTPS, so the session cookie is issued by the login itself.
        client.get("/accounts/login/", secure=True)
        response = client.post(
            "/accounts/login/", {"login": "member@example.org", "password": "demo-password-2026"}, secure=True
        )
        assert response.status_code == 302, response.content[:500]
        cookies: dict[str, Any] = {}
        problems: list[str] = []
        pages = 0
        for url, resp in crawl(client, _start(demo), secure=True):
            pages += 1
            hsts = resp.get("Strict-Transport-Security", "")
            if not (hsts.startswith("max-age=31536000") and "includeSubDomains" in hsts):
                problems.append(f"{url}: HSTS {hsts!r}")
            problems += _header_problems(url, resp)
            cookies.update(resp.cookies)
        cookies.update(response.cookies)
        # Plain HTTP is sent to HTTPS.
        plain = client.get("/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
    for name, morsel in cookies.items():
        if morsel.value == "" and morsel["max-age"] == 0:
            continue  # a deletion
        if not morsel["secure"]:
            problems.append(f"cookie {name} not Secure")
        if not morsel["httponly"]:
            problems.append(f"cookie {name} not HttpOnly")
        if str(morsel["samesite"]).lower() not in {"lax", "strict"}:
            problems.append(f"cookie {name} SameSite={morsel['samesite']!r}")
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= set(cookies), sorted(cookies)
    print(f"\nproduction crawl: {pages} URLs over HTTPS, cookies {sorted(cookies)}, {len(problems)} problems")  # noqa: T201
    assert not problems, "\n".join(problems[:30])


def test_deploy_check_under_production_settings_is_clean() -> None:
    result = subprocess.run(
        ["bash", "scripts/check_deploy.sh"], cwd=ROOT, capture_output=True, text=True, timeout=scaled(120), check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    print("\ncheck --deploy (production settings): 0 issues")  # noqa: T201

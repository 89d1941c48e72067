"""No state change on a plain link, none without a CSRF token (a past Helios
flaw: a GET that changed state).

Every URL of the URLconf (Django's admin aside) is tried with the demo's ids
as Stockport's secretary (an officer, so permission is never what stops the
request):

* GET either answers 405 (an action endpoint: POST only) or writes nothing
  to the database (a page or a form that only shows);
* POST without a CSRF token answers 403, with the one documented exemption:
  the one-click unsubscribe link (RFC 8058), whose signed token is the
  credential and which a mail client posts without a session.

Figures: URLs, how many answer GET with 405, how many refuse the POST.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from ballots.models import Question
from governance.models import Body, GoverningDocument, Holding, Office, RollImport
from meetings.models import Amendment, MeetingVote, Requisition
from tests.security.conftest import Demo

CSRF_EXEMPT = {"me/unsubscribe/<str:token>/"}  # RFC 8058 one-click; the signed token is the credential
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def routes(resolver: Any = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _values(demo: Demo) -> dict[str, str]:
    body = Body.objects.filter(unit=demo.stockport).first()
    office = Office.objects.filter(unit=demo.stockport).first()
    holding = Holding.objects.filter(office__unit=demo.stockport).first()
    document = GoverningDocument.objects.filter(unit=demo.stockport).first()
    roll_import = RollImport.objects.create(unit=demo.stockport, uploaded_by=demo.secretary, filename="r.csv")
    question = Question.objects.filter(ballot=demo.declared_ballot).first()
    ids = {
        "slug": demo.stockport.slug,
        "unit_slug": demo.stockport.slug,
        "ballot_id": demo.open_ballot.pk,
        "question_id": question.pk if question else 1,
        "fmt": "csv",
        "motion_id": demo.motion.pk,
        "amendment_id": Amendment.objects.values_list("pk", flat=True).first(),
        "meeting_id": demo.meeting.pk,
        "vote_id": MeetingVote.objects.values_list("pk", flat=True).first(),
        "requisition_id": Requisition.objects.values_list("pk", flat=True).first(),
        "body_id": body.pk if body else 1,
        "office_id": office.pk if office else 1,
        "holding_id": holding.pk if holding else 1,
        "document_id": document.pk if document else 1,
        "import_id": roll_import.pk,
        "action": "second",
        "token": "not-a-valid-token",
        "key": "not-a-valid-key",
        "uidb36": "1",
    }
    return {k: str(v if v is not None else 1) for k, v in ids.items()}


def concrete(route: str, values: dict[str, str]) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), url)
    return "/" + url.replace("^", "").replace("$", "")


# Writes a GET may make, none of them a change anyone asked for: the session,
# and allauth recording the account's own address when its e-mail page is
# first shown (``sync_user_email_addresses``; unverified, the same address).
HOUSEKEEPING = ("django_session", 'INSERT INTO "account_emailaddress"')


def _writes(queries: list[dict[str, Any]]) -> list[str]:
    return [q["sql"][:120] for q in queries if WRITE.match(q["sql"]) and not any(h in q["sql"] for h in HOUSEKEEPING)]


def test_get_never_changes_state_and_post_needs_a_csrf_token(demo: Demo) -> None:
    values = _values(demo)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.secretary)
    problems: list[str] = []
    n_405 = n_pages = n_403 = 0
    all_routes = list(routes())
    for route, _view in all_routes:
        url = concrete(route, values)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code == 405:
            n_405 += 1
        else:
            n_pages += 1
            if response.status_code >= 500:
                problems.append(f"GET {url}: {response.status_code}")
            if writes := _writes(queries.captured_queries):
                problems.append(f"GET {url} wrote to the database: {writes}")
        with CaptureQueriesContext(connection) as queries:
            # An API is sent JSON, as its clients do (a form only where it takes uploads).
            response = client.post(url, {"confirm": "yes"}, content_type="application/json")
            if not url.startswith("/api/") or response.status_code == 415:
                response = client.post(url, {"confirm": "yes"})
        if route in CSRF_EXEMPT:
            continue
        if response.status_code == 403:
            n_403 += 1
        else:
            problems.append(f"POST {url} without a CSRF token: {response.status_code}")
        if writes := _writes(queries.captured_queries):
            problems.append(f"POST {url} without a CSRF token wrote: {writes}")
    print(  # noqa: T201
        f"\nCSRF/methods: {len(all_routes)} URLs; GET → 405 on {n_405}, GET writes nothing on the other {n_pages}; "
        f"POST without CSRF token → 403 on {n_403} ({len(CSRF_EXEMPT)} documented exemption); {len(problems)} problems"
    )
    assert len(all_routes) > 80
    assert not problems, "\n".join(problems)


def test_action_endpoints_answer_get_with_405(demo: Demo) -> None:
    """The buttons (second, withdraw, rule, declare, sign, vote, remove me…)
    are POST-only: a link, a prefetch or an image tag cannot press them."""
    values = _values(demo)
    client = Client()
    client.force_login(demo.secretary)
    actions = [
        "meetings/motions/<int:motion_id>/<slug:action>/",
        "meetings/amendments/<int:amendment_id>/<slug:action>/",
        "meetings/<int:meeting_id>/console/<slug:action>/",
        "meetings/requisition/<int:requisition_id>/sign/",
        "meetings/votes/<int:vote_id>/cast/",
        "ballots/<int:ballot_id>/declare/",
    ]
    known = {route for route, _ in routes()}
    refused = []
    for route in actions:
        assert route in known, route
        response = client.get(concrete(route, values))
        assert response.status_code == 405, f"GET {route}: {response.status_code}"
        refused.append(route)
    print(f"\naction endpoints: {len(refused)} of {len(actions)} answer GET with 405")  # noqa: T201

"""Endpoints × roles: nobody reads or changes another member's data, and an
officer of one unit cannot act in another.

One table: each row is a request on Stockport's (or one member's) data and
the roles that may make it; every other role must be refused (401/403/404,
or for a page a redirect to sign in). Roles: an anonymous observer, a
Stockport member, a Manchester member, Stockport's secretary (an officer
there) and Manchester's chair (an officer of a sibling branch).

Figure: rows × roles checked, 0 leaks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from ballots.models import Question
from governance.models import Body, Holding, Office, RollImport
from meetings.models import Meeting, Motion
from tests.security.conftest import Demo

ROLES = ("anonymous", "member", "outsider", "officer", "foreign_officer")
DENIED = {401, 403, 404}


@dataclass
class Row:
    name: str
    allowed: set[str]
    call: Callable[[Any, dict[str, Any]], Any]  # (client, objects) -> response
    api: bool = True


def _roles(demo: Demo) -> dict[str, User | None]:
    foreign = User.objects.get(email="manchester2@example.org")
    chair = Office.objects.get(unit=demo.manchester, title="Chair")
    Holding.objects.create(
        person=foreign, office=chair, starts_on=timezone.localdate() - dt.timedelta(days=30), authority="Test"
    )
    return {
        "anonymous": None,
        "member": demo.member,
        "outsider": demo.outsider,
        "officer": demo.secretary,
        "foreign_officer": foreign,
    }


def _objects(demo: Demo) -> dict[str, Any]:
    draft = Motion.objects.create(
        unit=demo.stockport, proposer=demo.member, title="My private draft", text="Not yet.", state=Motion.State.DRAFT
    )
    submitted = Motion.objects.get(unit=demo.stockport, title="Affiliate to the trades council")
    office = Office.objects.get(unit=demo.stockport, title="Treasurer")
    body = Body.objects.get(unit=demo.stockport, kind=Body.Kind.COMMITTEE)
    roll_import = RollImport.objects.create(unit=demo.stockport, uploaded_by=demo.secretary, filename="roll.csv")
    agm = Meeting.objects.get(unit=demo.stockport, kind=Meeting.Kind.AGM)
    past = Meeting.objects.filter(unit=demo.stockport).exclude(pk=agm.pk).get()
    answers = {}
    for question in demo.open_ballot.questions.all():
        first = question.options.order_by("position").first()
        answers[str(question.pk)] = [first.pk] if first else []
        assert question.kind in (Question.Kind.MOTION, Question.Kind.ELECTION)
    return {
        "draft": draft,
        "submitted": submitted,
        "office": office,
        "body": body,
        "import": roll_import,
        "agm": agm,
        "past": past,
        "answers": answers,
        "ballot": demo.open_ballot,
        "slug": demo.stockport.slug,
    }


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("roll.csv", b"email,full_name\nnew.person@example.org,New Person\n", "text/csv")


ROWS = [
    # --- the roll and its imports: Stockport's officers only
    Row(
        "GET roll via API",
        {"officer"},
        lambda c, o: c.get(f"/api/governance/units/{o['slug']}/memberships/"),
    ),
    Row("GET roll import via API", {"officer"}, lambda c, o: c.get(f"/api/governance/roll-imports/{o['import'].pk}/")),
    Row(
        "POST roll import via API",
        {"officer"},
        lambda c, o: c.post(f"/api/governance/units/{o['slug']}/roll-imports/", {"file": _csv(), "dry_run": "true"}),
    ),
    Row("GET roll page", {"officer"}, lambda c, o: c.get(f"/units/{o['slug']}/roll/"), api=False),
    Row("GET roll CSV", {"officer"}, lambda c, o: c.get(f"/units/{o['slug']}/roll/export.csv"), api=False),
    Row(
        "GET roll import page",
        {"officer"},
        lambda c, o: c.get(f"/units/{o['slug']}/roll/imports/{o['import'].pk}/"),
        api=False,
    ),
    Row("GET audit log", {"officer"}, lambda c, o: c.get(f"/me/units/{o['slug']}/audit/"), api=False),
    Row("GET audit log CSV", {"officer"}, lambda c, o: c.get(f"/me/units/{o['slug']}/audit.csv"), api=False),
    # --- the unit's offices, bodies and meetings: Stockport's officers only
    Row(
        "PATCH office via API",
        {"officer"},
        lambda c, o: c.patch(f"/api/governance/offices/{o['office'].pk}/", {"term_months": 24}, format="json"),
    ),
    Row(
        "POST office via API",
        {"officer"},
        lambda c, o: c.post(f"/api/governance/units/{o['slug']}/offices/", {"title": "Youth officer"}, format="json"),
    ),
    Row(
        "PATCH body via API",
        {"officer"},
        lambda c, o: c.patch(f"/api/governance/bodies/{o['body'].pk}/", {"seats": 7}, format="json"),
    ),
    Row(
        "POST motion ruling via API",
        {"officer"},
        lambda c, o: c.post(
            f"/api/meetings/motions/{o['submitted'].pk}/rule/", {"in_order": False, "reason": "No."}, format="json"
        ),
    ),
    Row(
        "POST agenda item via API",
        {"officer"},
        lambda c, o: c.post(f"/api/meetings/{o['agm'].pk}/agenda/", {"kind": "aob", "title": "X"}, format="json"),
    ),
    Row("GET meeting console", {"officer"}, lambda c, o: c.get(f"/meetings/{o['agm'].pk}/console/"), api=False),
    Row("GET minutes editor", {"officer"}, lambda c, o: c.get(f"/meetings/{o['past'].pk}/minutes/"), api=False),
    Row("GET meeting scheduler", {"officer"}, lambda c, o: c.get(f"/meetings/schedule/{o['slug']}/"), api=False),
    # --- one member's own things
    Row("GET my draft motion via API", {"member"}, lambda c, o: c.get(f"/api/meetings/motions/{o['draft'].pk}/")),
    Row("GET my draft motion page", {"member"}, lambda c, o: c.get(f"/meetings/motions/{o['draft'].pk}/"), api=False),
    # --- the secret ballot: only those on Stockport's roll
    Row(
        "POST vote via API",
        {"member", "officer"},
        lambda c, o: c.post(f"/api/ballots/{o['ballot'].pk}/votes/", {"answers": o["answers"]}, format="json"),
    ),
]


def _client(user: User | None, api: bool) -> Any:
    client: Any = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


def _denied(response: Any) -> bool:
    if response.status_code in DENIED:
        return True
    # A page for the signed-out sends them to sign in; nothing else counts as a refusal.
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def test_no_role_reaches_what_is_not_theirs(demo: Demo) -> None:
    roles = _roles(demo)
    objects = _objects(demo)
    checked = 0
    leaks: list[str] = []
    for row in ROWS:
        for role in ROLES:
            response = row.call(_client(roles[role], row.api), objects)
            checked += 1
            if role in row.allowed:
                if not 200 <= response.status_code < 300:
                    leaks.append(f"{row.name} as {role}: allowed but got {response.status_code}")
            elif not _denied(response):
                leaks.append(f"{row.name} as {role}: NOT refused ({response.status_code})")
    print(f"\naccess matrix: {len(ROWS)} requests × {len(ROLES)} roles = {checked} checks, {len(leaks)} leaks")  # noqa: T201
    assert not leaks, "\n".join(leaks)


def test_each_member_sees_only_their_own_data(demo: Demo) -> None:
    """/api/accounts/me/, the two data exports: one's own e-mail, nobody else's."""
    roles = _roles(demo)
    people = [u for u in roles.values() if u is not None]
    emails = {u.email for u in people}
    checked = 0
    for person in people:
        others = emails - {person.email}
        api = _client(person, api=True)
        me = api.get("/api/accounts/me/").json()
        assert me["email"] == person.email
        web = _client(person, api=False)
        for url in ("/me/export.json", "/units/me/data.json"):
            response = web.get(url)
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = json.dumps(json.loads(body))
            assert person.email in text, url
            assert not [e for e in others if e in text], f"{url} for {person.email} shows someone else"
            checked += 1
        # Changing one's preferences changes nobody else's.
        before = {u.pk: u.optional_email for u in User.objects.filter(email__in=others)}
        assert api.patch("/api/accounts/me/", {"optional_email": True}, format="json").status_code == 200
        after = {u.pk: u.optional_email for u in User.objects.filter(email__in=others)}
        assert before == after
    print(f"\nown data: {len(people)} people × 2 exports = {checked} checks, 0 leaks")  # noqa: T201

"""Endpoints × roles: nobody reads or changes another member's data, and an
officer of one unit cannot act in another.

One table: each row is a request on Stockport's (or one member's) data and
the roles that may make it; every other role must be refused (401/403/404,
or for a page a redirect to sign in). Roles: an anonymous observer, a
Stockport member, a Manchester member, Stockport's secretary (an officer
there), Manchester's chair (an officer of a sibling branch), an officer of
the region above Stockport (manages it: ``governance.authority``), a staff
user (the Django admin flag gives no authority), a member of Stockport's
committee (runs its meetings and motions, not its roll or offices), an
officer whose term starts tomorrow and one whose term ended yesterday.

A second pass puts Stockport under an MFA policy and repeats every officer
row for everyone with authority there and no authenticator: none may pass.

Figures: rows × roles checked, 0 leaks; officer rows × authorities under
MFA, 0 bypasses.
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

from accounts.models import UnitAccessPolicy, User
from accounts.roles import mfa_enabled as roles_mfa_enabled
from ballots.models import Question
from governance.models import Body, Holding, Office, RollImport
from meetings.models import Meeting, Motion
from tests.security.conftest import Demo

ROLES = (
    "anonymous",
    "member",
    "outsider",
    "officer",
    "foreign_officer",
    "regional_officer",
    "staff",
    "body_member",
    "future_officer",
    "former_officer",
)
# Who manages Stockport, and who runs its meetings and motions (governance.authority).
MANAGERS = {"officer", "regional_officer"}
MEETING_RUNNERS = MANAGERS | {"body_member"}
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
    today = timezone.localdate()
    region = demo.stockport.parent
    assert region is not None and region.kind == "region"
    regional = User.objects.create_user(email="north-west.lead@example.org", full_name="Regional Secretary")
    Holding.objects.create(
        person=regional,
        office=Office.objects.create(unit=region, title="Regional secretary"),
        starts_on=today - dt.timedelta(days=30),
        authority="Regional AGM",
    )
    staff = User.objects.create_user(email="staff.flag@example.org", full_name="Staff User", is_staff=True)
    body_member = User.objects.create_user(email="committee.seat@example.org", full_name="Committee Member")
    Holding.objects.create(
        person=body_member,
        body=Body.objects.get(unit=demo.stockport, kind=Body.Kind.COMMITTEE),
        starts_on=today - dt.timedelta(days=30),
        authority="Branch AGM",
    )
    treasurer = Office.objects.get(unit=demo.stockport, title="Treasurer")
    future = User.objects.create_user(email="incoming.holder@example.org", full_name="Future Officer")
    Holding.objects.create(
        person=future, office=treasurer, starts_on=today + dt.timedelta(days=1), authority="Elected, not yet in"
    )
    former = User.objects.create_user(email="outgoing.holder@example.org", full_name="Former Officer")
    Holding.objects.create(
        person=former,
        office=treasurer,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=1),
        authority="Term ended yesterday",
    )
    return {
        "anonymous": None,
        "member": demo.member,
        "outsider": demo.outsider,
        "officer": demo.secretary,
        "foreign_officer": foreign,
        "regional_officer": regional,
        "staff": staff,
        "body_member": body_member,
        "future_officer": future,
        "former_officer": former,
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
    # --- the roll and its imports: those who manage Stockport
    Row(
        "GET roll via API",
        MANAGERS,
        lambda c, o: c.get(f"/api/governance/units/{o['slug']}/memberships/"),
    ),
    Row("GET roll import via API", MANAGERS, lambda c, o: c.get(f"/api/governance/roll-imports/{o['import'].pk}/")),
    Row(
        "POST roll import via API",
        MANAGERS,
        lambda c, o: c.post(f"/api/governance/units/{o['slug']}/roll-imports/", {"file": _csv(), "dry_run": "true"}),
    ),
    Row("GET roll page", MANAGERS, lambda c, o: c.get(f"/units/{o['slug']}/roll/"), api=False),
    Row("GET roll CSV", MANAGERS, lambda c, o: c.get(f"/units/{o['slug']}/roll/export.csv"), api=False),
    Row(
        "GET roll import page",
        MANAGERS,
        lambda c, o: c.get(f"/units/{o['slug']}/roll/imports/{o['import'].pk}/"),
        api=False,
    ),
    Row("GET audit log", MANAGERS, lambda c, o: c.get(f"/me/units/{o['slug']}/audit/"), api=False),
    Row("GET audit log CSV", MANAGERS, lambda c, o: c.get(f"/me/units/{o['slug']}/audit.csv"), api=False),
    # --- the unit's offices and bodies: those who manage Stockport
    Row(
        "PATCH office via API",
        MANAGERS,
        lambda c, o: c.patch(f"/api/governance/offices/{o['office'].pk}/", {"term_months": 24}, format="json"),
    ),
    Row(
        "POST office via API",
        MANAGERS,
        lambda c, o: c.post(f"/api/governance/units/{o['slug']}/offices/", {"title": "Youth officer"}, format="json"),
    ),
    Row(
        "PATCH body via API",
        MANAGERS,
        lambda c, o: c.patch(f"/api/governance/bodies/{o['body'].pk}/", {"seats": 7}, format="json"),
    ),
    # --- its meetings and motions: those who manage it, and its committee
    Row(
        "POST motion ruling via API",
        MEETING_RUNNERS,
        lambda c, o: c.post(
            f"/api/meetings/motions/{o['submitted'].pk}/rule/", {"in_order": False, "reason": "No."}, format="json"
        ),
    ),
    Row(
        "POST agenda item via API",
        MEETING_RUNNERS,
        lambda c, o: c.post(f"/api/meetings/{o['agm'].pk}/agenda/", {"kind": "aob", "title": "X"}, format="json"),
    ),
    Row("GET meeting console", MEETING_RUNNERS, lambda c, o: c.get(f"/meetings/{o['agm'].pk}/console/"), api=False),
    Row("GET minutes editor", MEETING_RUNNERS, lambda c, o: c.get(f"/meetings/{o['past'].pk}/minutes/"), api=False),
    Row("GET meeting scheduler", MEETING_RUNNERS, lambda c, o: c.get(f"/meetings/schedule/{o['slug']}/"), api=False),
    Row(
        "POST minutes preview",
        MEETING_RUNNERS,
        lambda c, o: c.post(f"/meetings/{o['past'].pk}/minutes/preview/", {"text": "**x**"}),
        api=False,
    ),
    Row("GET paper results page", MEETING_RUNNERS, lambda c, o: c.get(f"/meetings/{o['past'].pk}/paper/"), api=False),
    # --- its ballots: set up and run by those who manage Stockport
    Row("GET new ballot page", MANAGERS, lambda c, o: c.get(f"/ballots/new/{o['slug']}/"), api=False),
    Row("GET ballot manage page", MANAGERS, lambda c, o: c.get(f"/ballots/{o['ballot'].pk}/manage/"), api=False),
    Row(
        "POST ballot via API",
        MANAGERS,
        lambda c, o: c.post(
            "/api/ballots/create/",
            {
                "unit": o["slug"],
                "title": "Delegates to conference",
                "returning_officer": "secretary@example.org",
                "opens_at": (timezone.now() + dt.timedelta(days=10)).isoformat(),
                "closes_at": (timezone.now() + dt.timedelta(days=12)).isoformat(),
            },
            format="json",
        ),
    ),
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
        done = False
        for role in ROLES:
            response = row.call(_client(roles[role], row.api), objects)
            checked += 1
            if role in row.allowed:
                # Once an allowed role has acted, the next may find it done (409: ruled already).
                if not (200 <= response.status_code < 300 or (done and response.status_code == 409)):
                    leaks.append(f"{row.name} as {role}: allowed but got {response.status_code}")
                done = True
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


def test_no_authority_passes_without_mfa_where_the_unit_demands_it(demo: Demo) -> None:
    """Stockport demands MFA of whoever runs it. Nobody with authority there
    (its officer, an officer above it, a committee member, an administrator)
    and no authenticator reaches an officer page or API: the pages send them
    to set one up, the API refuses with 403 ``mfa_required``."""
    roles = _roles(demo)
    objects = _objects(demo)
    UnitAccessPolicy.objects.create(unit=demo.stockport, officers_require_mfa=True)
    authorities = {role: roles[role] for role in sorted(MEETING_RUNNERS)} | {"administrator": demo.admin}
    officer_rows = [row for row in ROWS if row.allowed <= MEETING_RUNNERS]
    checked = 0
    bypasses: list[str] = []
    for row in officer_rows:
        for role, user in authorities.items():
            assert user is not None and not roles_mfa_enabled(user)
            response = row.call(_client(user, row.api), objects)
            checked += 1
            if 200 <= response.status_code < 300:
                bypasses.append(f"{row.name} as {role}: {response.status_code} without MFA")
            elif row.api and response.status_code == 403:
                assert response.json()["code"] in ("mfa_required", "not_unit_officer", "not_ballot_manager"), (
                    row.name,
                    role,
                    response.json(),
                )
    figure = f"{len(officer_rows)} officer requests × {len(authorities)} authorities = {checked} checks"
    print(f"\nMFA: {figure}, {len(bypasses)} bypasses")  # noqa: T201
    assert not bypasses, "\n".join(bypasses)

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
    carried = Motion.objects.filter(unit=demo.stockport, state=Motion.State.CARRIED).order_by("pk").first()
    assert carried is not None and demo.stockport.parent is not None
    conference = Meeting.objects.create(
        unit=demo.stockport.parent, kind=Meeting.Kind.GENERAL, title="Regional conference",
        starts_at=timezone.now() + dt.timedelta(days=30), state=Meeting.State.NOTICE_SENT, notice_days=14,
        quorum=5, created_by=demo.admin,
    )  # fmt: skip
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
        "carried": carried,
        "conference": conference,
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
    Row("GET e-mail log", MANAGERS, lambda c, o: c.get(f"/me/units/{o['slug']}/emails/"), api=False),
    Row(
        "GET a member's e-mail log",
        MANAGERS,
        lambda c, o: c.get(f"/me/units/{o['slug']}/emails/{o['draft'].proposer_id}/"),
        api=False,
    ),
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
    # issue 24: forwarding a carried motion up, compositing a meeting's motions
    Row(
        "POST motion forward via API",
        MEETING_RUNNERS,
        lambda c, o: c.post(
            f"/api/meetings/motions/{o['carried'].pk}/forward/", {"meeting": o["conference"].pk}, format="json"
        ),
    ),
    Row(
        "GET motion forward page",
        MEETING_RUNNERS,
        lambda c, o: c.get(f"/meetings/motions/{o['carried'].pk}/forward/"),
        api=False,
    ),
    Row("GET compositing page", MEETING_RUNNERS, lambda c, o: c.get(f"/meetings/{o['agm'].pk}/composite/"), api=False),
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
        for url in ("/me/export.json",):
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


# --- The MFA column, generated from the URL conf ------------------------------
#
# Every URL pattern that accepts a state-changing method (POST, PUT, PATCH,
# DELETE; a function view without a method decorator accepts them all) has a
# row below, or a reasoned entry in ALLOWED_WITHOUT_AUTHORITY. Each row is an
# act on someone's authority in Stockport, which demands MFA of its officers:
# its secretary, with no authenticator, must be refused on every one (a page
# sends them to set MFA up, or answers 403; the API answers 403 with an MFA
# code), with a session and, for the API, with a token too.


@dataclass
class ActRow:
    route: str  # the pattern as django.urls.get_resolver() spells it
    method: str
    path: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], Any] = lambda o: {}
    api: bool = True


def _ballot_json(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": o["slug"],
        "title": "Delegates to conference",
        "returning_officer": "secretary@example.org",
        "opens_at": (timezone.now() + dt.timedelta(days=10)).isoformat(),
        "closes_at": (timezone.now() + dt.timedelta(days=12)).isoformat(),
    }


def _soon() -> str:
    return (timezone.localtime() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")


ACT_ROWS = [
    # governance: the roll, offices, bodies, documents (unit manager)
    ActRow("api/governance/units/<slug:slug>/roll-imports/", "post", lambda o: f"/api/governance/units/{o['slug']}/roll-imports/", lambda o: {"file": _csv(), "dry_run": "true"}),
    ActRow("api/governance/units/<slug:slug>/bodies/", "post", lambda o: f"/api/governance/units/{o['slug']}/bodies/", lambda o: {"name": "Youth committee", "kind": "committee", "seats": 5, "mandate": "appointed", "mandate_authority": "AGM"}),
    ActRow("api/governance/units/<slug:slug>/offices/", "post", lambda o: f"/api/governance/units/{o['slug']}/offices/", lambda o: {"title": "Youth officer"}),
    ActRow("api/governance/units/<slug:slug>/documents/", "post", lambda o: f"/api/governance/units/{o['slug']}/documents/", lambda o: {"kind": "standing_orders", "title": "Standing orders"}),
    ActRow("api/governance/bodies/<int:body_id>/", "patch", lambda o: f"/api/governance/bodies/{o['body'].pk}/", lambda o: {"seats": 7}),
    ActRow("api/governance/bodies/<int:body_id>/end-mandate/", "post", lambda o: f"/api/governance/bodies/{o['body'].pk}/end-mandate/", lambda o: {"ends_on": timezone.localdate().isoformat()}),
    ActRow("api/governance/bodies/<int:body_id>/holdings/", "post", lambda o: f"/api/governance/bodies/{o['body'].pk}/holdings/", lambda o: {"person": o["member"].pk, "starts_on": timezone.localdate().isoformat(), "authority": "AGM"}),
    ActRow("api/governance/offices/<int:office_id>/", "patch", lambda o: f"/api/governance/offices/{o['office'].pk}/", lambda o: {"term_months": 24}),
    ActRow("api/governance/offices/<int:office_id>/holdings/", "post", lambda o: f"/api/governance/offices/{o['office'].pk}/holdings/", lambda o: {"person": o["member"].pk, "starts_on": timezone.localdate().isoformat(), "authority": "AGM"}),
    ActRow("api/governance/holdings/<int:holding_id>/end/", "post", lambda o: f"/api/governance/holdings/{o['holding'].pk}/end/", lambda o: {"ends_on": timezone.localdate().isoformat()}),
    ActRow("api/governance/documents/<int:document_id>/versions/", "post", lambda o: f"/api/governance/documents/{o['document'].pk}/versions/", lambda o: {"text": "New text.", "adopted_on": timezone.localdate().isoformat(), "authority": "AGM"}),
    ActRow("units/<slug:slug>/roll/", "post", lambda o: f"/units/{o['slug']}/roll/", lambda o: {"file": _csv(), "dry_run": "on"}, api=False),
    ActRow("units/<slug:slug>/manage/bodies/new/", "post", lambda o: f"/units/{o['slug']}/manage/bodies/new/", lambda o: {"name": "Youth committee", "kind": "committee", "seats": 5}, api=False),
    ActRow("units/<slug:slug>/manage/bodies/<int:body_id>/", "post", lambda o: f"/units/{o['slug']}/manage/bodies/{o['body'].pk}/", lambda o: {"seats": 7}, api=False),
    ActRow("units/<slug:slug>/manage/bodies/<int:body_id>/appoint/", "post", lambda o: f"/units/{o['slug']}/manage/bodies/{o['body'].pk}/appoint/", api=False),
    ActRow("units/<slug:slug>/manage/bodies/<int:body_id>/end-mandate/", "post", lambda o: f"/units/{o['slug']}/manage/bodies/{o['body'].pk}/end-mandate/", api=False),
    ActRow("units/<slug:slug>/manage/offices/new/", "post", lambda o: f"/units/{o['slug']}/manage/offices/new/", lambda o: {"title": "Youth officer"}, api=False),
    ActRow("units/<slug:slug>/manage/offices/<int:office_id>/", "post", lambda o: f"/units/{o['slug']}/manage/offices/{o['office'].pk}/", api=False),
    ActRow("units/<slug:slug>/manage/offices/<int:office_id>/appoint/", "post", lambda o: f"/units/{o['slug']}/manage/offices/{o['office'].pk}/appoint/", api=False),
    ActRow("units/<slug:slug>/manage/holdings/<int:holding_id>/end/", "post", lambda o: f"/units/{o['slug']}/manage/holdings/{o['holding'].pk}/end/", api=False),
    ActRow("units/<slug:slug>/manage/documents/new/", "post", lambda o: f"/units/{o['slug']}/manage/documents/new/", api=False),
    ActRow("units/<slug:slug>/manage/documents/<int:document_id>/", "post", lambda o: f"/units/{o['slug']}/manage/documents/{o['document'].pk}/", api=False),
    # accounts: lifting a member's lockout (unit manager)
    ActRow("api/accounts/people/<int:person_id>/lockout/lift/", "post", lambda o: f"/api/accounts/people/{o['member'].pk}/lockout/lift/"),
    # meetings: motions, posts, meetings, minutes, delegates, paper ballots (meeting runner)
    ActRow("api/meetings/motions/<int:motion_id>/rule/", "post", lambda o: f"/api/meetings/motions/{o['submitted'].pk}/rule/", lambda o: {"in_order": False, "reason": "No."}),
    ActRow("api/meetings/discussion/<int:post_id>/hide/", "post", lambda o: f"/api/meetings/discussion/{o['post'].pk}/hide/", lambda o: {"reason": "Off topic."}),
    ActRow("api/meetings/<int:meeting_id>/agenda/", "post", lambda o: f"/api/meetings/{o['agm'].pk}/agenda/", lambda o: {"kind": "aob", "title": "X"}),
    ActRow("api/meetings/paper/<int:count_id>/papers/", "post", lambda o: f"/api/meetings/paper/{o['count'].pk}/papers/", lambda o: {"marks": ["1", "2", ""]}),
    ActRow("api/meetings/paper/<int:count_id>/count/", "post", lambda o: f"/api/meetings/paper/{o['count'].pk}/count/"),
    ActRow("api/meetings/paper/entries/<int:entry_id>/check/", "post", lambda o: f"/api/meetings/paper/entries/{o['entry'].pk}/check/", lambda o: {"matches": True}),
    ActRow("api/meetings/motions/<int:motion_id>/forward/", "post", lambda o: f"/api/meetings/motions/{o['carried'].pk}/forward/", lambda o: {"meeting": o["conference"].pk}),
    ActRow("meetings/motions/<int:motion_id>/forward/", "post", lambda o: f"/meetings/motions/{o['carried'].pk}/forward/", lambda o: {"meeting": o["conference"].pk}, api=False),
    ActRow("meetings/<int:meeting_id>/composite/", "post", lambda o: f"/meetings/{o['agm'].pk}/composite/", lambda o: {"title": "Composite", "text": "Both."}, api=False),
    ActRow("meetings/motions/<int:motion_id>/<slug:action>/", "post", lambda o: f"/meetings/motions/{o['submitted'].pk}/rule-out-of-order/", lambda o: {"reason": "No."}, api=False),
    ActRow("meetings/amendments/<int:amendment_id>/<slug:action>/", "post", lambda o: f"/meetings/amendments/{o['amendment'].pk}/rule-out-of-order/", lambda o: {"reason": "No."}, api=False),
    ActRow("meetings/standing-orders/<slug:unit_slug>/", "post", lambda o: f"/meetings/standing-orders/{o['slug']}/", lambda o: {"quorum": 5}, api=False),
    ActRow("meetings/discussion/posts/<int:post_id>/hide/", "post", lambda o: f"/meetings/discussion/posts/{o['post'].pk}/hide/", lambda o: {"reason": "Off topic."}, api=False),
    ActRow("meetings/schedule/<slug:unit_slug>/", "post", lambda o: f"/meetings/schedule/{o['slug']}/", lambda o: {"kind": "general", "title": "Branch meeting", "starts_at": _soon(), "location": "Hall"}, api=False),
    ActRow("meetings/<int:meeting_id>/console/<slug:action>/", "post", lambda o: f"/meetings/{o['agm'].pk}/console/code-rotate/", api=False),
    ActRow("meetings/<int:meeting_id>/minutes/", "post", lambda o: f"/meetings/{o['past'].pk}/minutes/", lambda o: {"text": "Minutes.", "base_version": 0}, api=False),
    ActRow("meetings/<int:meeting_id>/minutes/preview/", "post", lambda o: f"/meetings/{o['past'].pk}/minutes/preview/", lambda o: {"text": "**x**"}, api=False),
    ActRow("meetings/<int:meeting_id>/delegates/", "post", lambda o: f"/meetings/{o['agm'].pk}/delegates/", api=False),
    ActRow("meetings/<int:meeting_id>/paper/", "post", lambda o: f"/meetings/{o['past'].pk}/paper/", lambda o: {"title": "Delegate", "method": "irv", "seats": 1, "candidates": "A\nB"}, api=False),
    ActRow("meetings/<int:meeting_id>/paper/hands/", "post", lambda o: f"/meetings/{o['past'].pk}/paper/hands/", api=False),
    ActRow("meetings/paper/<int:count_id>/", "post", lambda o: f"/meetings/paper/{o['count'].pk}/", lambda o: {"mark_0": "1", "mark_1": "2"}, api=False),
    ActRow("meetings/paper/<int:count_id>/count/", "post", lambda o: f"/meetings/paper/{o['count'].pk}/count/", api=False),
    ActRow("meetings/paper/entries/<int:entry_id>/<slug:action>/", "post", lambda o: f"/meetings/paper/entries/{o['entry'].pk}/confirm/", api=False),
    # ballots: set-up and lifecycle (ballot runner), declaring (returning officer)
    ActRow("api/ballots/create/", "post", lambda o: "/api/ballots/create/", _ballot_json),
    ActRow("api/ballots/<int:ballot_id>/verifiable/enable/", "post", lambda o: f"/api/ballots/{o['draft_ballot'].pk}/verifiable/enable/", lambda o: {"trustees": ["secretary@example.org"]}),
    ActRow("api/ballots/<int:ballot_id>/verifiable/shuffles/end/", "post", lambda o: f"/api/ballots/{o['ballot'].pk}/verifiable/shuffles/end/"),
    ActRow("api/ballots/<int:ballot_id>/questions/", "post", lambda o: f"/api/ballots/{o['draft_ballot'].pk}/questions/", lambda o: {"kind": "motion", "title": "Shall we?"}),
    ActRow("api/ballots/<int:ballot_id>/questions/<int:question_id>/options/", "post", lambda o: f"/api/ballots/{o['draft_ballot'].pk}/questions/{o['question'].pk}/options/", lambda o: {"name": "Candidate"}),
    ActRow("api/ballots/<int:ballot_id>/schedule/", "post", lambda o: f"/api/ballots/{o['draft_ballot'].pk}/schedule/"),
    ActRow("api/ballots/<int:ballot_id>/cancel/", "post", lambda o: f"/api/ballots/{o['draft_ballot'].pk}/cancel/", lambda o: {"reason": "Test."}),
    ActRow("api/ballots/<int:ballot_id>/reopen/", "post", lambda o: f"/api/ballots/{o['ballot'].pk}/reopen/", lambda o: {"reason": "Test."}),
    ActRow("ballots/<int:ballot_id>/manage/verifiable/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/verifiable/", api=False),
    ActRow("api/ballots/<int:ballot_id>/verifiable/ceremony/restart/", "post", lambda o: f"/api/ballots/{o['draft_ballot'].pk}/verifiable/ceremony/restart/"),
    ActRow("ballots/<int:ballot_id>/manage/verifiable/restart/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/verifiable/restart/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/verifiable/end-shuffles/", "post", lambda o: f"/ballots/{o['ballot'].pk}/manage/verifiable/end-shuffles/", api=False),
    ActRow("ballots/new/<slug:unit_slug>/", "post", lambda o: f"/ballots/new/{o['slug']}/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/edit/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/edit/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/questions/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/questions/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/questions/<int:question_id>/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/questions/{o['question'].pk}/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/questions/<int:question_id>/remove/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/questions/{o['question'].pk}/remove/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/questions/<int:question_id>/options/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/questions/{o['question'].pk}/options/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/options/<int:option_id>/withdraw/", "post", lambda o: f"/ballots/{o['ballot'].pk}/manage/options/{o['option'].pk}/withdraw/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/cancel/", "post", lambda o: f"/ballots/{o['ballot'].pk}/manage/cancel/", lambda o: {"reason": "Test."}, api=False),
    ActRow("ballots/<int:ballot_id>/manage/reopen/", "post", lambda o: f"/ballots/{o['ballot'].pk}/manage/reopen/", lambda o: {"reason": "Test."}, api=False),
    ActRow("ballots/<int:ballot_id>/manage/closing-time/", "post", lambda o: f"/ballots/{o['ballot'].pk}/manage/closing-time/", api=False),
    ActRow("ballots/<int:ballot_id>/manage/step/<slug:step>/", "post", lambda o: f"/ballots/{o['draft_ballot'].pk}/manage/step/schedule/", api=False),
    ActRow("ballots/<int:ballot_id>/provisional/recount/", "post", lambda o: f"/ballots/{o['ballot'].pk}/provisional/recount/", api=False),
    ActRow("ballots/<int:ballot_id>/provisional/scrutineers/", "post", lambda o: f"/ballots/{o['ballot'].pk}/provisional/scrutineers/", lambda o: {"email": o["member"].email}, api=False),
    ActRow("ballots/<int:ballot_id>/declare/", "post", lambda o: f"/ballots/{o['ballot'].pk}/declare/", api=False),
]  # fmt: skip

# State-changing endpoints that act on nobody's authority, each with why.
SELF = "a person acting for themselves (their own rules, e.g. on the roll or checked in, are the service's)"
ALLOWED_WITHOUT_AUTHORITY = {
    "accounts/": "allauth's sign-in, sign-up, password, e-mail and MFA pages: the person's own account",
    "admin/": "the Django admin: read-only for records that change through services (core.admin_readonly), "
    "staff model permissions for the rest; gives no network authority",
    "api/accounts/token/": "issuing or revoking one's own API token (with a code where MFA is on)",
    "api/accounts/me/": SELF,
    "me/": "the member's own page, preferences, claim and unsubscribe links; the audit log pages are GET only",
    "api/personal-data/me/erase/": "erasing one's own data, re-confirming the password: " + SELF,
    "api/personal-data/people/<int:person_id>/erase/": "an administrator erasing a person: the gate's ERASE_PERSON, "
    "its refusals and MFA checked in tests/portal/test_personal_data.py",
    "api/ballots/<int:ballot_id>/votes/": "the vote cast by the voter themselves, on the roll: " + SELF,
    "api/ballots/<int:ballot_id>/receipt/email/": SELF,
    "ballots/<int:ballot_id>/": "the vote cast by the voter themselves: " + SELF,
    "ballots/<int:ballot_id>/receipt/": "checking a receipt: reads only",
    "ballots/<int:ballot_id>/receipt/email/": SELF,
    "ballots/<int:ballot_id>/nominations/": "nominating, seconding, accepting: members of the unit, " + SELF,
    "api/meetings/motions/": "proposing a motion: " + SELF,
    "api/meetings/motions/<int:motion_id>/second/": SELF,
    "api/meetings/motions/<int:motion_id>/discussion/": "posting: " + SELF,
    "api/meetings/discussion/<int:post_id>/": "the author editing their own post: " + SELF,
    "api/meetings/motions/<int:motion_id>/amendments/": SELF,
    "api/meetings/amendments/<int:amendment_id>/second/": SELF,
    "api/meetings/<int:meeting_id>/check-in/": "checking oneself in with the room code: " + SELF,
    "api/meetings/votes/<int:vote_id>/cast/": SELF,
    "api/ballots/<int:ballot_id>/verifiable/ballots/": "the voter's own encrypted ballot, signed with their credential: "
    + SELF,
    "ballots/<int:ballot_id>/trustee/": "a named trustee's own key, shuffle or partial decryption (the same services as the "
    "trustee API); the services check they are this ballot's trustee",
    "api/ballots/<int:ballot_id>/verifiable/trustee/certificate/": "a named trustee's own certificate (threshold ceremony); the service checks they are this ballot's trustee",
    "api/ballots/<int:ballot_id>/verifiable/trustee/polynomial/": "a named trustee's own polynomial, checked against every certificate; the service checks they are a trustee",
    "api/ballots/<int:ballot_id>/verifiable/trustee/voutput/": "a named trustee's own verification key, checked against the commitments; the service checks they are a trustee",
    "api/ballots/<int:ballot_id>/verifiable/trustee/key/": "a named trustee's own public key; the service checks they are this ballot's trustee",
    "api/ballots/<int:ballot_id>/verifiable/trustee/shuffle/": "a named trustee's own shuffle, checked before it is stored; the service checks they are a trustee",
    "api/ballots/<int:ballot_id>/verifiable/trustee/decryption/": "a named trustee's own partial decryption, checked against their key; the service checks they are a trustee",
    "api/meetings/<int:meeting_id>/proxy/": "appointing or revoking one's own proxy: " + SELF,
    "api/meetings/votes/<int:vote_id>/proxy-cast/": "casting the vote one holds as proxy: " + SELF,
    "meetings/motions/new/<slug:unit_slug>/": SELF,
    "meetings/motions/<int:motion_id>/amend/": SELF,
    "meetings/discussion/motions/<int:motion_id>/": SELF,
    "meetings/discussion/motions/<int:motion_id>/email/": SELF,
    "meetings/discussion/posts/<int:post_id>/edit/": SELF,
    "meetings/requisitions/<slug:unit_slug>/": "members requisitioning a meeting: " + SELF,
    "meetings/requisition/<int:requisition_id>/sign/": SELF,
    "meetings/votes/<int:vote_id>/cast/": SELF,
    "meetings/<int:meeting_id>/check-in/": SELF,
    "meetings/<int:meeting_id>/speak/": SELF,
    "meetings/<int:meeting_id>/speak/<int:request_id>/withdraw/": "withdrawing one's own request ("
    "withdrawing another's passes the gate's RUN_MEETINGS in the service)",
    "meetings/<int:meeting_id>/check-out/": "checking oneself out (checking another out passes the gate)",
    "meetings/<int:meeting_id>/proxy/": SELF,
    "meetings/<int:meeting_id>/proxy/revoke/": SELF,
    "meetings/votes/<int:vote_id>/proxy-cast/": SELF,
    # Function views with no method decorator: they read only (a GET never writes).
    "": "the home page: reads only",
    "healthz": "the health check: reads only",
    "units/": "the network's page: reads only",
    "units/me/memberships/": "reads only",
    "units/<slug:slug>/": "reads only",
    "units/<slug:slug>/bodies/<int:body_id>/": "reads only",
    "units/<slug:slug>/offices/<int:office_id>/": "reads only",
    "units/<slug:slug>/documents/<int:document_id>/": "reads only",
    "units/<slug:slug>/roll/export.csv": "reads only (unit managers)",
    "units/<slug:slug>/roll/imports/<int:import_id>/": "reads only (unit managers)",
    "meetings/": "reads only",
    "meetings/motions/": "reads only",
    "meetings/motions/<int:motion_id>/": "reads only",
    "meetings/<int:meeting_id>/": "reads only",
    "meetings/<int:meeting_id>/live.json": "reads only",
    "meetings/<int:meeting_id>/console/": "reads only (the console's buttons post to console/<action>/)",
    "ballots/": "reads only",
    "ballots/<int:ballot_id>/result/": "reads only",
}
STATE_CHANGING = {"post", "put", "patch", "delete"}


def _patterns(resolver: Any, prefix: str = "") -> Any:
    from django.urls import URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _accepted_methods(callback: Any) -> set[str]:
    """The state-changing methods a view accepts: a class view's handlers,
    or a function view's ``require_http_methods`` list (all of them if it
    has none)."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {m for m in STATE_CHANGING if hasattr(view_class, m)}
    function = callback
    while function is not None:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple) and value and all(isinstance(m, str) and m.isupper() for m in value):
                return {m.lower() for m in value} & STATE_CHANGING
        function = getattr(function, "__wrapped__", None)
    return set(STATE_CHANGING)


def _allowed_without_authority(route: str) -> bool:
    return route in ALLOWED_WITHOUT_AUTHORITY or any(
        route.startswith(prefix) for prefix in ("accounts/", "admin/", "me/")
    )


def test_every_state_changing_endpoint_has_a_row() -> None:
    """Walks the URL conf: a new endpoint that changes state fails here until
    it has a row in ACT_ROWS (and so is checked for MFA) or a reason in
    ALLOWED_WITHOUT_AUTHORITY."""
    from django.urls import get_resolver

    rows = {row.route for row in ACT_ROWS}
    missing = []
    seen = 0
    for route, callback in _patterns(get_resolver()):
        if not _accepted_methods(callback):
            continue
        seen += 1
        if route not in rows and not _allowed_without_authority(route):
            missing.append(route)
    stale = rows - {route for route, _ in _patterns(get_resolver())}
    print(f"\nURL conf: {seen} state-changing patterns, {len(rows)} rows, {len(missing)} without a row")  # noqa: T201
    assert not missing, "state-changing endpoints with no row in the access matrix:\n" + "\n".join(missing)
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _act_objects(demo: Demo) -> dict[str, Any]:
    from accounts.models import AccountLockout
    from ballots.services.setup import ballot_create, option_add, question_add
    from governance.models import GoverningDocument
    from meetings.models import Amendment, DiscussionPost
    from meetings.services.paper import paper_count_create, paper_entry_add

    objects = _objects(demo)
    past = objects["past"]
    count = paper_count_create(
        meeting_id=past.pk, actor=demo.secretary, title="Delegate", method="irv", seats=1, candidates=["A", "B", "C"]
    )
    entry = paper_entry_add(count_id=count.pk, actor=demo.secretary, marks={0: "1", 1: "2"})
    draft_ballot = ballot_create(
        unit=demo.stockport,
        actor=demo.secretary,
        title="A draft",
        returning_officer=demo.secretary,
        opens_at=timezone.now() + dt.timedelta(days=10),
        closes_at=timezone.now() + dt.timedelta(days=12),
    )
    question = question_add(
        ballot_id=draft_ballot.pk, actor=demo.secretary, kind="election", title="Delegate", method="irv", seats=1
    )
    option_add(ballot_id=draft_ballot.pk, question_id=question.pk, actor=demo.secretary, label="Someone")
    AccountLockout.objects.filter(user=demo.member).delete()
    return objects | {
        "count": count,
        "entry": entry,
        "post": DiscussionPost.objects.filter(motion__unit=demo.stockport).order_by("pk").first(),
        "amendment": Amendment.objects.filter(motion__unit=demo.stockport).order_by("pk").first(),
        "document": GoverningDocument.objects.filter(unit=demo.stockport).first(),
        "holding": Holding.objects.filter(office__unit=demo.stockport, person=demo.chair).first(),
        "member": demo.member,
        "draft_ballot": draft_ballot,
        "question": question,
        "option": demo.open_ballot.questions.first().options.first(),  # type: ignore[union-attr]
    }


MFA_CODES = {"mfa_required", "mfa_not_verified"}


def _refused_for_mfa(response: Any, *, api: bool) -> bool:
    if api:
        return response.status_code == 403 and response.json().get("code") in MFA_CODES
    if response.status_code == 403:
        return True
    return response.status_code == 302 and "/accounts/2fa/" in response.get("Location", "")


def _send(client: Any, row: ActRow, objects: dict[str, Any]) -> Any:
    data = row.data(objects)
    send = getattr(client, row.method)
    if row.api and not any(hasattr(v, "read") for v in data.values()):
        return send(row.path(objects), data, format="json")
    return send(row.path(objects), data)


def test_no_state_changing_act_without_mfa_where_the_unit_demands_it(demo: Demo) -> None:
    """The MFA column: Stockport demands MFA of its officers; its secretary
    (who may do every one of these acts there) has no authenticator. Every
    row is refused: web with a session, API with a session and with a token."""
    objects = _act_objects(demo)
    UnitAccessPolicy.objects.create(unit=demo.stockport, officers_require_mfa=True)
    officer = demo.secretary
    assert not roles_mfa_enabled(officer)
    token = demo.token(officer)
    bypasses: list[str] = []
    checked = 0
    for row in ACT_ROWS:
        if row.api:
            session: Any = APIClient()
            session.force_login(officer)
            by_token: Any = APIClient()
            by_token.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            clients = {"session": session, "token": by_token}
        else:
            web = Client()
            web.force_login(officer)
            clients = {"session": web}
        for how, client in clients.items():
            response = _send(client, row, objects)
            checked += 1
            if not _refused_for_mfa(response, api=row.api):
                body = response.content[:200] if response.status_code != 302 else response.get("Location")
                bypasses.append(f"{row.method.upper()} {row.route} ({how}): {response.status_code} {body!r}")
    print(f"\nMFA column: {len(ACT_ROWS)} rows, {checked} requests, {len(bypasses)} not refused")  # noqa: T201
    assert not bypasses, "\n".join(bypasses)

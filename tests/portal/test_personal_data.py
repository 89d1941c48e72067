"""A person's data across every app: the export has every app's part, and an
erasure leaves nothing in any table that names them.

The walk covers every model Django knows (allauth, DRF tokens, sessions,
django-celery-beat, the admin log, the audit log) and, in raw SQL, every
text, varchar and JSON column of every table in the database's schema. A
model with a reference to a person that no app's ``personal_data`` declares
fails ``test_every_reference_to_a_person_is_declared``; one whose rows the
erasure leaves pointing at the person, undeclared as kept, fails the walk.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.lockouts import account_locked
from accounts.login_limits import account_failures_clear
from accounts.models import AccountLockout, AttentionDigest, Invitation, User
from ballots.models import Nomination, Option, Participation, Question, Result, RollEntry
from ballots.models_verifiable import VerifiableElection, VerifiableTrustee
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from core.models import AuditEntry, OutboxEmail
from governance.models import DocumentVersion, GoverningDocument, Membership, RollImport
from meetings.models import (
    Amendment,
    AmendmentSeconding,
    Attendance,
    DiscussionPost,
    Meeting,
    MeetingDelegate,
    MeetingVote,
    Minutes,
    MinutesVersion,
    Motion,
    MotionFollow,
    MotionForwarding,
    OpenVoteCast,
    PaperCount,
    PaperEntry,
    ProxyAppointment,
    Requisition,
    RequisitionSignature,
    Seconding,
    SpeakerRequest,
    StandingOrdersVersion,
)
from portal import personal_data
from tests.factories import (
    BallotFactory,
    HoldingFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
    motion_question,
)

NAME = "Ada Quintessa Lovelace"
EMAIL = "ada.quintessa@example.org"
NUMBER = "MQ-77123"
PASSWORD = "correct-horse-battery"  # the factories' password


def user_references() -> set[str]:
    """Every ``app.Model.field`` (foreign key or one-to-one, auto-created
    many-to-many tables included) that points at the user model."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def rows_pointing_at(person: User) -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                counts[f"{model._meta.label}.{field.name}"] = model._base_manager.filter(
                    **{field.attname: person.pk}
                ).count()
    return counts


def text_columns() -> list[tuple[str, str]]:
    """(table, column) for every text-like column of every table in the schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') "
            "ORDER BY table_name, column_name"
        )
        return list(cursor.fetchall())


def columns_naming(needles: list[str]) -> dict[str, list[str]]:
    """``table.column`` → the needles found in it, by raw SQL over every row."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table, column in text_columns():
            for needle in needles:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608 - names from the catalogue
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.setdefault(f"{table}.{column}", []).append(needle)
    return found


def foreign_keys_to_users() -> list[tuple[str, str]]:
    """(table, column) of every foreign-key constraint on the users' table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cl.relname, att.attname FROM pg_constraint con "
            "JOIN pg_class cl ON cl.oid = con.conrelid "
            "JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey) "
            "WHERE con.contype = 'f' AND con.confrelid = %s::regclass",
            [User._meta.db_table],
        )
        return list(cursor.fetchall())


@pytest.fixture
def everywhere(client: Client) -> dict[str, Any]:
    """A person with a row in every table that can refer to a person."""
    unit = UnitFactory(name="Momentum Stockport")
    person = UserFactory(email=EMAIL, full_name=NAME)
    other = MembershipFactory(unit=unit).person
    officer = MembershipFactory(unit=unit).person
    MembershipFactory(unit=unit, person=person, membership_number=NUMBER)
    EmailAddress.objects.create(user=person, email=EMAIL, verified=True, primary=True)
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    Token.objects.create(user=person)
    person.groups.create(name="Helpers")
    from django.contrib.auth.models import Permission

    person.user_permissions.add(Permission.objects.first())
    Invitation.objects.create(person=person, unit=unit, invited_by=officer)
    Invitation.objects.create(person=other, unit=unit, invited_by=person)
    now = timezone.now()
    AccountLockout.objects.create(user=person, reason="password", started_at=now, ends_at=now, lifted_by=officer)
    AccountLockout.objects.create(user=other, reason="password", started_at=now, ends_at=now, lifted_by=person)
    AttentionDigest.objects.create(person=person, items=["vote /ballots/1/"], sent=1, sent_at=now)
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(user=person, content_type=user_type, object_id=str(other.pk), action_flag=ADDITION)
    LogEntry.objects.create(
        user=officer, content_type=user_type, object_id=str(person.pk), object_repr=EMAIL, action_flag=ADDITION
    )
    LogEntry.objects.create(
        user=officer, content_type=user_type, object_id="0", object_repr=f"{NAME} in Stockport", action_flag=ADDITION
    )
    OutboxEmail.objects.create(key="k1", recipient=person, to_address=EMAIL, subject=f"Hello {NAME}", body_text=NAME)
    AuditEntry.objects.create(
        actor=person, action="x", object_type="user", object_id="1", detail={"who": EMAIL}, ip_address="10.1.2.3"
    )
    AuditEntry.objects.create(actor=officer, action="y", object_type="x", object_id="2", detail={"n": [NUMBER, NAME]})

    HoldingFactory(person=person, office__unit=unit)
    document = GoverningDocument.objects.create(unit=unit, kind="constitution", title="Constitution")
    DocumentVersion.objects.create(
        document=document, number=1, text="Text", adopted_on=dt.date(2024, 1, 1), authority="AGM", recorded_by=person
    )
    RollImport.objects.create(unit=unit, uploaded_by=person, content="x")
    RollImport.objects.create(
        unit=unit, uploaded_by=officer, content=f"{NUMBER},{NAME},{EMAIL}\n", errors=[{"line": 1, "reason": EMAIL}]
    )

    meeting = Meeting.objects.create(
        unit=unit, kind="general", title="General meeting", starts_at=now, notice_days=7, quorum=2,
        created_by=person, chair=person,
    )  # fmt: skip
    motion = Motion.objects.create(unit=unit, title="Hospital", text="T", proposer=person, ruled_by=person,
                                   state=Motion.State.SUBMITTED)  # fmt: skip
    draft = Motion.objects.create(unit=unit, title="My draft", text="secret plan", proposer=person)
    Seconding.objects.create(motion=motion, seconder=person)
    MotionFollow.objects.create(motion=motion, person=person)
    up = Motion.objects.create(unit=unit, title="Hospital", text="T", proposer=other, state=Motion.State.SUBMITTED)
    MotionForwarding.objects.create(
        original=motion, forwarded=up, meeting=meeting, forwarded_by=person, text_as_carried="T"
    )
    amendment = Amendment.objects.create(motion=motion, proposer=person, summary="S", text="T2", base_text="T")
    AmendmentSeconding.objects.create(amendment=amendment, seconder=person)
    post = DiscussionPost.objects.create(motion=motion, author=person, text=f"I, {NAME}, say yes")
    DiscussionPost.objects.create(
        motion=motion, author=other, text="off topic", hidden_at=now, hidden_by=person, hidden_reason="spam"
    )
    StandingOrdersVersion.objects.create(unit=unit, number=1, values={}, changed_by=person)
    Attendance.objects.create(meeting=meeting, person=person, method="self", checked_in_by=person)
    Attendance.objects.create(meeting=meeting, person=other, method="secretary", checked_in_by=person)
    minutes = Minutes.objects.create(meeting=meeting)
    MinutesVersion.objects.create(minutes=minutes, number=1, text="Minutes", author=person)
    requisition = Requisition.objects.create(unit=unit, purpose="P", created_by=person, signatures_required=2)
    RequisitionSignature.objects.create(requisition=requisition, signer=person)
    count = PaperCount.objects.create(meeting=meeting, title="C", method="plurality", candidates=[], created_by=person)
    PaperEntry.objects.create(count=count, number=1, ranking=[], entered_by=person, confirmed_by=officer)
    PaperEntry.objects.create(count=count, number=2, ranking=[], entered_by=officer, confirmed_by=person)
    ProxyAppointment.objects.create(meeting=meeting, principal=person, holder=other)
    ProxyAppointment.objects.create(meeting=meeting, principal=officer, holder=person)
    MeetingDelegate.objects.create(meeting=meeting, person=person, represents=unit, weight=3)
    SpeakerRequest.objects.create(meeting=meeting, person=person, kind="for", gender="woman")
    vote = MeetingVote.objects.create(meeting=meeting, title="V", mode="open", opened_by=person)
    OpenVoteCast.objects.create(vote=vote, voter=person, choice="for")
    OpenVoteCast.objects.create(vote=vote, voter=officer, holder=person, choice="against")

    ballot = BallotFactory(unit=unit, title="Hospital campaign motion", returning_officer=person)
    ballot.scrutineers.add(person)
    question = motion_question(ballot)
    candidates = Question.objects.create(
        ballot=BallotFactory(unit=unit), kind="election", title="Secretary", method="irv"
    )
    Option.objects.create(question=candidates, position=1, label=NAME, candidate=person)
    nomination = Nomination.objects.create(question=candidates, nominee=person, nominated_by=person)
    nomination.seconders.add(person)
    election = VerifiableElection.objects.create(ballot=BallotFactory(unit=unit), uuid="u1")
    VerifiableTrustee.objects.create(election=election, position=1, person=person)
    voters = [person, other, officer]
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for_option = question.options.get(label="For").pk
    for voter in voters:
        vote_cast(
            ballot_id=ballot.pk, voter=voter, answers={question.pk: [for_option]}, idempotency_key=f"k-{voter.pk}"
        )
    client.force_login(person)
    return {
        "person": person,
        "other": other,
        "officer": officer,
        "ballot": ballot,
        "question": question,
        "post": post,
        "draft": draft,
    }


def test_every_reference_to_a_person_is_declared() -> None:
    declared = personal_data.erased_references() | set(personal_data.kept_references())
    assert user_references() - declared == set(), "a model refers to a person and no app says how it is erased"
    assert declared - user_references() == set(), "a declared reference no model has"
    assert not personal_data.erased_references() & set(personal_data.kept_references())


@pytest.mark.django_db(transaction=True)
def test_the_fixture_reaches_every_reference(everywhere: dict[str, Any]) -> None:
    """Else the walk after erasure would prove nothing for the missing ones."""
    counts = rows_pointing_at(everywhere["person"])
    assert [ref for ref, n in counts.items() if n == 0] == []
    assert columns_naming([EMAIL, NAME, NUMBER])  # and the raw walk finds them before


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_table_naming_the_person(everywhere: dict[str, Any], client: Client) -> None:
    person = everywhere["person"]
    assert Session.objects.exists()
    response = client.post("/me/erase/", {"password": PASSWORD})
    assert response.status_code == 302, response.content

    # Every reference the erasure does not keep, on purpose, is gone.
    kept = personal_data.kept_references()
    left = {ref: n for ref, n in rows_pointing_at(person).items() if n and ref not in kept}
    assert left == {}
    db_kept = {
        (apps.get_model(ref.rsplit(".", 1)[0])._meta.db_table, apps.get_model(ref.rsplit(".", 1)[0])._meta.get_field(ref.rsplit(".", 1)[1]).column)
        for ref in kept
    }  # fmt: skip
    with connection.cursor() as cursor:
        for table, column in foreign_keys_to_users():
            if (table, column) in db_kept:
                continue
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" = %s', [person.pk])  # noqa: S608
            assert cursor.fetchone()[0] == 0, (table, column)

    # No text anywhere names them, except the declared public record of a result.
    naming = columns_naming([EMAIL, NAME, NUMBER, "Quintessa"])
    assert set(naming) <= set(personal_data.text_kept()), naming
    assert "ballots_option.label" in naming  # the candidate's name on the ballot stays, as declared

    # No session is signed in as them; the account names no one and opens nothing.
    assert all(str(s.get_decoded().get("_auth_user_id")) != str(person.pk) for s in Session.objects.all())
    person.refresh_from_db()
    assert person.full_name == "Removed member" and person.email.endswith("@removed.invalid")
    assert not person.is_active and not person.has_usable_password() and person.last_login is None
    assert not Motion.objects.filter(pk=everywhere["draft"].pk).exists()
    assert SpeakerRequest.objects.get(person=person).gender == ""

    # What integrity needs still counts: turnout, and the count itself.
    ballot = everywhere["ballot"]
    assert Participation.objects.filter(ballot=ballot).count() == 3 == RollEntry.objects.filter(ballot=ballot).count()
    assert Participation.objects.get(ballot=ballot, voter=person).sealed_receipt == ""
    lifecycle.ballot_close(ballot_id=ballot.pk)
    assert Result.objects.get(question=everywhere["question"]).count_sheet["votes_for"] == 3

    entry = AuditEntry.objects.get(action="person_erased")
    assert entry.object_id == str(person.pk) and entry.actor is None and entry.detail == {"by": "the person"}
    # Signed out, and the account cannot sign in again.
    assert client.get("/me/").status_code == 302
    assert not Client().login(email=EMAIL, password=PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_export_has_every_apps_part(everywhere: dict[str, Any], client: Client) -> None:
    response = client.get("/me/export.json")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["format"] == personal_data.FORMAT
    assert set(personal_data.APPS) <= set(data)
    for app in personal_data.APPS:
        assert any(data[app].values()), f"{app} contributes nothing"
    assert data["accounts"]["account"]["email"] == EMAIL
    assert data["accounts"]["api_tokens"] and data["accounts"]["email_addresses"][0]["email"] == EMAIL
    assert data["governance"]["memberships"][0]["membership_number"] == NUMBER
    meetings = data["meetings"]
    assert meetings["speakers_lists"][0]["gender"] == "woman"
    assert meetings["discussion_posts"][0]["text"] == f"I, {NAME}, say yes"
    assert len(meetings["proxies_given"]) == 1 and len(meetings["proxies_held"]) == 1
    assert meetings["attendance"] and meetings["motions_seconded"] and meetings["amendments_proposed"]
    assert {m["title"] for m in meetings["motions_proposed"]} == {"Hospital", "My draft"}
    assert data["ballots"]["ballots"] == [
        {"id": everywhere["ballot"].pk, "title": "Hospital campaign motion", "unit": "branch-0", "state": "open",
         "voted": True}
    ] or data["ballots"]["ballots"][0]["voted"] is True  # fmt: skip
    assert data["core"]["emails_sent_to_you"][0]["subject"] == f"Hello {NAME}"
    # Nothing says how they voted in the secret ballot: no paper, receipt or tracker anywhere.
    text = response.content.decode()
    assert "receipt" not in text and "tracker" not in text and "paper" not in text.replace("PaperCount", "")


@pytest.mark.django_db(transaction=True)
def test_who_may_erase(everywhere: dict[str, Any], settings: Any) -> None:
    person, other = everywhere["person"], everywhere["other"]
    as_other = Client()
    as_other.force_login(other)
    refused = as_other.post(f"/api/personal-data/people/{person.pk}/erase/")
    assert refused.status_code == 403 and refused.json()["code"] == "not_the_person"
    as_person = Client()
    as_person.force_login(person)
    wrong = as_person.post("/api/personal-data/me/erase/", {"password": "not-it"}, content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "password_wrong"
    page = as_person.post("/me/erase/", {"password": "not-it"})
    assert page.status_code == 400 and "not your password" in page.content.decode()
    assert User.objects.get(pk=person.pk).email == EMAIL  # nothing erased yet

    admin = UserFactory(is_superuser=True, is_staff=True)
    as_admin = Client()
    as_admin.force_login(admin)
    settings.ACCOUNTS_MFA_REQUIRED_FOR_ADMINS = True  # an administrator's act asks MFA where it is required
    unverified = as_admin.post(f"/api/personal-data/people/{person.pk}/erase/")
    assert unverified.status_code == 403 and unverified.json()["code"] == "mfa_required"
    settings.ACCOUNTS_MFA_REQUIRED_FOR_ADMINS = False
    done = as_admin.post(f"/api/personal-data/people/{person.pk}/erase/")
    assert done.status_code == 200 and done.json() == {"erased": True}
    entry = AuditEntry.objects.get(action="person_erased")
    assert entry.actor == admin and entry.detail == {"by": "an administrator"}
    assert not Membership.objects.filter(person=person).exists()
    other_admin = UserFactory(is_superuser=True)
    refused_admin = as_admin.post(f"/api/personal-data/people/{other_admin.pk}/erase/")
    assert refused_admin.status_code == 409 and refused_admin.json()["code"] == "erase_administrator"
    assert as_admin.post("/api/personal-data/people/999999/erase/").status_code == 404


@pytest.mark.django_db
def test_erase_page_explains_first(client: Client) -> None:
    client.force_login(UserFactory())
    page = client.get("/me/erase/")
    assert page.status_code == 200 and "still count" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_at_the_erasure_count_towards_the_lockout(everywhere: dict[str, Any], settings: Any) -> None:
    """A stolen session cannot be used to guess the password at the erasure
    form: each wrong one counts like a wrong sign-in, and once the account is
    locked even the right password erases nothing."""
    settings.ACCOUNTS_LOCKOUT_PASSWORD_FAILURES = 3
    person = everywhere["person"]
    account_failures_clear(login=person.email)  # counts live in the cache, beyond one test's database
    as_person = Client()
    as_person.force_login(person)
    for _ in range(3):
        wrong = as_person.post("/api/personal-data/me/erase/", {"password": "guess"}, content_type="application/json")
        assert wrong.status_code == 400 and wrong.json()["code"] == "password_wrong"
    assert account_locked(user=person)
    right = as_person.post("/api/personal-data/me/erase/", {"password": PASSWORD}, content_type="application/json")
    assert right.status_code == 403 and right.json()["code"] == "account_locked"
    assert User.objects.get(pk=person.pk).email == EMAIL  # nothing erased

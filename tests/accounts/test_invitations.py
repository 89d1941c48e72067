"""Invitations from the roll: who is invited, once only, and claiming the link."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts import services, tokens
from accounts.models import Invitation, User
from core.models import AuditEntry, OutboxEmail
from governance.models import Membership
from tests.accounts.helpers import imported_person, verified_user
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _claim_link(body: str) -> str:
    match = re.search(r"https?://[^\s\"]+/me/claim/[^\s\"/]+/", body)
    assert match, body
    return match.group(0)


@pytest.fixture
def roll():
    """A branch roll: two imported people, one with an account, one lapsed,
    one who refused contact, and one in another branch."""
    unit = UnitFactory(name="Momentum Stockport", slug="momentum-stockport")
    ann = imported_person(email="ann@example.org", full_name="Ann Archer")
    bob = imported_person(email="bob@example.org", full_name="Bob Baker")
    for person in (ann, bob):
        MembershipFactory(unit=unit, person=person)
    MembershipFactory(unit=unit, person=verified_user(email="has-account@example.org"))
    MembershipFactory(unit=unit, person=imported_person(email="lapsed@example.org"), status=Membership.Status.LAPSED)
    MembershipFactory(unit=unit, person=imported_person(email="no-contact@example.org"), consent_to_contact=False)
    MembershipFactory(person=imported_person(email="elsewhere@example.org"))
    return unit, ann, bob


def test_invites_active_members_who_cannot_sign_in_once_each(roll, django_capture_on_commit_callbacks) -> None:
    unit, _ann, _bob = roll
    with django_capture_on_commit_callbacks(execute=True):
        run = services.invitations_send(unit=unit)
    assert sorted(run.invited) == ["ann@example.org", "bob@example.org"]
    rows = OutboxEmail.objects.filter(key__startswith="accounts-invite:")
    assert sorted(rows.values_list("to_address", flat=True)) == ["ann@example.org", "bob@example.org"]
    assert {m.to[0] for m in mail.outbox} == {"ann@example.org", "bob@example.org"}  # sent by the (eager) worker task
    message = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    assert message.subject == "Your Momentum Stockport account is ready to claim"
    assert "/me/unsubscribe/" in message.body
    assert _claim_link(message.body)

    again = services.invitations_send(unit=unit)
    assert again.invited == []
    assert OutboxEmail.objects.filter(key__startswith="accounts-invite:").count() == 2
    assert AuditEntry.objects.filter(action="invitation_sent", unit=unit).count() == 2


def test_an_invitation_racing_another_queues_nothing_twice(roll) -> None:
    unit, ann, _ = roll
    Invitation.objects.create(person=ann, unit=unit)  # another run got there between select and insert
    assert services._invite_one(person=ann, unit=unit, actor=None) is False
    assert not OutboxEmail.objects.filter(to_address=ann.email).exists()


def test_expired_unclaimed_invitation_is_replaced(roll, settings) -> None:
    unit, ann, _bob = roll
    services.invitations_send(unit=unit)
    Invitation.objects.filter(person=ann).update(created_at=timezone.now() - dt.timedelta(days=30))
    run = services.invitations_send(unit=unit)
    assert run.invited == ["ann@example.org"] and run.superseded == 1
    assert Invitation.objects.filter(person=ann).count() == 2
    assert OutboxEmail.objects.filter(to_address=ann.email).count() == 2  # a new key for the new invitation


def test_command_dry_run_lists_and_queues_nothing(roll) -> None:
    unit, _, _ = roll
    out = StringIO()
    call_command("invite_members", unit=unit.slug, dry_run=True, stdout=out)
    assert "would invite 2 people" in out.getvalue()
    assert "ann@example.org" in out.getvalue()
    assert not Invitation.objects.exists() and not OutboxEmail.objects.exists()
    out = StringIO()
    call_command("invite_members", unit=unit.slug, stdout=out)
    assert "invited 2 people" in out.getvalue()
    assert Invitation.objects.count() == 2


def test_command_refuses_unknown_unit() -> None:
    with pytest.raises(CommandError, match="No unit"):
        call_command("invite_members", unit="nowhere")


def test_claim_sets_password_verifies_email_and_signs_in(roll) -> None:
    unit, ann, _ = roll
    services.invitations_send(unit=unit)
    link = _claim_link(OutboxEmail.objects.get(to_address=ann.email).body_text)
    client = Client()
    response = client.get(link.split("testserver")[-1].replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 302 and response["Location"] == "/me/claim/set-password/"
    page = client.get("/me/claim/set-password/")
    assert page.status_code == 200 and b"ann@example.org" in page.content

    weak = client.post("/me/claim/set-password/", {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and b"too short" in weak.content
    mismatch = client.post(
        "/me/claim/set-password/", {"new_password1": "long-enough-pass-1", "new_password2": "other-pass-22"}
    )
    assert mismatch.status_code == 200 and b"didn" in mismatch.content

    done = client.post(
        "/me/claim/set-password/", {"new_password1": "tulips-in-spring-26", "new_password2": "tulips-in-spring-26"}
    )
    assert done.status_code == 302 and done["Location"] == "/me/"
    ann.refresh_from_db()
    assert ann.check_password("tulips-in-spring-26")
    assert EmailAddress.objects.get(user=ann, email=ann.email).verified
    assert Invitation.objects.get(person=ann).claimed_at is not None
    assert AuditEntry.objects.filter(action="account_claimed", actor=ann, unit=unit).exists()
    assert client.get("/me/").status_code == 200  # signed in

    reused = Client().get(link.replace("http://127.0.0.1:8000", ""))
    assert reused.status_code == 400 and b"already been used" in reused.content
    # and the person is no longer a candidate
    assert services.invitations_send(unit=unit).invited == []


def test_tampered_expired_and_missing_tokens_are_clear_4xx(roll, settings) -> None:
    _unit, ann, _ = roll
    client = Client()
    assert client.get("/me/claim/not-a-token/").status_code == 400
    assert b"not valid" in client.get("/me/claim/not-a-token/").content
    assert client.get("/me/claim/set-password/").status_code == 400
    token = tokens.claim_token_make(user=ann)
    settings.ACCOUNTS_INVITATION_MAX_AGE = -1
    expired = client.get(f"/me/claim/{token}/")
    assert expired.status_code == 400 and b"expired" in expired.content


def test_claim_is_refused_if_the_link_is_used_while_the_form_is_open(roll) -> None:
    _unit, ann, _ = roll
    token = tokens.claim_token_make(user=ann)
    first, second = Client(), Client()
    assert first.get(f"/me/claim/{token}/").status_code == 302
    assert second.get(f"/me/claim/{token}/").status_code == 302
    ok = first.post("/me/claim/set-password/", {"new_password1": "first-pass-1234", "new_password2": "first-pass-1234"})
    assert ok.status_code == 302
    late = second.post(
        "/me/claim/set-password/", {"new_password1": "second-pass-1234", "new_password2": "second-pass-1234"}
    )
    assert late.status_code == 400
    assert User.objects.get(pk=ann.pk).check_password("first-pass-1234")

"""What accounts holds about a person (the account, e-mail addresses,
authenticators, API tokens, invitations, lockouts, sessions) and how it is
erased; composed by ``portal.personal_data``.

The account row itself is not deleted: ballots, motions and meetings keep
references to it where their integrity needs one (a roll entry counted in
turnout, a seconding counted for a motion; see each app's ``KEPT``). It
becomes a tombstone that names no one: "Removed member", an address at
``removed.invalid`` built from a random token, no password, inactive, no
groups or permissions, no last sign-in. Everything else is deleted.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import AccountLockout, AttentionDigest, Invitation, User
from core.personal_data import REMOVED, mentions, needles, scrub

REMOVED_NAME = "Removed member"
REMOVED_DOMAIN = "removed.invalid"

ERASED = frozenset(
    {
        "admin.LogEntry.user",
        "authtoken.Token.user",
        "authtoken.TokenProxy.user",
        "account.EmailAddress.user",
        "mfa.Authenticator.user",
        "accounts.User_groups.user",
        "accounts.User_user_permissions.user",
        "accounts.Invitation.person",
        "accounts.Invitation.invited_by",
        "accounts.AccountLockout.user",
        "accounts.AccountLockout.lifted_by",
        "accounts.AttentionDigest.person",
    }
)
KEPT: dict[str, str] = {}


def is_erased(person: Any) -> bool:
    return str(person.email).endswith("@" + REMOVED_DOMAIN)


def _sessions_of(person: Any) -> list[str]:
    """Keys of the sessions signed in as ``person`` (Django stores the user's
    id inside the encoded session, so each is decoded). Every session in the
    database is read: fit for the erasure, done once per person, and kept
    out of the export, which anyone signed in may fetch again and again."""
    keys = []
    for session in Session.objects.all().iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(person.pk):
            keys.append(session.session_key)
    return keys


def held_about(person: Any) -> dict[str, Any]:
    return {
        "account": {
            "id": person.pk,
            "email": person.email,
            "full_name": person.full_name,
            "date_joined": person.date_joined.isoformat(),
            "last_login": person.last_login.isoformat() if person.last_login else None,
            "optional_email": person.optional_email,
            "attention_digest": person.attention_digest,
            "two_factor": sorted(Authenticator.objects.filter(user=person).values_list("type", flat=True)),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=person).order_by("email")
        ],
        "api_tokens": [{"created": t.created.isoformat()} for t in Token.objects.filter(user=person)],
        "invitations": [
            {
                "unit": i.unit.slug,
                "sent_at": i.created_at.isoformat(),
                "claimed_at": i.claimed_at.isoformat() if i.claimed_at else None,
            }
            for i in Invitation.objects.filter(person=person).select_related("unit")
        ],
        "lockouts": [
            {"reason": lock.reason, "started_at": lock.started_at.isoformat()}
            for lock in AccountLockout.objects.filter(user=person)
        ],
    }


@transaction.atomic
def erase(person: Any) -> None:
    """Delete the person's sign-in means and records, then make the account
    row a tombstone. Call last in the erasure's transaction: the other apps
    read the name and address to scrub them first."""
    Session.objects.filter(session_key__in=_sessions_of(person)).delete()
    Token.objects.filter(user=person).delete()  # its ApiTokenProof goes with it
    Authenticator.objects.filter(user=person).delete()
    EmailAddress.objects.filter(user=person).delete()  # and their confirmations
    Invitation.objects.filter(person=person).delete()
    Invitation.objects.filter(invited_by=person).update(invited_by=None)
    AccountLockout.objects.filter(user=person).delete()
    AttentionDigest.objects.filter(person=person).delete()  # which items their last digest listed
    AccountLockout.objects.filter(lifted_by=person).update(lifted_by=None)
    LogEntry.objects.filter(user=person).delete()
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)).update(
        object_repr=REMOVED, change_message=""
    )
    words = needles(person)  # the admin's log names objects by str(), which may be theirs (a membership)
    for entry in LogEntry.objects.filter(mentions("object_repr", words) | mentions("change_message", words)):
        entry.object_repr = scrub(entry.object_repr, words)
        entry.change_message = scrub(entry.change_message, words)
        entry.save(update_fields=["object_repr", "change_message"])
    locked = User.objects.select_for_update().get(pk=person.pk)
    locked.groups.clear()
    locked.user_permissions.clear()
    locked.email = f"erased-{secrets.token_hex(8)}@{REMOVED_DOMAIN}"
    locked.full_name = REMOVED_NAME
    locked.password = make_password(None)
    locked.is_active = locked.is_staff = locked.is_superuser = False
    locked.optional_email = False
    locked.last_login = None
    locked.save()
    person.email, person.full_name = locked.email, locked.full_name

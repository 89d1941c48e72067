"""Writes for accounts: invitations from the roll, claiming, preferences, tokens.

Sign-up, sign-in, verification, password reset and MFA are allauth's; these
services cover what allauth does not: inviting people who are already on a
roll, and turning an invitation into a signed-in, verified account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts import selectors, tokens
from accounts.models import ApiTokenProof, Invitation, User
from core.audit import audit_record
from core.emails import outbox_enqueue
from governance.models import Unit

INVITE_BATCH = 500


@dataclass
class InvitationRun:
    """What an invitation run did (or, with ``dry_run``, would do)."""

    unit: str
    dry_run: bool
    invited: list[str] = field(default_factory=list)
    superseded: int = 0


def claim_url(*, user: User) -> str:
    return settings.SITE_URL + reverse("accounts:claim", args=[tokens.claim_token_make(user=user)])


def unsubscribe_url(*, user: User, scope: str = "optional") -> str:
    """A link that turns optional mail (or, with ``scope="digest"``, the
    attention digest) off without signing in; for every e-mail rendered per
    recipient."""
    token = tokens.unsubscribe_token_make(user=user, scope=scope)
    return settings.SITE_URL + reverse("accounts:unsubscribe", args=[token])


DIGEST_KIND = "accounts/attention_digest"
UNSUBSCRIBE_FOOTERS = {
    "optional": "Notices the rules require (notices of poll, results, meeting notices) always reach members on "
    "the roll. To stop optional e-mail from this platform:",
    "digest": "You get this when something new needs your attention, at most once a day. To stop these e-mails:",
}


def unsubscribe_link(*, user: User, kind: str) -> tuple[str, str]:
    """The outbox's footer link and line for an e-mail of ``kind``
    (``OUTBOX_UNSUBSCRIBE_LINK``): the digest's stops the digest alone,
    every other e-mail's stops optional mail. Separate on purpose: someone
    who wants no news may still want to be told what waits for them."""
    scope = "digest" if kind == DIGEST_KIND else "optional"
    return unsubscribe_url(user=user, scope=scope), UNSUBSCRIBE_FOOTERS[scope]


def invitations_send(*, unit: Unit, actor: Any = None, dry_run: bool = False) -> InvitationRun:
    """Invite everyone on the unit's roll who cannot sign in yet.

    One open invitation per person (a partial unique constraint) and one
    outbox row per invitation (key ``accounts-invite:<id>``): running this
    again, or twice at once, sends nobody a second e-mail. An invitation that
    expired unclaimed is superseded by a new one. Works in batches, each in
    its own transaction, so a crash part-way keeps what was done."""
    run = InvitationRun(unit=unit.slug, dry_run=dry_run)
    candidate_ids = list(selectors.invitation_candidates(unit=unit).values_list("pk", flat=True))
    for start in range(0, len(candidate_ids), INVITE_BATCH):
        batch = candidate_ids[start : start + INVITE_BATCH]
        if dry_run:
            run.invited.extend(User.objects.filter(pk__in=batch).order_by("pk").values_list("email", flat=True))
            continue
        with transaction.atomic():
            run.superseded += Invitation.objects.filter(
                person_id__in=batch,
                claimed_at__isnull=True,
                superseded_at__isnull=True,
                created_at__lt=selectors.invitation_open_cutoff(),
            ).update(superseded_at=timezone.now())
            for person in User.objects.filter(pk__in=batch).order_by("pk"):
                if _invite_one(person=person, unit=unit, actor=actor):
                    run.invited.append(person.email)
    return run


def _invite_one(*, person: User, unit: Unit, actor: Any) -> bool:
    """Create the person's open invitation and queue its e-mail; False if a
    concurrent run got there first."""
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                person=person, unit=unit, invited_by=actor if getattr(actor, "pk", None) else None
            )
    except IntegrityError:
        return False
    outbox_enqueue(
        key=f"accounts-invite:{invitation.pk}",
        recipient=person,
        template="accounts/invitation",
        context={
            "unit": unit,
            "claim_url": claim_url(user=person),
            "unsubscribe_url": unsubscribe_url(user=person),
            "valid_days": settings.ACCOUNTS_INVITATION_MAX_AGE // 86400,
        },
    )
    audit_record(actor=actor, action="invitation_sent", obj=invitation, unit=unit, detail={"person": person.pk})
    return True


@transaction.atomic
def invitation_claim(*, token: str, password: str, ip_address: str | None = None) -> User:
    """Set the password of an invited person, verify their address (the link
    reached it) and mark the invitation claimed. The caller validates the
    password and then signs the person in.

    The account row is locked and the token re-checked under the lock, so a
    link clicked twice at once is claimed once; the second gets
    ``invitation_invalid``."""
    user = tokens.claim_token_user(token=token)
    User.objects.select_for_update().filter(pk=user.pk).first()
    user = tokens.claim_token_user(token=token)
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    else:
        EmailAddress.objects.filter(pk=address.pk).update(verified=True, primary=True)
    invitation = Invitation.objects.filter(person=user, claimed_at__isnull=True, superseded_at__isnull=True).first()
    if invitation is not None:
        Invitation.objects.filter(pk=invitation.pk).update(claimed_at=timezone.now())
    audit_record(
        actor=user,
        action="account_claimed",
        obj=user,
        unit=invitation.unit if invitation else None,
        ip_address=ip_address,
    )
    return user


def preferences_update(*, user: User, optional_email: bool | None = None, attention_digest: bool | None = None) -> User:
    """Set the mail preferences given (``None`` leaves one as it is)."""
    changes = {
        name: value
        for name, value in (("optional_email", optional_email), ("attention_digest", attention_digest))
        if value is not None
    }
    if changes:
        User.objects.filter(pk=user.pk).update(**changes)
        for name, value in changes.items():
            setattr(user, name, value)
    return user


def unsubscribe(*, token: str) -> tuple[User, str]:
    """Turn off what a signed link was made to stop (optional mail or the
    attention digest) for the person it was made for; returns (person, scope)."""
    user, scope = tokens.unsubscribe_token_read(token=token)
    if scope == "digest":
        return preferences_update(user=user, attention_digest=False), scope
    return preferences_update(user=user, optional_email=False), scope


def api_token_issue(*, user: User, mfa_verified: bool = False) -> str:
    """A new API token for ``user``, returned once: the database keeps only
    its digest (``tokens.api_token_digest``), so it cannot be shown again.
    A member has one token; issuing a new one revokes the one before.

    ``mfa_verified``: the caller checked an authenticator code for this
    issue. Only such a token acts where two-factor authentication is
    required (``accounts.authentication.request_mfa_verified``)."""
    token = tokens.api_token_new()
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        issued = Token.objects.create(user=user, key=tokens.api_token_digest(token))
        ApiTokenProof.objects.create(token=issued, mfa_verified=mfa_verified)
    return token


def api_token_revoke(*, user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)

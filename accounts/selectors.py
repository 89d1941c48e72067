"""Reads for accounts: who still needs an invitation, a member's own data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import attention
from accounts.models import Invitation, User
from ballots.models import Ballot
from core.models import AuditEntry, OutboxEmail
from governance import authority
from governance.models import Membership, Unit
from meetings.models import Meeting, Motion, Seconding


def invitation_open_cutoff() -> dt.datetime:
    """Invitations created before this have expired unclaimed."""
    return timezone.now() - dt.timedelta(seconds=settings.ACCOUNTS_INVITATION_MAX_AGE)


def invitation_candidates(*, unit: Unit) -> QuerySet[User]:
    """People on the unit's active roll who cannot sign in yet and have no
    live invitation: no usable password, or no verified e-mail address.

    Only memberships that consent to contact count; people who have left,
    lapsed or are suspended are not invited."""
    on_roll = Membership.objects.filter(
        person=OuterRef("pk"), unit=unit, status=Membership.Status.ACTIVE, consent_to_contact=True
    )
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True, email__iexact=OuterRef("email"))
    live_invitation = Invitation.objects.filter(
        person=OuterRef("pk"),
        claimed_at__isnull=True,
        superseded_at__isnull=True,
        created_at__gte=invitation_open_cutoff(),
    )
    return (
        User.objects.filter(Exists(on_roll), is_active=True)
        .exclude(email="")
        .filter(Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(password="") | ~Exists(verified))
        .exclude(Exists(live_invitation))
        .order_by("pk")
    )


def audit_entries_for_unit(*, unit: Unit) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(unit=unit).select_related("actor").order_by("-at", "-id")


def motions_proposed(*, user: User) -> QuerySet[Motion]:
    return (
        Motion.objects.filter(proposer=user)
        .annotate(seconder_count=Count("secondings"))
        .select_related("unit")
        .order_by("-created_at", "-id")
    )


def motions_seconded(*, user: User) -> QuerySet[Seconding]:
    return Seconding.objects.filter(seconder=user).select_related("motion__unit").order_by("-at", "-id")


def officer_overview(*, user: User, limit: int = 20) -> dict[str, Any]:
    """What an officer runs: the units they may manage, the ballots they are
    returning officer of (not yet finished), and the coming meetings of
    those units, each a bounded list (an administrator manages every unit)."""
    unit_ids = authority.units_managed_ids(user)
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("path")[:limit])
    ballots = list(
        Ballot.objects.filter(returning_officer=user, origin=Ballot.Origin.ONLINE)
        .exclude(state__in=[Ballot.State.DECLARED, Ballot.State.CANCELLED])
        .select_related("unit")
        .order_by("closes_at")[:limit]
    )
    for ballot in ballots:
        ballot.next_step = attention.ballot_next_step(ballot)  # type: ignore[attr-defined]
    meetings = list(
        Meeting.objects.filter(unit_id__in=unit_ids, starts_at__gte=timezone.now() - dt.timedelta(hours=12))
        .exclude(state__in=[Meeting.State.CLOSED, Meeting.State.CANCELLED])
        .select_related("unit")
        .order_by("starts_at")[:limit]
    )
    return {"units": units, "ballots": ballots, "meetings": meetings}


# What each kind of e-mail is, in the member's words (``OutboxEmail.kind`` is its template).
EMAIL_KINDS: dict[str, str] = {
    "accounts/invitation": "Invitation to claim the account",
    "accounts/lockout": "Account locked after failed sign-ins",
    "accounts/attention_digest": "Needs your attention",
    "ballots/notice": "Notice of poll",
    "ballots/reminder": "Reminder to vote",
    "ballots/closing_time": "Closing time changed",
    "ballots/result": "Result declared",
    "ballots/scrutineer": "Named a scrutineer",
    "ballots/verifiable_credential": "Voting credential",
    "meetings/notice": "Notice of meeting",
    "meetings/requisition_met": "Requisition met",
    "meetings/motion_changed": "News of a followed motion",
    "meetings/discussion_post": "New discussion post",
    "meetings/discussion_digest": "Discussion digest",
    "meetings/discussion_hidden": "Own post hidden",
}
EMAIL_STATUS_WORDS = {"pending": "queued", "sending": "being sent", "sent": "sent", "failed": "not delivered"}


def email_kind_label(kind: str) -> str:
    return EMAIL_KINDS.get(kind, kind or "Other")


def email_log_rows(*, person: Any, exclude_kinds: tuple[str, ...] = ()) -> QuerySet[OutboxEmail]:
    """The e-mails sent (or queued) to ``person``, newest first, without
    their bodies: what kind, why (the subject names the ballot, meeting or
    motion) and when. A receipt a member e-mails themselves is not here: it
    is sent and forgotten (``ballots.services.receipts``), so nothing stored
    ties them to a tracker. Rows of a recipient since deleted are dropped."""
    return (
        OutboxEmail.objects.filter(recipient_id=getattr(person, "pk", person))
        .exclude(status=OutboxEmail.Status.DROPPED)
        .exclude(kind__in=exclude_kinds)
        .only("kind", "subject", "status", "created_at", "sent_at")
        .order_by("-created_at", "-pk")
    )


def email_log_entry(row: OutboxEmail) -> dict[str, Any]:
    """One e-mail as plain data (for a page, the API or the data export)."""
    return {
        "kind": row.kind,
        "what": email_kind_label(row.kind),
        "why": row.subject,
        "queued_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "status": EMAIL_STATUS_WORDS.get(row.status, row.status),
    }


def emails_sent_to(*, person: Any) -> list[dict[str, Any]]:
    """Every e-mail the platform sent or queued to ``person``, as plain data,
    newest first (their own log; also for the personal-data export). Never
    a body: a notice's text is the same for everyone, and a credential's is
    theirs alone."""
    return [email_log_entry(row) for row in email_log_rows(person=person).iterator(chunk_size=2000)]

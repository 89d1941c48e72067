"""Reads for accounts: who still needs an invitation, a member's own data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import attention
from accounts.models import Invitation, User
from ballots import selectors as ballot_selectors
from ballots.models import Ballot
from core.models import AuditEntry
from governance import authority
from governance.models import Holding, Membership, Unit
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


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a member, as plain data.

    Ballots appear with whether the member voted, which is their own record
    of participation; what they voted is not stored against them anywhere
    and so cannot appear here."""
    memberships = Membership.objects.filter(person=user).select_related("unit")
    holdings = Holding.objects.filter(person=user).select_related("office__unit", "body__unit")
    return {
        "format": "agora-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "optional_email": user.optional_email,
            "two_factor": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "unit": m.unit.slug,
                "unit_name": m.unit.name,
                "kind": m.kind,
                "status": m.status,
                "party_member": m.party_member,
                "joined_on": m.joined_on.isoformat() if m.joined_on else None,
                "consent_to_contact": m.consent_to_contact,
            }
            for m in memberships
        ],
        "offices": [
            {
                "office": str(h.office or h.body),
                "unit": h.office.unit.slug if h.office else h.body.unit.slug if h.body else None,
                "starts_on": h.starts_on.isoformat(),
                "ends_on": h.ends_on.isoformat() if h.ends_on else None,
                "authority": h.authority,
            }
            for h in holdings
        ],
        "ballots": [
            {
                "id": b.pk,
                "title": b.title,
                "unit": b.unit.slug,
                "state": b.state,
                "voted": bool(getattr(b, "has_voted", False)),
            }
            for b in ballot_selectors.ballot_list_for_voter(user=user)
        ],
        "motions_proposed": [
            {"id": m.pk, "title": m.title, "unit": m.unit.slug, "state": m.state} for m in motions_proposed(user=user)
        ],
        "motions_seconded": [
            {"id": s.motion_id, "title": s.motion.title, "unit": s.motion.unit.slug, "at": s.at.isoformat()}
            for s in motions_seconded(user=user)
        ],
        "invitations": [
            {
                "unit": i.unit.slug,
                "sent_at": i.created_at.isoformat(),
                "claimed_at": i.claimed_at.isoformat() if i.claimed_at else None,
            }
            for i in Invitation.objects.filter(person=user).select_related("unit")
        ],
        "actions_in_audit_log": [
            {"at": e.at.isoformat(), "action": e.action, "object_type": e.object_type, "object_id": e.object_id}
            for e in AuditEntry.objects.filter(actor=user).order_by("at", "id")
        ],
    }


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

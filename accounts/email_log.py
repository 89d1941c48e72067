"""The e-mail log of a unit's members, for those who manage the unit.

Officers answer "did the notice reach me?" from here: how many e-mails of
each kind went to the unit's members, and each member's list (kind, why,
when, whether it was delivered). Read through the gate
(``Act.READ_EMAIL_LOG``: the unit's managers, with MFA where the unit
demands it). No body is shown, and no vote content is in any row.

A member's reminders to vote are left out of the list an officer reads: a
reminder goes only to those who had not voted by then, so it would tell the
officer, member by member, who had. The counts per kind include them (a
count of non-voters is turnout, which officers see anyway).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.selectors import email_kind_label, email_log_rows
from core.models import OutboxEmail
from governance.gate import Act, require
from governance.models import Membership, Unit

HIDDEN_FROM_OFFICERS = ("ballots/reminder",)


def _members(unit: Unit) -> QuerySet[Membership]:
    return Membership.objects.filter(unit=unit)


def email_counts_for_unit(*, actor: Any, unit: Unit) -> list[tuple[str, int]]:
    """(kind in words, e-mails) sent to the unit's members, most first."""
    require(actor, Act.READ_EMAIL_LOG, unit)
    rows = (
        OutboxEmail.objects.filter(recipient_id__in=_members(unit).values("person_id"))
        .exclude(status=OutboxEmail.Status.DROPPED)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind")
    )
    return [(email_kind_label(row["kind"]), row["n"]) for row in rows]


def email_log_members(*, actor: Any, unit: Unit) -> QuerySet[User]:
    """The unit's members by name, each with ``n_emails`` sent to them."""
    require(actor, Act.READ_EMAIL_LOG, unit)
    return (
        User.objects.filter(pk__in=_members(unit).values("person_id"))
        .annotate(n_emails=Count("outbox_emails", filter=~Q(outbox_emails__status=OutboxEmail.Status.DROPPED)))
        .order_by("full_name", "pk")
    )


def email_log_for_member(*, actor: Any, unit: Unit, person_id: int) -> tuple[User | None, QuerySet[OutboxEmail]]:
    """One member's e-mails for an officer of their unit; (None, empty) if
    ``person_id`` is not a member of the unit."""
    require(actor, Act.READ_EMAIL_LOG, unit)
    person = User.objects.filter(pk=person_id, pk__in=_members(unit).values("person_id")).first()
    if person is None:
        return None, OutboxEmail.objects.none()
    return person, email_log_rows(person=person, exclude_kinds=HIDDEN_FROM_OFFICERS)

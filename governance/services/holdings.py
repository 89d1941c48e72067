"""Appointments and terms ending: the holdings that are not decided by ballot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError
from core.text import text_within
from governance.error_codes import GovernanceErrorCode
from governance.gate import Act, require
from governance.models import Body, Holding, Membership, Office, Unit
from governance.services.bodies import AUTHORITY_MAX_CHARS


def _is_member_of(*, person: Any, unit: Unit) -> bool:
    """An active membership of ``unit`` or of a unit below it (a national
    appointee is usually on a branch's roll, not on a national one)."""
    return Membership.objects.filter(
        person_id=person.pk, status=Membership.Status.ACTIVE, unit__path__startswith=unit.path
    ).exists()


@transaction.atomic
def holding_appoint(
    *,
    person: Any,
    starts_on: dt.date,
    authority: str,
    office: Office | None = None,
    body: Body | None = None,
    actor: Any = None,
) -> Holding:
    """Appoint ``person`` to an office or a body, on a stated authority.

    Refuses someone who is not an active member of the seat's unit (or of a
    unit below it), an appointment to an office filled by election (that is
    the handover's job) and one beyond the seats available; locks the seat so
    two officers appointing at once cannot both take the last seat.
    """
    if (office is None) == (body is None):
        raise DomainError(GovernanceErrorCode.HOLDING_NEEDS_ONE_SEAT, "Appoint to exactly one office or body.")
    require(actor, Act.MANAGE_UNIT, office or body)
    text_within(authority, limit=AUTHORITY_MAX_CHARS, what="The authority")
    if not authority.strip():
        raise DomainError(
            GovernanceErrorCode.HOLDING_AUTHORITY_MISSING, "Say on whose authority the appointment is made."
        )
    if office is not None:
        locked_office = Office.objects.select_for_update(of=("self",)).select_related("unit").get(pk=office.pk)
        if locked_office.filled_by == Office.FilledBy.ELECTION:
            raise Conflict(
                GovernanceErrorCode.OFFICE_IS_ELECTED,
                f"{locked_office.title} is filled by election, not by appointment.",
            )
        seat: Office | Body = locked_office
        target: dict[str, Any] = {"office": locked_office}
        seats: int | None = locked_office.seats
    else:
        if body is None:  # pragma: no cover - checked above
            raise ValueError("no seat")
        locked_body = Body.objects.select_for_update(of=("self",)).select_related("unit").get(pk=body.pk)
        if locked_body.mandate_ended_at is not None:
            raise Conflict(GovernanceErrorCode.BODY_MANDATE_ENDED, f"The mandate of {locked_body.name} has ended.")
        seat = locked_body
        target = {"body": locked_body}
        seats = locked_body.seats
    if not _is_member_of(person=person, unit=seat.unit):
        raise DomainError(
            GovernanceErrorCode.HOLDING_PERSON_NOT_MEMBER, f"{person} is not an active member of {seat.unit.name}."
        )
    current = Holding.objects.filter(ends_on__isnull=True, **target)
    if current.filter(person_id=person.pk).exists():
        raise Conflict(GovernanceErrorCode.HOLDING_EXISTS, f"{person} already holds this.")
    if seats is not None and current.count() >= seats:
        raise Conflict(GovernanceErrorCode.NO_VACANCY, "Every seat is filled; end a term first.")
    holding = Holding.objects.create(person=person, starts_on=starts_on, authority=authority.strip(), **target)
    audit_record(actor=actor, action="holding_appointed", obj=holding, unit=seat.unit, detail={"person": person.pk})
    return holding


@transaction.atomic
def holding_end(*, holding: Holding, ends_on: dt.date, actor: Any = None) -> Holding:
    """End a term (resignation, removal, term expired). The row stays, for history.

    ``ends_on`` is today or earlier: a term ended in advance would already
    stop showing as current, so record it on the day.
    """
    require(actor, Act.MANAGE_UNIT, holding.office or holding.body)
    if ends_on > timezone.localdate():
        raise DomainError(
            GovernanceErrorCode.HOLDING_ENDS_IN_FUTURE, "A term can only be ended today or on a past date."
        )
    locked = (
        Holding.objects.select_for_update(of=("self",)).select_related("office__unit", "body__unit").get(pk=holding.pk)
    )
    if locked.ends_on is not None:
        raise Conflict(GovernanceErrorCode.HOLDING_ALREADY_ENDED, "This term has already ended.")
    if ends_on < locked.starts_on:
        raise DomainError(GovernanceErrorCode.HOLDING_ENDS_BEFORE_START, "A term cannot end before it starts.")
    locked.ends_on = ends_on
    locked.save(update_fields=["ends_on"])
    unit = (locked.office or locked.body).unit  # type: ignore[union-attr]
    audit_record(actor=actor, action="holding_ended", obj=locked, unit=unit)
    return locked

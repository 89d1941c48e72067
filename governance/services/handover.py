"""The handover: seating the winners of a declared election.

Called by ``ballots.services.handover.handover_for_ballot`` on declaration,
possibly more than once (a retried task, a re-declaration), so it is
idempotent: a :class:`~governance.models.Handover` row, unique per ballot
question, records that a question has been applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from governance.models import Body, Handover, Holding, Office, Unit


@transaction.atomic
def handover_declare(
    *,
    office: Office | None,
    body: Body | None,
    winners: Sequence[Any],
    declared_on: dt.date,
    authority: str,
    question: Any,
    actor: Any = None,
) -> list[Holding]:
    """Seat the winners of a declared election and end the terms they replace.

    From ``declared_on`` the winners hold the seat and every current holder
    of it stops (a re-elected holder starts a new term, so the history shows
    each mandate). When a body is elected, it takes an elected mandate on the
    ballot's authority; the unit's interim bodies that last "until the
    elected body is constituted" end with their appointees, and the unit
    becomes *established*.

    Idempotent: the second call for the same question changes nothing and
    returns the holdings the first call made. The seat's row is locked, so
    two concurrent declarations for one seat apply one after the other.
    """
    if (office is None) == (body is None):
        raise ValueError("handover_declare needs exactly one of office and body")
    seat: Office | Body
    if office is not None:
        seat = Office.objects.select_for_update(of=("self",)).select_related("unit").get(pk=office.pk)
        target: dict[str, Any] = {"office": seat}
    else:
        if body is None:  # pragma: no cover - checked above
            raise ValueError("no seat")
        seat = Body.objects.select_for_update(of=("self",)).select_related("unit").get(pk=body.pk)
        target = {"body": seat}
    if Handover.objects.filter(question=question).exists():
        return list(Holding.objects.filter(ballot_question=question).order_by("id"))
    Handover.objects.create(question=question, declared_on=declared_on, authority=authority, **target)

    people = list(dict.fromkeys(p for p in winners if p is not None))  # once each, in order
    Holding.objects.filter(ends_on__isnull=True, starts_on__lte=declared_on, **target).update(ends_on=declared_on)
    holdings = Holding.objects.bulk_create(
        [
            Holding(person=person, starts_on=declared_on, authority=authority, ballot_question=question, **target)
            for person in people
        ]
    )
    unit: Unit = seat.unit
    if isinstance(seat, Body) and people:
        Body.objects.filter(pk=seat.pk).update(
            mandate=Body.Mandate.ELECTED, mandate_authority=authority, mandate_ended_at=None
        )
        _end_interim_bodies(unit=unit, except_body=seat, declared_on=declared_on, actor=actor)
    audit_record(
        actor=actor,
        action="handover",
        obj=seat,
        unit=unit,
        detail={"winners": [p.pk for p in people], "authority": authority, "question": getattr(question, "pk", None)},
    )
    return holdings


def _end_interim_bodies(*, unit: Unit, except_body: Body, declared_on: dt.date, actor: Any) -> None:
    """End the unit's interim bodies and make the unit *established*.

    Caller holds the transaction. Only bodies marked as lasting "until the
    elected body is constituted" end; a board of directors appointed under
    company law, for example, carries on.
    """
    interim = (
        Body.objects.select_for_update()
        .filter(
            unit=unit,
            mandate=Body.Mandate.APPOINTED,
            ends_when_elected_body_constituted=True,
            mandate_ended_at__isnull=True,
        )
        .exclude(pk=except_body.pk)
    )
    for body in interim:
        Body.objects.filter(pk=body.pk).update(mandate_ended_at=timezone.now())
        Holding.objects.filter(body=body, ends_on__isnull=True).update(ends_on=declared_on)
        audit_record(actor=actor, action="interim_mandate_ended", obj=body, unit=unit)
    updated = Unit.objects.filter(pk=unit.pk).exclude(governance_status=Unit.GovernanceStatus.ESTABLISHED)
    if updated.update(governance_status=Unit.GovernanceStatus.ESTABLISHED):
        audit_record(actor=actor, action="unit_established", obj=unit, unit=unit)

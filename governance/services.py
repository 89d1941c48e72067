"""Writes for governance. The handover is called by the ballots app when a
result is declared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from governance.models import Body, Holding, Office, Unit


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

    Idempotent: a holding is unique per (question, person), so declaring twice
    changes nothing. When a unit's first elected body is constituted, the
    interim bodies whose mandate ends "until the elected body is constituted"
    are ended and the unit becomes *established*.
    """
    if (office is None) == (body is None):
        raise ValueError("handover_declare needs exactly one of office and body")
    if Holding.objects.filter(ballot_question=question).exists():
        return list(Holding.objects.filter(ballot_question=question))
    target: dict[str, Any] = {"office": office} if office is not None else {"body": body}
    Holding.objects.filter(ends_on__isnull=True, **target).update(ends_on=declared_on)
    holdings = [
        Holding.objects.create(
            person=person, starts_on=declared_on, authority=authority, ballot_question=question, **target
        )
        for person in winners
    ]
    seat: Office | Body = office if office is not None else body  # type: ignore[assignment]
    unit: Unit = seat.unit
    if body is not None:
        if body.mandate != Body.Mandate.ELECTED or body.mandate_ended_at is not None:
            Body.objects.filter(pk=body.pk).update(
                mandate=Body.Mandate.ELECTED, mandate_authority=authority, mandate_ended_at=None
            )
        _end_interim_bodies(unit=unit, except_body=body, declared_on=declared_on, actor=actor)
    audit_record(
        actor=actor,
        action="handover",
        obj=seat,
        unit=unit,
        detail={"winners": [p.pk for p in winners], "authority": authority},
    )
    return holdings


def _end_interim_bodies(*, unit: Unit, except_body: Body, declared_on: dt.date, actor: Any) -> None:
    interim = Body.objects.filter(
        unit=unit,
        mandate=Body.Mandate.APPOINTED,
        ends_when_elected_body_constituted=True,
        mandate_ended_at__isnull=True,
    ).exclude(pk=except_body.pk)
    for body in interim:
        Body.objects.filter(pk=body.pk).update(mandate_ended_at=timezone.now())
        Holding.objects.filter(body=body, ends_on__isnull=True).update(ends_on=declared_on)
        audit_record(actor=actor, action="interim_mandate_ended", obj=body, unit=unit)
    if unit.governance_status != Unit.GovernanceStatus.ESTABLISHED:
        Unit.objects.filter(pk=unit.pk).update(governance_status=Unit.GovernanceStatus.ESTABLISHED)
        audit_record(actor=actor, action="unit_established", obj=unit, unit=unit)

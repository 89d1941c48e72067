"""A unit's officers change its standing orders: every version is kept, the
change is audited, and it applies from the next meeting (a meeting that has
started keeps the orders it started with: ``Meeting.standing_orders``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from core.errors import DomainError, ErrorCode
from governance.gate import Act
from governance.models import Unit
from meetings import limits
from meetings.error_codes import MeetingErrorCode
from meetings.models import StandingOrders, StandingOrdersVersion
from meetings.models.meetings import ORDERS_FIELDS
from meetings.services.meetings import require_officer, standing_orders_values

# Numbers below which a standing order makes no sense (a quorum of nobody, a
# speech of no time); the form says the same, this guards every caller.
MINIMUMS = {"quorum": 1, "speech_seconds": 10, "proxies_per_holder": 1, "requisition_signatures": 1}


def standing_orders_update(*, unit: Unit, actor: Any, values: dict[str, Any], note: str = "") -> StandingOrdersVersion:
    """Write ``values`` (names of ``ORDERS_FIELDS``; those left out keep their
    value) as the unit's standing orders and keep them as a new version.
    The first change also records the orders it replaced (the defaults
    where the unit had none) as version 1, so nothing is lost."""
    unknown = set(values) - set(ORDERS_FIELDS)
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"No such standing order: {', '.join(sorted(unknown))}.")
    note = limits.title(note, what="The note on this change")
    with transaction.atomic():
        require_officer(user=actor, unit=unit, doing="change the standing orders", act=Act.MANAGE_UNIT)
        StandingOrders.objects.get_or_create(unit=unit)
        orders = StandingOrders.objects.select_for_update().get(unit=unit)
        before = standing_orders_values(orders)
        last = StandingOrdersVersion.objects.filter(unit=unit).order_by("-number").first()
        if last is None:
            last = StandingOrdersVersion.objects.create(
                unit=unit, number=1, values=before, note="The standing orders before the first change here"
            )
        for name, value in values.items():
            setattr(orders, name, value)
        try:
            orders.full_clean(exclude=["unit"])
        except ValidationError as exc:
            raise DomainError(ErrorCode.INVALID, "; ".join(exc.messages)) from None
        low = [f"{name.replace('_', ' ')} is at least {least}" for name, least in MINIMUMS.items()
               if getattr(orders, name) < least]  # fmt: skip
        if low:
            raise DomainError(ErrorCode.INVALID, "; ".join(low).capitalize() + ".")
        after = standing_orders_values(orders)
        changed = {k: [before[k], after[k]] for k in ORDERS_FIELDS if before[k] != after[k]}
        if not changed:
            raise DomainError(MeetingErrorCode.UNCHANGED, "Nothing was changed: these are the standing orders already.")
        orders.save()
        version = StandingOrdersVersion.objects.create(
            unit=unit, number=last.number + 1, values=after, changed_by=actor, note=note
        )
        audit_record(
            actor=actor,
            action="standing_orders_changed",
            obj=orders,
            unit=unit,
            detail={"version": version.number, "changed": changed},
        )
    return version

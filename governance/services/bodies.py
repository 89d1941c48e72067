"""Bodies and offices of a unit: setting them up, changing them, ending a mandate.

Officers (and national administrators) call these from the pages and the API;
permission is the caller's job. Every write locks the row it changes (or the
unit, for a creation) and records an audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, DomainError
from core.text import plain_name, text_within
from governance.error_codes import GovernanceErrorCode
from governance.gate import Act, require
from governance.models import Body, Holding, Office, Unit

# An authority is a sentence or two: the minute, motion or ballot it rests on.
AUTHORITY_MAX_CHARS = 2000
BODY_FIELDS = frozenset(
    {"name", "kind", "mandate", "mandate_authority", "mandate_ends_on", "seats", "ends_when_elected_body_constituted"}
)
OFFICE_FIELDS = frozenset({"title", "term_months", "filled_by", "seats", "body"})
MAX_TERM_MONTHS = 120


def _lock_unit(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _text(data: dict[str, Any], field: str, code: str, message: str) -> None:
    """A name or title: present, and one line of plain text (``core.text``)."""
    if field in data:
        data[field] = plain_name(str(data[field] or ""), what=f"The {field}", code=code)
        if not data[field]:
            raise DomainError(code, message)


def _check_body_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - BODY_FIELDS
    if unknown:
        raise ValueError(f"not fields of a body: {sorted(unknown)}")
    data = dict(data)
    _text(data, "name", "body_name_missing", "Give the body a name.")
    _text(data, "mandate_authority", "body_authority_missing", "Say on whose authority the body holds its mandate.")
    if "name" in data:
        data["name"] = text_within(data["name"], limit=Body._meta.get_field("name").max_length or 200, what="The name")
    if "mandate_authority" in data:
        data["mandate_authority"] = text_within(
            data["mandate_authority"], limit=AUTHORITY_MAX_CHARS, what="The authority"
        )
    if "kind" in data and data["kind"] not in Body.Kind.values:
        raise DomainError(GovernanceErrorCode.BODY_UNKNOWN_KIND, f"“{data['kind']}” is not a kind of body.")
    if "mandate" in data and data["mandate"] not in Body.Mandate.values:
        raise DomainError(GovernanceErrorCode.BODY_UNKNOWN_MANDATE, f"“{data['mandate']}” is not a kind of mandate.")
    if data.get("seats") is not None and data["seats"] < 1:
        raise DomainError(
            GovernanceErrorCode.BODY_SEATS_INVALID, "A body needs at least one seat (or leave seats empty)."
        )
    return data


def _changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the audit log, JSON-safe."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if hasattr(value, "pk"):
            return value.pk
        return value

    return {f: [plain(getattr(obj, f)), plain(v)] for f, v in data.items() if getattr(obj, f) != v}


@transaction.atomic
def body_create(
    *,
    unit: Unit,
    name: str,
    kind: str,
    mandate: str,
    mandate_authority: str,
    mandate_ends_on: dt.date | None = None,
    seats: int | None = None,
    ends_when_elected_body_constituted: bool = False,
    actor: Any = None,
) -> Body:
    """Set up a body (committee, reference group, board…) in ``unit``."""
    require(actor, Act.MANAGE_UNIT, unit)
    data = _check_body_data(
        {
            "name": name,
            "kind": kind,
            "mandate": mandate,
            "mandate_authority": mandate_authority,
            "mandate_ends_on": mandate_ends_on,
            "seats": seats,
            "ends_when_elected_body_constituted": ends_when_elected_body_constituted,
        }
    )
    locked_unit = _lock_unit(unit)
    body = Body.objects.create(unit=locked_unit, **data)
    audit_record(actor=actor, action="body_created", obj=body, unit=locked_unit, detail={"name": body.name})
    return body


@transaction.atomic
def body_update(*, body: Body, data: dict[str, Any], actor: Any = None) -> Body:
    """Change a current body's name, kind, mandate, authority, seats or end date.

    ``data`` holds only the fields to change (see ``BODY_FIELDS``). A body
    whose mandate has ended is history and is refused (409); so is cutting
    its seats below the people sitting on it now.
    """
    require(actor, Act.MANAGE_UNIT, body.unit)
    data = _check_body_data(data)
    locked = Body.objects.select_for_update(of=("self",)).select_related("unit").get(pk=body.pk)
    if locked.mandate_ended_at is not None:
        raise Conflict(
            GovernanceErrorCode.BODY_MANDATE_ENDED,
            f"The mandate of {locked.name} has ended; it can no longer be changed.",
        )
    seats = data.get("seats", locked.seats)
    if seats is not None:
        sitting = Holding.objects.filter(body=locked, ends_on__isnull=True).count()
        if seats < sitting:
            raise Conflict(
                GovernanceErrorCode.SEATS_BELOW_HOLDERS, f"{sitting} people sit on it now; end some terms first."
            )
    changes = _changes(locked, data)
    for field, value in data.items():
        setattr(locked, field, value)
    if changes:
        locked.save(update_fields=list(changes))
        audit_record(actor=actor, action="body_updated", obj=locked, unit=locked.unit, detail=changes)
    return locked


@transaction.atomic
def body_mandate_end(*, body: Body, ends_on: dt.date, actor: Any = None) -> Body:
    """End a body's mandate on ``ends_on`` (today or earlier), with every seat on it.

    The body and the holdings stay, for history. Refuses a date in the future
    (that is ``mandate_ends_on``) and one before a current member's term began.
    """
    require(actor, Act.MANAGE_UNIT, body.unit)
    today = timezone.localdate()
    if ends_on > today:
        raise DomainError(
            GovernanceErrorCode.BODY_MANDATE_END_FUTURE, "A mandate can only be ended today or on a past date."
        )
    locked = Body.objects.select_for_update(of=("self",)).select_related("unit").get(pk=body.pk)
    if locked.mandate_ended_at is not None:
        raise Conflict(GovernanceErrorCode.BODY_MANDATE_ENDED, f"The mandate of {locked.name} has already ended.")
    current = Holding.objects.select_for_update().filter(body=locked, ends_on__isnull=True)
    if current.filter(starts_on__gt=ends_on).exists():
        raise DomainError(
            GovernanceErrorCode.BODY_MANDATE_ENDS_BEFORE_TERM, "Someone's term on it starts after that date."
        )
    ended = list(current.values_list("pk", flat=True))
    current.update(ends_on=ends_on)
    if ends_on == today:
        locked.mandate_ended_at = timezone.now()
    else:
        locked.mandate_ended_at = timezone.make_aware(dt.datetime.combine(ends_on, dt.time.max))
    locked.save(update_fields=["mandate_ended_at"])
    audit_record(
        actor=actor,
        action="body_mandate_ended",
        obj=locked,
        unit=locked.unit,
        detail={"ends_on": ends_on.isoformat(), "holdings_ended": ended},
    )
    return locked


def _check_office_data(data: dict[str, Any], *, unit: Unit) -> dict[str, Any]:
    unknown = set(data) - OFFICE_FIELDS
    if unknown:
        raise ValueError(f"not fields of an office: {sorted(unknown)}")
    data = dict(data)
    _text(data, "title", "office_title_missing", "Give the office a title.")
    if "filled_by" in data and data["filled_by"] not in Office.FilledBy.values:
        raise DomainError(
            GovernanceErrorCode.OFFICE_UNKNOWN_FILLED_BY, f"“{data['filled_by']}” is not a way of filling an office."
        )
    if "term_months" in data and not 1 <= data["term_months"] <= MAX_TERM_MONTHS:
        raise DomainError(GovernanceErrorCode.OFFICE_TERM_INVALID, f"A term is between 1 and {MAX_TERM_MONTHS} months.")
    if "seats" in data and data["seats"] < 1:
        raise DomainError(GovernanceErrorCode.OFFICE_SEATS_INVALID, "An office has at least one seat.")
    body = data.get("body")
    if body is not None and (body.unit_id != unit.pk or body.mandate_ended_at is not None):
        raise DomainError(
            GovernanceErrorCode.OFFICE_BODY_INVALID, "An office can only belong to a current body of the same unit."
        )
    return data


@transaction.atomic
def office_create(
    *,
    unit: Unit,
    title: str,
    term_months: int = 12,
    filled_by: str = Office.FilledBy.ELECTION,
    seats: int = 1,
    body: Body | None = None,
    actor: Any = None,
) -> Office:
    """Set up an office (chair, treasurer, a seat on a body) in ``unit``; it starts vacant."""
    require(actor, Act.MANAGE_UNIT, unit)
    data = _check_office_data(
        {"title": title, "term_months": term_months, "filled_by": filled_by, "seats": seats, "body": body}, unit=unit
    )
    locked_unit = _lock_unit(unit)
    office = Office.objects.create(unit=locked_unit, **data)
    audit_record(actor=actor, action="office_created", obj=office, unit=locked_unit, detail={"title": office.title})
    return office


@transaction.atomic
def office_update(*, office: Office, data: dict[str, Any], actor: Any = None) -> Office:
    """Change an office's title, term, how it is filled, seats or body.

    ``data`` holds only the fields to change (see ``OFFICE_FIELDS``). Seats
    cannot go below the number of current holders (409).
    """
    require(actor, Act.MANAGE_UNIT, office.unit)
    locked = Office.objects.select_for_update(of=("self",)).select_related("unit").get(pk=office.pk)
    data = _check_office_data(data, unit=locked.unit)
    if "seats" in data:
        holding = Holding.objects.filter(office=locked, ends_on__isnull=True).count()
        if data["seats"] < holding:
            raise Conflict(
                GovernanceErrorCode.SEATS_BELOW_HOLDERS, f"{holding} people hold it now; end some terms first."
            )
    changes = _changes(locked, data)
    for field, value in data.items():
        setattr(locked, field, value)
    if changes:
        locked.save(update_fields=list(changes))
        audit_record(actor=actor, action="office_updated", obj=locked, unit=locked.unit, detail=changes)
    return locked

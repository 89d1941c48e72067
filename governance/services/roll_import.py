"""Importing a unit's membership roll from CSV, all or nothing, at scale.

100,000 rows must import in well under a minute, so the work is set-based:
one query loads the unit's roll, e-mails are looked up in batches, and new
people and memberships are written with ``bulk_create`` and changed ones with
``bulk_update``, in batches, inside one transaction. Re-importing the same
file changes nothing (rows are matched by membership number, then e-mail,
and only rows whose values differ are updated).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError
from governance import roll_csv
from governance.error_codes import GovernanceErrorCode
from governance.models import Membership, Unit
from governance.roll_csv import RollRow, RowError

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``; phase is "checking" or "writing"."""

BATCH = 2000
UPDATABLE = ("kind", "party_member", "joined_on", "status", "consent_to_contact")


@dataclass(frozen=True)
class RollImportSummary:
    rows: int
    people_created: int
    memberships_created: int
    memberships_updated: int
    memberships_unchanged: int
    dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RollRowsInvalid(DomainError):
    """The file has row errors; nothing was written. ``errors`` lists them."""

    def __init__(self, errors: list[RowError], *, truncated: bool = False) -> None:
        more = " (only the first ones are listed)" if truncated else ""
        super().__init__(
            GovernanceErrorCode.ROLL_ROWS_INVALID,
            f"{len(errors)} row(s) of the file have errors{more}; nothing was imported.",
            status=400,
        )
        self.errors = errors
        self.truncated = truncated


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run."""


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def roll_import(
    *,
    unit: Unit,
    data: bytes | str,
    dry_run: bool = False,
    actor: Any = None,
    progress: Progress = _no_progress,
    today: dt.date | None = None,
) -> RollImportSummary:
    """Import a roll CSV into ``unit``: everything, or nothing.

    Rows are matched to existing memberships of the unit by membership number,
    then by e-mail; people are matched by e-mail across the whole network (a
    branch member may already be a national supporter). Columns the file does
    not have, and empty cells in optional columns, leave existing values alone.

    Raises :class:`RollRowsInvalid` (with every row error, by line) when any
    row is refused, and ``DomainError("roll_import_failed")`` when the database
    refuses the write; in both cases nothing is written. A dry run does every
    check and count, then rolls back.
    """
    today = today or timezone.localdate()
    if isinstance(data, bytes):
        try:
            text = roll_csv.decode(data)
        except ValueError as exc:
            line, _, reason = str(exc).partition(": ")
            raise RollRowsInvalid([RowError(int(line.split()[1]), reason)]) from None
    else:
        text = data
    parsed = roll_csv.parse(text, today=today)
    if parsed.errors:
        raise RollRowsInvalid(parsed.errors, truncated=parsed.truncated_errors)
    total = len(parsed.rows)
    progress("checking", total, total)
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().get(pk=unit.pk)  # one import per unit at a time
            summary = _apply(unit=unit, rows=parsed.rows, columns=parsed.columns, dry_run=dry_run, progress=progress)
            if dry_run:
                raise _DryRun
            audit_record(actor=actor, action="roll_imported", obj=unit, unit=unit, detail=summary.as_dict())
    except _DryRun:
        pass
    except IntegrityError as exc:
        raise DomainError(
            GovernanceErrorCode.ROLL_IMPORT_FAILED,
            "The roll changed while it was being imported (someone with one of these e-mail addresses or "
            f"membership numbers was added at the same time); nothing was imported. Try again. ({exc})",
            status=409,
        ) from exc
    except DatabaseError as exc:
        raise DomainError(
            GovernanceErrorCode.ROLL_IMPORT_FAILED, f"The database refused the import; nothing was imported. ({exc})"
        ) from exc
    return summary


def _apply(
    *, unit: Unit, rows: list[RollRow], columns: tuple[str, ...], dry_run: bool, progress: Progress
) -> RollImportSummary:
    """Match and write, inside the caller's transaction (with the unit locked)."""
    user_model = get_user_model()
    present = set(columns)
    total = len(rows)
    existing = {
        m.pk: m for m in Membership.objects.filter(unit=unit).only("pk", "person_id", "membership_number", *UPDATABLE)
    }
    by_number = {m.membership_number: m for m in existing.values() if m.membership_number}
    by_person = {m.person_id: m for m in existing.values()}
    user_ids: dict[str, int] = {}
    emails = [r.email for r in rows]
    for start in range(0, len(emails), BATCH):
        user_ids.update(user_model.objects.filter(email__in=emails[start : start + BATCH]).values_list("email", "pk"))

    errors: list[RowError] = []
    to_update: dict[int, Membership] = {}
    new_people: list[RollRow] = []
    new_memberships: list[tuple[RollRow, int | None]] = []  # person id, or None for a new person
    unchanged = 0
    for row in rows:
        uid = user_ids.get(row.email)
        membership = by_number.get(row.membership_number) if row.membership_number else None
        if membership is not None and membership.person_id != uid:
            errors.append(
                RowError(row.line, f"membership number {row.membership_number} belongs to someone else in this unit")
            )
            continue
        if membership is None and uid is not None:
            membership = by_person.get(uid)
            if membership is not None and row.membership_number and membership.membership_number:
                errors.append(
                    RowError(
                        row.line,
                        f"{row.email} already has membership number {membership.membership_number} in this unit, "
                        f"not {row.membership_number}",
                    )
                )
                continue
        if membership is None:
            if uid is None:
                new_people.append(row)
            new_memberships.append((row, uid))
            continue
        if _merge(membership, row, present):
            to_update[membership.pk] = membership
        else:
            unchanged += 1
    if errors:
        raise RollRowsInvalid(errors[: roll_csv.MAX_ERRORS], truncated=len(errors) > roll_csv.MAX_ERRORS)

    changed = list(to_update.values())
    work = len(new_people) + len(new_memberships) + len(changed)
    done = 0

    def advance(units: int) -> None:
        nonlocal done
        done += units
        progress("writing", min(total, round(total * done / work)), total)

    created_ids: dict[str, int] = {}
    for start in range(0, len(new_people), BATCH):
        batch = [
            user_model(
                email=row.email,
                full_name=row.full_name,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            for row in new_people[start : start + BATCH]
        ]
        created = user_model.objects.bulk_create(batch, batch_size=BATCH)
        created_ids.update((u.email, u.pk) for u in created)
        advance(len(batch))
    for start in range(0, len(new_memberships), BATCH):
        batch_m = [
            Membership(
                person_id=uid if uid is not None else created_ids[row.email],
                unit=unit,
                membership_number=row.membership_number,
                kind=row.kind or Membership.Kind.SUPPORTER,
                party_member=bool(row.party_member),
                joined_on=row.joined_on,
                status=row.status or Membership.Status.ACTIVE,
                consent_to_contact=bool(row.consent_to_contact),
            )
            for row, uid in new_memberships[start : start + BATCH]
        ]
        Membership.objects.bulk_create(batch_m, batch_size=BATCH)
        advance(len(batch_m))
    for start in range(0, len(changed), BATCH):
        _update_memberships(changed[start : start + BATCH])
        advance(len(changed[start : start + BATCH]))
    progress("writing", total, total)
    return RollImportSummary(
        rows=total,
        people_created=len(new_people),
        memberships_created=len(new_memberships),
        memberships_updated=len(changed),
        memberships_unchanged=unchanged,
        dry_run=dry_run,
    )


def _update_memberships(memberships: list[Membership]) -> None:
    """Write changed memberships back. On PostgreSQL one ``UPDATE … FROM
    unnest(arrays)`` per batch: ``bulk_update``'s ``CASE WHEN`` runs at about
    a thousand rows a second, which would make a changed national roll take
    minutes."""
    if connection.vendor != "postgresql":
        Membership.objects.bulk_update(memberships, ["membership_number", *UPDATABLE], batch_size=250)
        return
    table = connection.ops.quote_name(Membership._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET membership_number = v.membership_number, kind = v.kind, "  # noqa: S608 - our table
            "party_member = v.party_member, joined_on = v.joined_on, status = v.status, "
            "consent_to_contact = v.consent_to_contact "
            "FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::boolean[], %s::date[], %s::varchar[], "
            "%s::boolean[]) AS v(id, membership_number, kind, party_member, joined_on, status, consent_to_contact) "
            "WHERE m.id = v.id",
            [
                [m.pk for m in memberships],
                [m.membership_number for m in memberships],
                [m.kind for m in memberships],
                [m.party_member for m in memberships],
                [m.joined_on for m in memberships],
                [m.status for m in memberships],
                [m.consent_to_contact for m in memberships],
            ],
        )


def _merge(membership: Membership, row: RollRow, present: set[str]) -> bool:
    """Copy the row's values onto ``membership``; whether anything changed."""
    changed = False
    if row.membership_number and membership.membership_number != row.membership_number:
        membership.membership_number = row.membership_number
        changed = True
    for name in UPDATABLE:
        value = getattr(row, name)
        if name not in present or value is None:
            continue
        if getattr(membership, name) != value:
            setattr(membership, name, value)
            changed = True
    return changed

"""Governing documents: adopting numbered versions of a constitution or standing orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from core.audit import audit_record
from core.errors import Conflict, DomainError
from core.text import text_within
from governance.error_codes import GovernanceErrorCode
from governance.gate import Act, require
from governance.models import DocumentVersion, GoverningDocument, Unit

# A constitution with its schedules runs to tens of thousands of characters.
DOCUMENT_TEXT_MAX_CHARS = 200_000


@transaction.atomic
def document_create(*, unit: Unit, kind: str, title: str, actor: Any = None) -> GoverningDocument:
    """Create a unit's constitution or standing orders (one of each per unit), with no text yet."""
    require(actor, Act.MANAGE_UNIT, unit)
    if kind not in GoverningDocument.Kind.values:
        raise DomainError(GovernanceErrorCode.DOCUMENT_UNKNOWN_KIND, f"“{kind}” is not a kind of governing document.")
    title = text_within(title, limit=GoverningDocument._meta.get_field("title").max_length or 200, what="The title")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # two officers creating at once: one wins, one 409
    if GoverningDocument.objects.filter(unit=unit, kind=kind).exists():
        raise Conflict(
            GovernanceErrorCode.DOCUMENT_EXISTS,
            f"{unit.name} already has {GoverningDocument.Kind(kind).label.lower()}.",
        )
    document = GoverningDocument.objects.create(
        unit=unit, kind=kind, title=title.strip() or GoverningDocument.Kind(kind).label
    )
    audit_record(actor=actor, action="document_created", obj=document, unit=unit)
    return document


@transaction.atomic
def document_version_adopt(
    *,
    document: GoverningDocument,
    text: str,
    adopted_on: dt.date,
    authority: str,
    amends_number: int | None = None,
    motion: Any = None,
    actor: Any = None,
) -> DocumentVersion:
    """Record a newly adopted text as the next numbered version.

    ``amends_number`` is the version the amendment was drafted against; if a
    later version has been adopted since, the amendment is stale and refused
    (409), so one motion never silently overwrites another's change. The
    document row is locked so two adoptions get consecutive numbers.
    """
    require(actor, Act.MANAGE_UNIT, document.unit)
    text_within(text, limit=DOCUMENT_TEXT_MAX_CHARS, what="The text of the new version")
    text_within(authority, limit=2000, what="The authority")
    if not text.strip():
        raise DomainError(GovernanceErrorCode.DOCUMENT_TEXT_EMPTY, "The text of the new version is empty.")
    if not authority.strip():
        raise DomainError(
            GovernanceErrorCode.DOCUMENT_AUTHORITY_MISSING, "Say what adopted this version (a meeting, a motion)."
        )
    locked = GoverningDocument.objects.select_for_update().get(pk=document.pk)
    latest = locked.versions.aggregate(n=Max("number"))["n"] or 0
    if amends_number is not None and amends_number != latest:
        raise Conflict(
            GovernanceErrorCode.DOCUMENT_VERSION_STALE,
            f"This amends version {amends_number}, but version {latest} is now the current text.",
        )
    version = DocumentVersion.objects.create(
        document=locked,
        number=latest + 1,
        text=text,
        adopted_on=adopted_on,
        authority=authority.strip(),
        amends_number=latest or None,
        motion=motion,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="document_version_adopted",
        obj=version,
        unit=locked.unit,
        detail={"number": version.number, "motion": getattr(motion, "pk", None)},
    )
    return version

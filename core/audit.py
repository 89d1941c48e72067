"""Writing the audit log. Callers pass ids and states, never vote content."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    unit: Any = None,
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        unit=unit,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail or {},
        ip_address=ip_address,
    )

"""Who may manage a unit: its officers, officers above it, and national administrators.

An *officer* of a unit is someone with a current holding of one of the
unit's offices. Officers of a unit also manage the units below it (a
regional secretary can help a branch), never the ones above. Staff and
superusers are national administrators and manage everything. Self-contained
on purpose: it reads only governance's own tables.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from core.errors import NotPermitted
from governance.models import Holding, Unit


def is_national_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.is_staff))


def is_unit_officer(*, user: Any, unit: Unit) -> bool:
    """Whether ``user`` holds, today, an office of ``unit`` or of a unit above it. One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_national_admin(user):
        return True
    return Holding.objects.filter(
        Q(ends_on__isnull=True), person_id=user.pk, office__unit_id__in=unit.ancestor_ids() or [unit.pk]
    ).exists()


def unit_officer_required(*, user: Any, unit: Unit) -> None:
    """Raise ``NotPermitted`` unless ``user`` may manage ``unit``."""
    if not is_unit_officer(user=user, unit=unit):
        raise NotPermitted("not_unit_officer", f"Only officers of {unit.name} can do this.")


def units_managed_by(*, user: Any) -> list[int]:
    """Ids of every unit ``user`` manages (for filtering lists), or all for admins."""
    if not getattr(user, "is_authenticated", False):
        return []
    if is_national_admin(user):
        return list(Unit.objects.values_list("pk", flat=True))
    paths = Unit.objects.filter(
        offices__holdings__person_id=user.pk, offices__holdings__ends_on__isnull=True
    ).values_list("path", flat=True)
    query = Q(pk__in=[])
    for path in set(paths):
        query |= Q(path__startswith=path)
    return list(Unit.objects.filter(query).values_list("pk", flat=True))

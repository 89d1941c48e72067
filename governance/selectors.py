"""Reads for governance: units, memberships, holdings and eligibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from governance.meetings.models import Motion
from governance.models import Body, Holding, Membership, Office, Unit


def unit_list_top() -> QuerySet[Unit]:
    return Unit.objects.filter(parent__isnull=True).prefetch_related("children")


def unit_descendant_ids(*, unit: Unit) -> list[int]:
    """The unit and every unit below it. The tree is shallow (national →
    region → branch), so a query per level is cheap and needs no recursion in SQL."""
    ids = [unit.pk]
    frontier = [unit.pk]
    while frontier:
        frontier = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def eligible_memberships(
    *,
    unit: Unit,
    include_subunits: bool = False,
    kinds: Iterable[str] = (),
    party_member_required: bool = False,
    joined_on_or_before: dt.date | None = None,
) -> QuerySet[Membership]:
    """The active memberships an eligibility rule admits, as one queryset, so
    that evaluating it against 100,000 members is one SQL statement."""
    unit_ids = unit_descendant_ids(unit=unit) if include_subunits else [unit.pk]
    query = Q(unit_id__in=unit_ids, status=Membership.Status.ACTIVE)
    kinds = list(kinds)
    if kinds:
        query &= Q(kind__in=kinds)
    if party_member_required:
        query &= Q(party_member=True)
    if joined_on_or_before is not None:
        query &= Q(joined_on__lte=joined_on_or_before)
    return Membership.objects.filter(query)


def membership_list_for_person(*, person: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("unit")


def office_holding_list_for_person(*, person: Any) -> QuerySet[Holding]:
    return Holding.objects.filter(person=person).select_related("office__unit", "body__unit")


def unit_detail(*, slug: str) -> Unit:
    current = Holding.objects.filter(ends_on__isnull=True).select_related("person")
    return (
        Unit.objects.select_related("parent")
        .prefetch_related(
            Prefetch("bodies", queryset=Body.objects.prefetch_related(Prefetch("holdings", queryset=current))),
            Prefetch("offices", queryset=Office.objects.prefetch_related(Prefetch("holdings", queryset=current))),
            "children",
        )
        .get(slug=slug)
    )


def unit_member_counts(*, unit: Unit) -> dict[str, int]:
    active = Membership.objects.filter(unit=unit, status=Membership.Status.ACTIVE)
    return {
        "members": active.filter(kind=Membership.Kind.MEMBER).count(),
        "supporters": active.filter(kind=Membership.Kind.SUPPORTER).count(),
        "party_members": active.filter(party_member=True).count(),
    }


def motion_list_for_unit(*, unit: Unit) -> QuerySet[Motion]:
    return Motion.objects.filter(unit=unit).select_related("proposer")

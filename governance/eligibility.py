"""Eligibility rules: who may vote or take part, evaluated as one query.

A rule is a value (a frozen dataclass), so ballots, meetings and pages can
build one, compare it, describe it and evaluate it without a table of their
own. Evaluating it is a single SQL statement whatever the size of the roll:
sub-units are found through the units' materialised ``path``, never by
walking the tree in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.errors import DomainError
from governance.error_codes import GovernanceErrorCode
from governance.models import Membership, Unit


@dataclass(frozen=True, kw_only=True)
class EligibilityRule:
    """Active memberships of ``unit`` (and, optionally, every unit below it),
    narrowed by kind, party membership and joining date. Only *active*
    memberships are ever admitted: lapsed, suspended and former members
    cannot vote."""

    unit: Unit
    include_subunits: bool = False
    kinds: tuple[str, ...] = field(default=())
    party_member_required: bool = False
    joined_on_or_before: dt.date | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(Membership.Kind.values)
        if unknown:
            raise DomainError(
                GovernanceErrorCode.ELIGIBILITY_UNKNOWN_KIND, f"Unknown membership kind: {', '.join(sorted(unknown))}."
            )
        if self.unit.pk is None:
            raise DomainError(GovernanceErrorCode.ELIGIBILITY_UNSAVED_UNIT, "An eligibility rule needs a saved unit.")

    def q(self, prefix: str = "") -> Q:
        """The rule as a ``Q`` on Membership (or on a relation to it via ``prefix``)."""
        if self.include_subunits and self.unit.path:
            query = Q(**{f"{prefix}unit__path__startswith": self.unit.path})
        else:
            query = Q(**{f"{prefix}unit_id": self.unit.pk})
        query &= Q(**{f"{prefix}status": Membership.Status.ACTIVE})
        if self.kinds:
            query &= Q(**{f"{prefix}kind__in": list(self.kinds)})
        if self.party_member_required:
            query &= Q(**{f"{prefix}party_member": True})
        if self.joined_on_or_before is not None:
            query &= Q(**{f"{prefix}joined_on__lte": self.joined_on_or_before})
        return query

    def memberships(self) -> QuerySet[Membership]:
        """Every admitted membership (a person in two sub-units appears twice)."""
        return Membership.objects.filter(self.q())

    def people(self) -> QuerySet[Any]:
        """Every admitted person, once each."""
        user_model = get_user_model()
        return user_model.objects.filter(Exists(Membership.objects.filter(self.q(), person_id=OuterRef("pk"))))

    def describe(self) -> str:
        """The rule in words, for ballot and meeting pages."""
        kinds = " and ".join(f"{Membership.Kind(k).label.lower()}s" for k in self.kinds) or "members and supporters"
        where = f"{self.unit.name}{' and its groups' if self.include_subunits else ''}"
        text = f"Active {kinds} of {where}"
        if self.party_member_required:
            text += " who are Labour Party members"
        if self.joined_on_or_before is not None:
            text += f", joined on or before {self.joined_on_or_before:%-d %B %Y}"
        return text + "."

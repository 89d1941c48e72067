"""The governance API's list filters (django-filter): each parameter's type
and the reason a bad value is refused live here, and drf-spectacular shows
them in the schema. Strict fields from ``core.api.filters``: a bad value is a
400 with a reason, never ignored."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from core.api import filters as strict
from governance import selectors
from governance.models import Body, Holding, Membership, Office, Unit


def unit_filter(**kwargs: Any) -> strict.SlugModelChoiceFilter:
    """A unit named by its slug; a slug no unit has is a 400 ("There is no unit …")."""
    return strict.SlugModelChoiceFilter(
        queryset=Unit.objects.all(),
        to_field_name="slug",
        help_text=kwargs.pop("help_text", "Slug of the unit."),
        error_messages={"invalid_choice": "There is no unit “%(value)s”."},
        **kwargs,
    )


class UnitFilter(django_filters.FilterSet):
    kind = strict.ChoiceFilter(choices=Unit.Kind.choices)
    governance_status = strict.ChoiceFilter(choices=Unit.GovernanceStatus.choices)
    parent = unit_filter(help_text="Slug of the parent unit.")

    class Meta:
        model = Unit
        fields = ["kind", "governance_status", "parent"]


class BodyFilter(django_filters.FilterSet):
    unit = unit_filter()
    current = strict.BooleanFilter(
        field_name="mandate_ended_at", lookup_expr="isnull", help_text="true: current only; false: ended only."
    )
    mandate = strict.ChoiceFilter(choices=Body.Mandate.choices)

    class Meta:
        model = Body
        fields = ["unit", "current", "mandate"]


class OfficeFilter(django_filters.FilterSet):
    unit = unit_filter()
    # Vacancies are counted from the prefetched holdings, after the query:
    # the view applies this one (``OfficeListApi.list``); here it is validated.
    vacant = strict.BooleanFilter(method="vacant_later", help_text="true: offices with a vacancy.")

    class Meta:
        model = Office
        fields = ["unit", "vacant"]

    def vacant_later(self, queryset: QuerySet[Office], name: str, value: bool) -> QuerySet[Office]:
        return queryset


class HoldingFilter(django_filters.FilterSet):
    unit = unit_filter(method="of_unit")
    current = strict.BooleanFilter(
        field_name="ends_on", lookup_expr="isnull", help_text="true: current only; false: ended only."
    )
    office = strict.IdFilter(field_name="office_id", help_text="Office id.")
    body = strict.IdFilter(field_name="body_id", help_text="Body id.")

    class Meta:
        model = Holding
        fields = ["unit", "current", "office", "body"]

    def of_unit(self, queryset: QuerySet[Holding], name: str, value: Unit) -> QuerySet[Holding]:
        return queryset.filter(Q(office__unit=value) | Q(body__unit=value))


class MembershipFilter(django_filters.FilterSet):
    status = strict.ChoiceFilter(choices=Membership.Status.choices)
    kind = strict.ChoiceFilter(choices=Membership.Kind.choices)
    party_member = strict.BooleanFilter()
    q = django_filters.CharFilter(method="search", help_text="Name, e-mail or membership number.")

    class Meta:
        model = Membership
        fields = ["status", "kind", "party_member", "q"]

    def search(self, queryset: QuerySet[Membership], name: str, value: str) -> QuerySet[Membership]:
        return selectors.memberships_matching(queryset, search=value.strip()[:100])

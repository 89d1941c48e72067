"""Reads for governance: units, memberships, holdings and eligibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from governance.eligibility import EligibilityRule
from governance.models import Body, DocumentVersion, GoverningDocument, Holding, Membership, Office, RollImport, Unit


def unit_list_top() -> QuerySet[Unit]:
    """The top of the network (usually the national unit), with its children."""
    return Unit.objects.filter(parent__isnull=True).prefetch_related("children")


def eligible_memberships(
    *,
    unit: Unit,
    include_subunits: bool = False,
    kinds: Iterable[str] = (),
    party_member_required: bool = False,
    joined_on_or_before: dt.date | None = None,
) -> QuerySet[Membership]:
    """The active memberships an eligibility rule admits, as one queryset, so
    that evaluating it against 100,000 members is one SQL statement (the
    ballots app freezes it into the roll with one INSERT … SELECT)."""
    rule = EligibilityRule(
        unit=unit,
        include_subunits=include_subunits,
        kinds=tuple(kinds),
        party_member_required=party_member_required,
        joined_on_or_before=joined_on_or_before,
    )
    return rule.memberships()


def membership_list_for_person(*, person: Any) -> QuerySet[Membership]:
    """A person's own memberships, every unit."""
    return Membership.objects.filter(person=person).select_related("unit")


def office_holding_list_for_person(*, person: Any) -> QuerySet[Holding]:
    return Holding.objects.filter(person=person).select_related("office__unit", "body__unit")


def _current_holdings() -> QuerySet[Holding]:
    """Holdings in force today (``governance.authority.holdings_current``: a
    term that starts tomorrow or ended yesterday is not shown as current)."""
    from governance.authority import holdings_current

    return holdings_current().select_related("person", "ballot_question").order_by("starts_on", "id")


def unit_detail(*, slug: str) -> Unit:
    """A unit with its bodies and offices, each with its *current* holdings
    prefetched (as ``holdings.all``), for the "who runs it" page. Each body
    also gets ``seated``: its current members, whether they hold a seat on
    it or one of its offices (a committee's chair sits on the committee),
    computed from what is prefetched, without another query."""
    current = _current_holdings()
    unit = (
        Unit.objects.select_related("parent")
        .prefetch_related(
            Prefetch(
                "bodies",
                queryset=Body.objects.order_by("mandate_ended_at", "name").prefetch_related(
                    Prefetch("holdings", queryset=current)
                ),
            ),
            Prefetch(
                "offices",
                queryset=Office.objects.select_related("body").prefetch_related(Prefetch("holdings", queryset=current)),
            ),
            Prefetch("children", queryset=Unit.objects.order_by("name")),
            Prefetch("documents", queryset=GoverningDocument.objects.annotate(latest=Max("versions__number"))),
        )
        .get(slug=slug)
    )
    for body in unit.bodies.all():
        body.seated = body_seated(  # type: ignore[attr-defined]
            seats=body.holdings.all(),
            offices=[(o.title, o.holdings.all()) for o in unit.offices.all() if o.body_id == body.pk],
        )
    return unit


def body_seated(*, seats: Iterable[Holding], offices: Iterable[tuple[str, Iterable[Holding]]]) -> list[Holding]:
    """A body's current members, from current holdings already fetched: the
    holders of its offices (``seat_title``: the office's title; a committee's
    chair sits on the committee) and of its plain seats (``seat_title``
    empty), each person once, offices first."""
    seen: set[int] = set()
    seated: list[Holding] = []
    titled = [(title, holding) for title, holdings in offices for holding in holdings]
    for title, holding in [*titled, *(("", h) for h in seats)]:
        if holding.person_id not in seen:
            holding.seat_title = title  # type: ignore[attr-defined]
            seen.add(holding.person_id)
            seated.append(holding)
    return seated


def unit_member_counts(*, unit: Unit) -> dict[str, int]:
    """Active members, supporters and party members of one unit, and the
    people in it *with every group below it* (``members_total``,
    ``supporters_total``: each person once), in one query."""
    active = Q(status=Membership.Status.ACTIVE)
    here = Q(unit_id=unit.pk)
    member, supporter = Q(kind=Membership.Kind.MEMBER), Q(kind=Membership.Kind.SUPPORTER)
    return Membership.objects.filter(active, unit__path__startswith=unit.path).aggregate(
        members=Count("pk", filter=here & member),
        supporters=Count("pk", filter=here & supporter),
        party_members=Count("pk", filter=here & Q(party_member=True)),
        members_total=Count("person_id", filter=member, distinct=True),
        supporters_total=Count("person_id", filter=supporter, distinct=True),
    )


def _subtree_count(kind: str) -> Any:
    """Active people of ``kind`` in the outer unit and every unit below it,
    each person once: a correlated subquery on the materialised path."""
    people = (
        Membership.objects.filter(unit__path__startswith=OuterRef("path"), status=Membership.Status.ACTIVE, kind=kind)
        .order_by()
        .values("status")
        .annotate(n=Count("person_id", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(people), 0)


def unit_tree() -> list[dict[str, Any]]:
    """Every unit as a nested tree (``{"unit", "children", "active",
    "members_total", "supporters_total"}``): ``active`` counts the unit's own
    active memberships, the totals add up the unit and all below it (a region
    shows its branches' members), from one query whatever the size."""
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    units = list(
        Unit.objects.annotate(
            own_active=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)),
            members_total=_subtree_count(Membership.Kind.MEMBER),
            supporters_total=_subtree_count(Membership.Kind.SUPPORTER),
        ).order_by("name")
    )
    for unit in units:
        nodes[unit.pk] = {
            "unit": unit,
            "children": [],
            "active": unit.own_active,  # type: ignore[attr-defined]
            "members_total": unit.members_total,  # type: ignore[attr-defined]
            "supporters_total": unit.supporters_total,  # type: ignore[attr-defined]
        }
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent["children"] if parent else roots).append(nodes[unit.pk])
    return roots


def body_detail(*, unit_slug: str, body_id: int) -> Body:
    """A body with its whole membership history (current first) and handovers,
    and ``seated``: who sits on it today (its seats and its offices' holders,
    see ``body_seated``), from the same prefetched rows."""
    history = Holding.objects.select_related("person", "ballot_question__ballot").order_by(
        F("ends_on").desc(nulls_first=True), "-starts_on", "id"
    )
    current = _current_holdings()
    body = (
        Body.objects.select_related("unit")
        .prefetch_related(
            Prefetch("holdings", queryset=history),
            Prefetch("holdings", queryset=current, to_attr="holdings_now"),
            Prefetch(
                "offices",
                queryset=Office.objects.prefetch_related(
                    Prefetch("holdings", queryset=history),
                    Prefetch("holdings", queryset=current, to_attr="holdings_now"),
                ),
            ),
        )
        .get(pk=body_id, unit__slug=unit_slug)
    )
    body.seated = body_seated(  # type: ignore[attr-defined]
        seats=body.holdings_now,  # type: ignore[attr-defined]
        offices=[(o.title, o.holdings_now) for o in body.offices.all()],  # type: ignore[attr-defined]
    )
    return body


def office_detail(*, unit_slug: str, office_id: int) -> Office:
    """An office with every holding it has had, newest first."""
    history = Holding.objects.select_related("person", "ballot_question__ballot").order_by(
        F("ends_on").desc(nulls_first=True), "-starts_on", "id"
    )
    return (
        Office.objects.select_related("unit", "body")
        .prefetch_related(Prefetch("holdings", queryset=history))
        .get(pk=office_id, unit__slug=unit_slug)
    )


def holding_list(
    *,
    unit: Unit | None = None,
    office_id: int | None = None,
    body_id: int | None = None,
    current: bool | None = None,
) -> QuerySet[Holding]:
    holdings = Holding.objects.select_related("person", "office__unit", "body__unit").order_by("-starts_on", "id")
    if unit is not None:
        holdings = holdings.filter(Q(office__unit=unit) | Q(body__unit=unit))
    if office_id is not None:
        holdings = holdings.filter(office_id=office_id)
    if body_id is not None:
        holdings = holdings.filter(body_id=body_id)
    if current is True:
        holdings = holdings.filter(ends_on__isnull=True)
    elif current is False:
        holdings = holdings.filter(ends_on__isnull=False)
    return holdings


def membership_list_for_unit(
    *,
    unit: Unit,
    status: str | None = None,
    kind: str | None = None,
    party_member: bool | None = None,
    search: str = "",
) -> QuerySet[Membership]:
    """A unit's roll, for its officers, filtered."""
    memberships = Membership.objects.filter(unit=unit).select_related("person").order_by("person__full_name", "pk")
    if status:
        memberships = memberships.filter(status=status)
    if kind:
        memberships = memberships.filter(kind=kind)
    if party_member is not None:
        memberships = memberships.filter(party_member=party_member)
    return memberships_matching(memberships, search=search)


def memberships_matching(memberships: QuerySet[Membership], *, search: str) -> QuerySet[Membership]:
    """Those whose name or e-mail contains ``search``, or whose number it is."""
    if not search:
        return memberships
    return memberships.filter(
        Q(person__full_name__icontains=search) | Q(person__email__icontains=search) | Q(membership_number=search)
    )


def roll_export_rows(*, unit: Unit) -> Iterator[tuple[Any, ...]]:
    """The unit's roll as CSV rows in the import's column order, streamed in chunks."""
    return (
        Membership.objects.filter(unit=unit)
        .order_by("person__email")
        .values_list(
            "person__email",
            "person__full_name",
            "membership_number",
            "kind",
            "party_member",
            "joined_on",
            "status",
            "consent_to_contact",
        )
        .iterator(chunk_size=5000)
    )


def roll_import_list(*, unit: Unit) -> QuerySet[RollImport]:
    return RollImport.objects.filter(unit=unit).select_related("uploaded_by").defer("content")[:20]


def document_detail(*, unit_slug: str, document_id: int) -> GoverningDocument:
    return (
        GoverningDocument.objects.select_related("unit")
        .prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.select_related("motion").order_by("-number"))
        )
        .get(pk=document_id, unit__slug=unit_slug)
    )


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """The units above ``unit``, from the top down (for breadcrumbs), in one query."""
    above = unit.ancestor_ids()[:-1]
    return list(Unit.objects.filter(pk__in=above).order_by("path")) if above else []

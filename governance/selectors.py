"""Reads for governance: units, memberships, holdings and eligibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from governance.eligibility import EligibilityRule
from governance.models import Body, DocumentVersion, GoverningDocument, Holding, Membership, Office, RollImport, Unit

# The unit page lists the unit's motions: a read upwards into meetings (an
# exception the import contract in pyproject.toml names).
from meetings.models import Motion


def unit_list_top() -> QuerySet[Unit]:
    """The top of the network (usually the national unit), with its children."""
    return Unit.objects.filter(parent__isnull=True).prefetch_related("children")


def unit_descendant_ids(*, unit: Unit) -> list[int]:
    """The unit and every unit below it, in one query on the materialised path."""
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True)) or [unit.pk]


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


def unit_detail(*, slug: str) -> Unit:
    """A unit with its bodies and offices, each with its *current* holdings
    prefetched (as ``holdings.all``), for the "who runs it" page."""
    current = Holding.objects.filter(ends_on__isnull=True).select_related("person").order_by("starts_on", "id")
    return (
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


def unit_member_counts(*, unit: Unit) -> dict[str, int]:
    """Active members, supporters and party members of one unit, in one query."""
    active = Q(status=Membership.Status.ACTIVE)
    return Membership.objects.filter(unit=unit).aggregate(
        members=Count("pk", filter=active & Q(kind=Membership.Kind.MEMBER)),
        supporters=Count("pk", filter=active & Q(kind=Membership.Kind.SUPPORTER)),
        party_members=Count("pk", filter=active & Q(party_member=True)),
    )


def unit_tree() -> list[dict[str, Any]]:
    """Every unit as a nested tree (``{"unit", "children", "active"}``), with
    active membership counts, from two queries whatever the size."""
    counts = dict(
        Membership.objects.filter(status=Membership.Status.ACTIVE)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    units = list(Unit.objects.order_by("name"))
    for unit in units:
        nodes[unit.pk] = {"unit": unit, "children": [], "active": counts.get(unit.pk, 0)}
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent["children"] if parent else roots).append(nodes[unit.pk])
    return roots


def unit_open_ballots(*, unit: Unit) -> QuerySet[Any]:
    # Imported here on purpose: governance sits below ballots (pyproject's
    # import contract); the unit page's list of ballots is a read upwards.
    from ballots.models import Ballot

    return Ballot.objects.filter(unit=unit, state=Ballot.State.OPEN).order_by("closes_at")


def unit_upcoming_meetings(*, unit: Unit) -> list[Any]:
    """The unit's meetings still to come, if the meetings app provides them."""
    from django.apps import apps
    from django.utils import timezone

    try:
        meeting = apps.get_model("meetings", "Meeting")
    except LookupError:
        return []
    fields = {f.name for f in meeting._meta.get_fields()}
    if "starts_at" not in fields:
        return []
    return list(meeting.objects.filter(unit=unit, starts_at__gte=timezone.now()).order_by("starts_at")[:5])


def body_detail(*, unit_slug: str, body_id: int) -> Body:
    """A body with its whole membership history (current first) and handovers."""
    history = Holding.objects.select_related("person", "ballot_question__ballot").order_by(
        F("ends_on").desc(nulls_first=True), "-starts_on", "id"
    )
    return (
        Body.objects.select_related("unit")
        .prefetch_related(
            Prefetch("holdings", queryset=history),
            Prefetch("offices", queryset=Office.objects.prefetch_related(Prefetch("holdings", queryset=history))),
        )
        .get(pk=body_id, unit__slug=unit_slug)
    )


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
    if search:
        memberships = memberships.filter(
            Q(person__full_name__icontains=search) | Q(person__email__icontains=search) | Q(membership_number=search)
        )
    return memberships


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


def person_data_export(*, person: Any) -> dict[str, Any]:
    """Everything governance holds about a person, for a subject access request.

    How they voted is not held against them anywhere, so it cannot be here;
    that they took part in a ballot is listed (it is on the ballot's records).
    """
    # Imported here on purpose: governance sits below ballots (pyproject's
    # import contract); a person's export lists the ballots they took part in.
    from ballots.models import Participation, RollEntry

    return {
        "person": {"email": person.email, "full_name": person.full_name, "date_joined": person.date_joined},
        "memberships": list(
            Membership.objects.filter(person=person).values(
                "unit__name", "membership_number", "kind", "party_member", "joined_on", "status", "consent_to_contact"
            )
        ),
        "holdings": [
            {
                "seat": str(h.office or h.body),
                "starts_on": h.starts_on,
                "ends_on": h.ends_on,
                "authority": h.authority,
            }
            for h in office_holding_list_for_person(person=person)
        ],
        "ballots_on_roll": list(RollEntry.objects.filter(voter=person).values_list("ballot__title", flat=True)),
        "ballots_voted_in": list(Participation.objects.filter(voter=person).values_list("ballot__title", flat=True)),
    }


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


def motion_list_for_unit(*, unit: Unit) -> QuerySet[Motion]:
    return Motion.objects.filter(unit=unit).select_related("proposer")

"""Reads for ballots. Nothing here exposes running totals before close."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from ballots.models import Ballot, Option, Participation, Question, Result, RollEntry, Tracker


def ballot_list_open() -> QuerySet[Ballot]:
    return Ballot.objects.filter(state=Ballot.State.OPEN).select_related("unit").order_by("closes_at")


def ballot_list_declared() -> QuerySet[Ballot]:
    return Ballot.objects.filter(state=Ballot.State.DECLARED).select_related("unit").order_by("-declared_at")


def ballot_list_for_voter(*, user: Any) -> QuerySet[Ballot]:
    """The ballots a member is on the roll of, each with ``has_voted``."""
    return (
        Ballot.objects.filter(Exists(RollEntry.objects.filter(ballot=OuterRef("pk"), voter=user)))
        .annotate(has_voted=Exists(Participation.objects.filter(ballot=OuterRef("pk"), voter=user)))
        .select_related("unit")
        .order_by("-closes_at")
    )


def ballot_for_voting_page(*, ballot_id: int) -> Ballot:
    options = Option.objects.filter(withdrawn=False).order_by("position", "id")
    return (
        Ballot.objects.select_related("unit", "returning_officer")
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.prefetch_related(Prefetch("options", queryset=options)))
        )
        .get(pk=ballot_id)
    )


def voter_status(*, ballot: Ballot, user: Any) -> tuple[bool, bool]:
    """(on the roll, has voted) for one member."""
    if not getattr(user, "is_authenticated", False):
        return False, False
    on_roll = RollEntry.objects.filter(ballot=ballot, voter=user).exists()
    voted = Participation.objects.filter(ballot=ballot, voter=user).exists()
    return on_roll, voted


def ballot_result(*, ballot_id: int) -> Ballot:
    """A declared ballot with its questions, options and results, in a fixed
    number of queries whatever the number of papers."""
    return (
        Ballot.objects.filter(state=Ballot.State.DECLARED)
        .select_related("unit", "returning_officer")
        .annotate(turnout=Count("participations", distinct=True), roll_size=Count("roll", distinct=True))
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.select_related("result").prefetch_related("options"))
        )
        .get(pk=ballot_id)
    )


def trackers_published(*, ballot: Ballot) -> list[str]:
    """Every counted vote's tracker, sorted: the order says nothing about
    when anyone voted, and the list says nothing about what they voted."""
    return list(Tracker.objects.filter(ballot=ballot).order_by("tracker").values_list("tracker", flat=True))


def tracker_included(*, ballot: Ballot, tracker: str) -> bool:
    return Tracker.objects.filter(ballot=ballot, tracker=tracker).exists()


def result_for_question(*, question: Question) -> Result | None:
    return Result.objects.filter(question=question).first()

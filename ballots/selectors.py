"""Reads for ballots. Nothing here exposes running totals before close."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ballots.models import Ballot, Option, Participation, PublishedFile, Question, Result, RollEntry, Tracker
from core.models import OutboxEmail

# A secret vote taken in a meeting is a Ballot too (``origin = "meeting"``,
# linked from ``meetings.MeetingVote.ballot``); it belongs to the meeting's page
# and minutes, so the lists of online ballots leave it out.
NOT_IN_A_MEETING = {"origin": Ballot.Origin.ONLINE}


def ballot_list_open() -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(state=Ballot.State.OPEN, **NOT_IN_A_MEETING).select_related("unit").order_by("closes_at")
    )


def ballot_list_declared() -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(state=Ballot.State.DECLARED, **NOT_IN_A_MEETING)
        .select_related("unit")
        .order_by("-declared_at")
    )


def ballot_list_open_for_unit(*, unit: Any) -> QuerySet[Ballot]:
    """A unit's online ballots open now, closing soonest first (its page)."""
    return Ballot.objects.filter(unit=unit, state=Ballot.State.OPEN, **NOT_IN_A_MEETING).order_by("closes_at")


def ballot_list_declared_for_unit(*, unit: Any) -> QuerySet[Ballot]:
    """A unit's declared online ballots, newest first, for links to their results."""
    return Ballot.objects.filter(unit=unit, state=Ballot.State.DECLARED, **NOT_IN_A_MEETING).order_by("-declared_at")


def ballot_list_for_voter(*, user: Any) -> QuerySet[Ballot]:
    """The ballots a member is on the roll of, each with ``has_voted``."""
    return (
        Ballot.objects.filter(Exists(RollEntry.objects.filter(ballot=OuterRef("pk"), voter=user)), **NOT_IN_A_MEETING)
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


def _count_per_ballot(model: type[Participation] | type[RollEntry]) -> Subquery:
    """``SELECT count(*) FROM <model> WHERE ballot_id = outer.id``: one scan
    of that ballot's rows, joined to nothing."""
    counted = model.objects.filter(ballot=OuterRef("pk")).order_by().values("ballot").annotate(n=Count("*")).values("n")
    return Subquery(counted, output_field=IntegerField())


def _stored_per_ballot(field: str) -> Subquery:
    """A figure the tally stored on the ballot's first question's result."""
    stored = Result.objects.filter(question__ballot=OuterRef("pk")).order_by("question__position", "question_id")
    return Subquery(stored.values(field)[:1], output_field=IntegerField())


def ballot_result(*, ballot_id: int) -> Ballot:
    """A declared ballot with its questions, options and results, in a fixed
    number of queries and time whatever the number of papers.

    ``roll_size`` and ``turnout`` are the figures the tally stored (the roll
    is frozen when voting opens, every vote answers every question, and no
    participation is written after close, so a result's ``electorate`` is the
    roll and its ``papers_counted`` the turnout). Only a ballot without a
    stored result is counted, each figure in its own subquery. Never count
    them as ``Count("participations") + Count("roll")`` on one queryset: that
    joins every participation to every roll entry (n × n rows: 60,000 voters
    filled the database server's disk), and this page is public."""
    return (
        Ballot.objects.filter(state=Ballot.State.DECLARED)
        .select_related("unit", "returning_officer")
        .annotate(
            # PostgreSQL and SQLite evaluate COALESCE lazily: the count runs only when nothing is stored.
            turnout=Coalesce(_stored_per_ballot("papers_counted"), _count_per_ballot(Participation), 0),
            roll_size=Coalesce(_stored_per_ballot("electorate"), _count_per_ballot(RollEntry), 0),
        )
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


def ballot_progress(*, ballot: Ballot) -> dict[str, Any]:
    """What the returning officer sees of a poll under way: how many have
    voted (a count of participations, never what they voted), the roll's
    size once frozen, and the reminders queued and sent. Four counts, each
    one indexed query, whatever the size of the roll."""
    reminders = OutboxEmail.objects.filter(key__startswith=f"ballot-reminder:{ballot.pk}:")
    reminder_due = ballot.closes_at - ballot.reminder_before if ballot.reminder_before else None
    return {
        "roll_size": RollEntry.objects.filter(ballot=ballot).count() if ballot.roll_frozen_at else None,
        "voted": Participation.objects.filter(ballot=ballot).count(),
        "reminders_queued": reminders.count(),
        "reminders_sent": reminders.filter(status=OutboxEmail.Status.SENT).count(),
        "reminder_due_at": reminder_due,
        "reminder_queued_at": ballot.reminder_queued_at,
    }


def published_file(*, ballot: Ballot, kind: str, question_id: int | None = None) -> PublishedFile | None:
    """A built public file's description (kind, hash, size), without its
    bytes: a conditional GET answered 304 never reads them."""
    files = PublishedFile.objects.filter(ballot=ballot, kind=kind).defer("content")
    if question_id is None:
        return files.filter(question__isnull=True).first()
    return files.filter(question__pk=question_id).first()


def published_file_content(*, published: PublishedFile) -> bytes:
    """The stored bytes of a built public file."""
    content = PublishedFile.objects.filter(pk=published.pk).values_list("content", flat=True).get()
    return bytes(content)

"""Secret ballots.

Secrecy is kept by the schema. *Who voted* (``Participation``) and *what was
voted* (``PendingPaper`` while open, ``BallotPaper`` after close) share no key,
foreign key, sequence, timestamp or ordering. While a ballot is open a pending
paper and its participation are written in one transaction, so PostgreSQL's
``xmin`` and physical row order link them; the paper is therefore encrypted
under a key the database never holds (``services/paper_crypto.py``), and on
PostgreSQL an open ballot's votes are in tables of its own that inherit the
shared ones (migration 0011): closing copies the papers into ``BallotPaper``
in random order, rewrites the participations and drops the ballot's tables,
dead tuples and all (``services/storage.py``). A vote's tracker travels sealed inside
its first paper and is written to ``Tracker`` only at the close, shuffled,
never next to a paper (``PendingTracker`` holds only trackers of votes cast
before migration 0009).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.models import EligibilityRuleFields


class Ballot(EligibilityRuleFields):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        NOMINATIONS = "nominations", "Nominations open"
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open for voting"
        CLOSED = "closed", "Closed"
        COUNTED = "counted", "Counted"
        DECLARED = "declared", "Declared"
        CANCELLED = "cancelled", "Cancelled"

    class Origin(models.TextChoices):
        """Where the ballot is held: online, to the unit's roll, or as a
        meeting's secret vote, to the people in the room. A room vote is
        never listed, reminded or declared as an online ballot is."""

        ONLINE = "online", "Online"
        MEETING = "meeting", "In a meeting"

    unit = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="ballots")
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.ONLINE)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    returning_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballots_returning"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    nominations_open_at = models.DateTimeField(null=True, blank=True)
    nominations_close_at = models.DateTimeField(null=True, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # Eligibility rule, evaluated into the frozen roll when voting opens.
    # Publication of anonymised papers, off for small electorates.
    publish_papers = models.BooleanField(default=True)
    min_electorate_for_papers = models.PositiveIntegerField(default=20)
    reminder_before = models.DurationField(
        default=dt.timedelta(hours=24), help_text="Remind those who have not voted this long before close."
    )
    reminder_queued_at = models.DateTimeField(null=True, blank=True)
    declare_automatically = models.BooleanField(
        default=False, help_text="Declare as soon as counted, without the returning officer's review."
    )
    roll_frozen_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    declaration_statement = models.TextField(
        blank=True,
        max_length=1000,
        help_text="The returning officer's short statement published with the declared result.",
    )
    scrutineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="ballots_scrutinised",
        help_text="People the returning officer names (candidates, their agents, observers of the count) "
        "who may read the provisional result before it is declared.",
    )

    class Meta:
        ordering = ["-closes_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="ballot_closes_after_opening"),
        ]
        indexes = [models.Index(fields=["state", "closes_at"]), models.Index(fields=["state", "opens_at"])]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One thing voted on in a ballot: a motion, or an election."""

    class Kind(models.TextChoices):
        MOTION = "motion", "Motion"
        ELECTION = "election", "Election"

    class Method(models.TextChoices):
        MOTION = "motion", "For / against / abstain"
        PLURALITY = "plurality", "Plurality (first past the post / block vote)"
        APPROVAL = "approval", "Approval"
        IRV = "irv", "Alternative vote (IRV)"
        SCOTTISH_STV = "scottish-stv", "STV (Scottish rules 2007)"
        MEEK_STV = "meek-stv", "STV (Meek, New Zealand rules)"
        ERS97 = "ers97", "STV (ERS 1997 rules)"

    class Threshold(models.TextChoices):
        SIMPLE = "simple", "Simple majority of votes cast"
        TWO_THIRDS = "two_thirds", "Two-thirds of votes cast"
        ABSOLUTE = "absolute", "Majority of the electorate"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    method = models.CharField(max_length=14, choices=Method.choices)
    seats = models.PositiveSmallIntegerField(default=1)
    threshold = models.CharField(max_length=12, choices=Threshold.choices, default=Threshold.SIMPLE)
    quorum = models.PositiveIntegerField(null=True, blank=True, help_text="Minimum papers for a valid result.")
    minimums = models.JSONField(default=list, blank=True, help_text='[{"group": "women", "seats": 2}]')
    seconders_for_nomination = models.PositiveSmallIntegerField(
        default=0, help_text="Seconders a nomination needs before it stands."
    )
    include_ron = models.BooleanField(default=False, help_text="Add “Re-open nominations” when the papers are settled.")
    office = models.ForeignKey("governance.Office", null=True, blank=True, on_delete=models.PROTECT)
    body = models.ForeignKey("governance.Body", null=True, blank=True, on_delete=models.PROTECT)
    motion = models.ForeignKey(
        "meetings.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="ballot_questions"
    )

    class Meta:
        ordering = ["ballot", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="question_seats_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ranked(self) -> bool:
        return self.method in {self.Method.IRV, self.Method.SCOTTISH_STV, self.Method.MEEK_STV, self.Method.ERS97}


class Option(models.Model):
    """A choice on a question: a candidate, RON, or for/against/abstain.

    A motion's options say what they mean in ``choice``; the count and the
    meetings app read that, never the label, which is only what the paper
    shows."""

    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstain"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=200)
    choice = models.CharField(
        max_length=8, choices=Choice.choices, blank=True, default="", help_text="A motion's option: what it means."
    )
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    statement = models.TextField(blank=True)
    groups = models.JSONField(default=list, blank=True, help_text="Equality groups the candidate belongs to.")
    is_ron = models.BooleanField(default=False)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "label"], name="option_label_unique"),
            models.UniqueConstraint(
                fields=["question", "choice"], condition=~Q(choice=""), name="option_choice_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def for_motion(cls, question: Question) -> list[Option]:
        """A motion's three options, For, Against, Abstain, unsaved."""
        return [
            cls(question=question, position=i, label=choice.label, choice=choice.value)
            for i, choice in enumerate(cls.Choice, 1)
        ]


class Nomination(models.Model):
    """A member put forward for an election question, by themselves or another."""

    class State(models.TextChoices):
        NOMINATED = "nominated", "Nominated, awaiting acceptance"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations_made"
    )
    seconders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="nominations_seconded")
    statement = models.TextField(blank=True, max_length=5000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NOMINATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "nominee"], name="nominated_once")]

    def __str__(self) -> str:
        return f"{self.nominee} for {self.question}"


class RollEntry(models.Model):
    """The frozen electorate: who may vote, fixed when voting opens."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="roll")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roll_entries")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "voter"], name="roll_once_per_ballot")]

    def __str__(self) -> str:
        return f"roll entry of ballot {self.ballot_id}"


class Participation(models.Model):
    """That a voter has voted, and nothing about how. No timestamp, on purpose.

    A retried request gets its first answer back: the row keeps a hash of the
    client's idempotency key and the receipt *sealed* with that key, so only
    the client who holds the key can recover it; the database alone cannot
    link a voter to their published tracker.
    """

    # No database constraints (migration 0011): closing a ballot writes its
    # participations by the million, and PostgreSQL checks a foreign key with
    # a trigger per row. Django applies ``on_delete`` itself.
    # one_member_one_vote's index begins with the ballot: no index of its own.
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="participations", db_constraint=False, db_index=False
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations", db_constraint=False
    )
    idempotency_key_hash = models.CharField(max_length=64, blank=True)
    sealed_receipt = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "voter"], name="one_member_one_vote")]

    def __str__(self) -> str:
        return f"participation in ballot {self.ballot_id}"


def _random_id() -> uuid.UUID:
    return uuid.uuid4()


class PendingPaper(models.Model):
    """What was voted, while the ballot is open, encrypted. Gone at close."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="pending_papers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="pending_papers")
    content = models.JSONField(help_text="Ranking (option ids, in order) or choices (option ids).")

    def __str__(self) -> str:
        return f"pending paper {self.pk}"


class BallotPaper(models.Model):
    """What was voted, after close: copied in random order, never linked to anyone."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="papers", db_constraint=False, db_index=False
    )  # no database constraint, as Participation's; one index on it, Meta's (two cost the close a million entries more)
    content = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["question"])]

    def __str__(self) -> str:
        return f"ballot paper {self.pk}"


class PendingTracker(models.Model):
    """A receipt's hash while open, from votes cast before migration 0009
    (since then the tracker is sealed inside the vote's first paper);
    shuffled into ``Tracker`` at close."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="pending_trackers")
    tracker = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.tracker


class Tracker(models.Model):
    """Published after declaration: proves a paper was counted, not what it said."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="trackers", db_constraint=False, db_index=False
    )  # no database constraint, as Participation's; tracker_unique's index starts with the ballot
    tracker = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "tracker"], name="tracker_unique")]

    def __str__(self) -> str:
        return self.tracker


class Result(models.Model):
    """The count of one question: the engine's full count sheet, stored once."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="result")
    papers_counted = models.PositiveIntegerField()
    electorate = models.PositiveIntegerField()
    count_sheet = models.JSONField()
    outcome = models.CharField(max_length=300)
    winners = models.JSONField(default=list)
    seed = models.CharField(max_length=64)
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.question}: {self.outcome}"


class PublishedFile(models.Model):
    """A file of a declared result as the public downloads it, built once
    (``ballots.services.publishing``) and served from storage with its
    SHA-256 as a strong ETag: a busy result page costs a file read, not a
    recount of the papers per request. It holds what is already public.

    The bytes live in the database, not in file storage: the worker that
    builds them and the web processes that serve them share the database and
    nothing else (docker-compose.yml), the row commits or rolls back with
    the build, and backups of the database carry the published record."""

    class Kind(models.TextChoices):
        BLT = "blt", "Ranked papers (BLT)"
        CSV = "csv", "Papers (CSV)"
        COUNT_SHEET = "sheet.json", "Count sheet (JSON)"
        TRACKERS = "trackers.txt", "Trackers"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="published_files")
    # Papers are per question; the count sheet and trackers are the ballot's.
    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "question", "kind"],
                condition=Q(question__isnull=False),
                name="published_file_one_per_question_kind",
            ),
            models.UniqueConstraint(
                fields=["ballot", "kind"], condition=Q(question__isnull=True), name="published_file_one_per_ballot_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.question_id or '-'} {self.kind}"


# The verifiable ballot mode (Belenios), in its own module.
from ballots.models_verifiable import (  # noqa: E402, F401
    VerifiableBallot,
    VerifiableElection,
    VerifiableShuffle,
    VerifiableSpentTracker,
    VerifiableTrustee,
)

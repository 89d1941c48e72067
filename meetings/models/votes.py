"""Votes taken in a meeting: open (named), counted hands, or secret.

A secret vote is a ``ballots.Ballot`` whose roll is the members checked in;
its papers never touch these tables. ``OpenVoteCast`` exists only for open
and counted-hands votes, where recording names is the point.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class MeetingVote(models.Model):
    class Mode(models.TextChoices):
        OPEN = "open", "Open vote, names recorded"
        HANDS = "hands", "Show of hands, counted by the chair"
        SECRET = "secret", "Secret ballot"

    class State(models.TextChoices):
        OPEN = "open", "Voting"
        CLOSED = "closed", "Closed, awaiting the count"
        DECIDED = "decided", "Decided"

    class Threshold(models.TextChoices):
        SIMPLE = "simple", "Simple majority"
        TWO_THIRDS = "two_thirds", "Two-thirds"

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="votes")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="votes"
    )
    motion = models.ForeignKey(
        "meetings.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_votes"
    )
    amendment = models.ForeignKey(
        "meetings.Amendment", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_votes"
    )
    title = models.CharField(max_length=200)
    mode = models.CharField(max_length=8, choices=Mode.choices)
    threshold = models.CharField(max_length=12, choices=Threshold.choices, default=Threshold.SIMPLE)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_vote"
    )
    present = models.PositiveIntegerField(default=0, help_text="Members checked in when the vote opened.")
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    carried = models.BooleanField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="The counting engine's MotionResult.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(motion__isnull=False) & Q(amendment__isnull=False)), name="vote_motion_or_amendment"
            ),
            models.UniqueConstraint(fields=["meeting"], condition=Q(state="open"), name="one_open_vote_per_meeting"),
        ]

    def __str__(self) -> str:
        return self.title


class OpenVoteCast(models.Model):
    """One member's named vote in an open or counted-hands vote, on purpose.

    ``voter`` is the member whose vote it is; ``holder`` is set when their
    proxy cast it for them (in a counted-hands vote only proxy votes are
    cast on phones; the room's hands are the chair's figures). One table
    for both, so the unique (vote, voter) constraint makes a second vote for
    the same member impossible whoever casts it: in person after the proxy,
    or by the proxy after the member voted and left."""

    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstain"

    vote = models.ForeignKey(MeetingVote, on_delete=models.CASCADE, related_name="casts")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The proxy who cast this vote for the voter; empty when the voter cast it in person.",
    )
    choice = models.CharField(max_length=8, choices=Choice.choices)
    weight = models.PositiveIntegerField(default=1, help_text="A delegate's weight at a delegate meeting; else 1.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter"], name="open_vote_once"),
            models.CheckConstraint(condition=~Q(voter=F("holder")), name="open_vote_holder_not_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter}: {self.choice}" + (f" (by {self.holder})" if self.holder_id else "")

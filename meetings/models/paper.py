"""Paper ballots counted in the room and entered by the officers.

Where part of the room has no phone, an election is held on paper and the
papers are entered one by one: each ``PaperEntry`` counts only once a
different officer has checked it against the paper (``confirmed_by``).
The confirmed papers are then counted by the one engine
(``ballots.counting``), with a seed drawn when the count was set up, like
any ballot. A paper carries no voter: it is what was written on it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q


def new_seed() -> int:
    return secrets.randbelow(2**62)


class PaperCount(models.Model):
    class Method(models.TextChoices):
        PLURALITY = "plurality", "Plurality (one cross; block vote for several seats)"
        IRV = "irv", "Alternative vote (ranked, one seat)"
        SCOTTISH_STV = "scottish-stv", "STV, Scottish rules (ranked)"
        MEEK_NZ = "meek-nz", "STV, Meek (New Zealand rules)"
        ERS97 = "ers97", "STV, ERS 1997 rules"

    class State(models.TextChoices):
        ENTERING = "entering", "Papers being entered"
        COUNTED = "counted", "Counted"

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="paper_counts")
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=14, choices=Method.choices)
    seats = models.PositiveSmallIntegerField(default=1)
    candidates = models.JSONField(help_text="The names on the paper, in the paper's order.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ENTERING)
    seed = models.BigIntegerField(default=new_seed, help_text="Settles any lot, so the count can be reproduced.")
    result = models.JSONField(default=dict, blank=True, help_text="The counting engine's count sheet.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class PaperEntry(models.Model):
    """One paper as entered: the candidates' indexes in order of preference."""

    count = models.ForeignKey(PaperCount, on_delete=models.CASCADE, related_name="entries")
    number = models.PositiveIntegerField(help_text="The paper's number in the order of entry.")
    ranking = models.JSONField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected = models.BooleanField(default=False, help_text="Did not match the paper; enter it again.")

    class Meta:
        ordering = ["count", "number"]
        constraints = [
            models.UniqueConstraint(fields=["count", "number"], name="paper_entry_number_once"),
            models.CheckConstraint(condition=~Q(confirmed_by=F("entered_by")), name="paper_checked_by_another"),
        ]

    def __str__(self) -> str:
        return f"Paper {self.number} of {self.count}"

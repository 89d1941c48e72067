"""Bodies, offices and the holdings of them, with the authority for each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.models.units import Unit


class Body(models.Model):
    """A group of people with a mandate inside a unit."""

    class Kind(models.TextChoices):
        REFERENCE_GROUP = "reference_group", "Interim reference group"
        COMMITTEE = "committee", "Committee"
        COORDINATING = "coordinating", "Coordinating committee"
        BOARD = "board", "Board of directors"
        ALL_MEMBERS = "all_members", "All-members meeting"

    class Mandate(models.TextChoices):
        APPOINTED = "appointed", "Appointed / interim"
        ELECTED = "elected", "Elected"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bodies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mandate = models.CharField(max_length=10, choices=Mandate.choices)
    mandate_authority = models.TextField(help_text="The appointment record or declared ballot it rests on.")
    mandate_ends_on = models.DateField(null=True, blank=True)
    ends_when_elected_body_constituted = models.BooleanField(default=False)
    mandate_ended_at = models.DateTimeField(null=True, blank=True)
    seats = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["unit__name", "name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def is_current(self) -> bool:
        return self.mandate_ended_at is None


class Office(models.Model):
    """A post: chair, secretary, a seat on a body…"""

    class FilledBy(models.TextChoices):
        APPOINTMENT = "appointed", "Appointment"
        ELECTION = "elected", "Election"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="offices")
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="offices")
    title = models.CharField(max_length=120)
    term_months = models.PositiveSmallIntegerField(default=12)
    filled_by = models.CharField(max_length=10, choices=FilledBy.choices, default=FilledBy.ELECTION)
    seats = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["unit__name", "title"]

    def __str__(self) -> str:
        return f"{self.title}, {self.unit}"

    def current_holdings(self) -> list[Holding]:
        """Current holders; uses a prefetched ``holdings`` when there is one."""
        return [h for h in self.holdings.all() if h.ends_on is None]

    @property
    def vacancies(self) -> int:
        """Seats with nobody in them now (0 when fully held)."""
        return max(self.seats - len(self.current_holdings()), 0)


class Holding(models.Model):
    """One person's time in an office or on a body, with its authority.

    Exactly one of ``office`` and ``body`` is set. Rows are never deleted:
    a term ends by setting ``ends_on``, so the full history stays readable.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holdings")
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="holdings")
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="holdings")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    authority = models.TextField()
    ballot_question = models.ForeignKey(
        "ballots.Question", null=True, blank=True, on_delete=models.PROTECT, related_name="holdings"
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False, body__isnull=True) | Q(office__isnull=True, body__isnull=False),
                name="holding_office_xor_body",
            ),
            models.UniqueConstraint(
                fields=["ballot_question", "person"],
                condition=Q(ballot_question__isnull=False),
                name="holding_once_per_declared_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.office or self.body}"

    @property
    def is_current(self) -> bool:
        return self.ends_on is None


class Handover(models.Model):
    """The record that a declared election has been applied to its seat.

    One per ballot question, so declaring (or re-running the declaration)
    twice applies it once, even when nobody was elected (re-open nominations
    won) and no holding was created.
    """

    question = models.OneToOneField("ballots.Question", on_delete=models.PROTECT, related_name="handover")
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="handovers")
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="handovers")
    declared_on = models.DateField()
    authority = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False, body__isnull=True) | Q(office__isnull=True, body__isnull=False),
                name="handover_office_xor_body",
            ),
        ]

    def __str__(self) -> str:
        return f"handover of {self.office or self.body} on {self.declared_on}"

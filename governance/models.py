"""Who runs what, on whose authority: units, bodies, offices and members.

The network starts with an *interim* reference group that nobody elected; as
ballots are declared, elected bodies and office holders replace it and a unit
becomes *established*. Every holding records the authority it rests on (an
appointment, or a declared ballot) so the history can be read back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Unit(models.Model):
    """A level of the network: the national network, a region, a branch."""

    class Kind(models.TextChoices):
        NATIONAL = "national", "National network"
        REGION = "region", "Region"
        BRANCH = "branch", "Local group / branch"

    class GovernanceStatus(models.TextChoices):
        INTERIM = "interim", "Interim (run by appointees)"
        ESTABLISHED = "established", "Established (run by elected bodies)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    meeting_place = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    governance_status = models.CharField(
        max_length=12, choices=GovernanceStatus.choices, default=GovernanceStatus.INTERIM
    )
    allows_supporter_signup = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's relation to one unit. A person may belong to several."""

    class Kind(models.TextChoices):
        SUPPORTER = "supporter", "Supporter"
        MEMBER = "member", "Member"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        SUSPENDED = "suspended", "Suspended"
        LEFT = "left", "Left"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    party_member = models.BooleanField(default=False, help_text="Also a member of the Labour Party.")
    joined_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    consent_to_contact = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "unit"], name="membership_one_per_unit")]
        indexes = [models.Index(fields=["unit", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.unit} ({self.kind}, {self.status})"


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

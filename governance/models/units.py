"""Units of the network and people's memberships of them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class Unit(models.Model):
    """A level of the network: the national network, a region, a branch.

    ``path`` is a materialised path of ids (``"1/4/9/"``) kept by ``save()``,
    so "this unit and everything below it" is a single ``LIKE 'path%'``
    filter: an eligibility rule over sub-units stays one SQL statement.
    """

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
    path = models.CharField(max_length=255, blank=True, default="", editable=False, db_index=True)
    governance_status = models.CharField(
        max_length=12, choices=GovernanceStatus.choices, default=GovernanceStatus.INTERIM
    )
    allows_supporter_signup = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, then keep ``path`` (and every descendant's) in step with ``parent``."""
        super().save(*args, **kwargs)
        parent_path = ""
        if self.parent_id is not None:
            parent_path = Unit.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
            if f"/{self.pk}/" in f"/{parent_path}":
                raise ValueError("A unit cannot be placed below itself.")
        path = f"{parent_path}{self.pk}/"
        if path == self.path:
            return
        old = self.path
        Unit.objects.filter(pk=self.pk).update(path=path)
        self.path = path
        if old:  # a move: re-root the subtree (rare, and the tree is small)
            for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk).order_by("path"):
                Unit.objects.filter(pk=child.pk).update(path=path + child.path[len(old) :])

    def ancestor_ids(self) -> list[int]:
        """Ids from the top of the network down to this unit, inclusive."""
        return [int(part) for part in self.path.split("/") if part]


class Membership(models.Model):
    """A person's relation to one unit. A person may belong to several.

    ``membership_number`` is the identifier of the national database the roll
    is imported from; re-imports match on it, or on the person's e-mail.
    """

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
    membership_number = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    party_member = models.BooleanField(default=False, help_text="Also a member of the Labour Party.")
    joined_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    consent_to_contact = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "unit"], name="membership_one_per_unit"),
            models.UniqueConstraint(
                fields=["unit", "membership_number"],
                condition=~Q(membership_number=""),
                name="membership_number_unique_in_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.unit} ({self.kind}, {self.status})"

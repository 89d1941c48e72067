"""Governing documents (constitution, standing orders) and their numbered versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.models.units import Unit


class GoverningDocument(models.Model):
    """A unit's constitution or standing orders. Its text lives in versions."""

    class Kind(models.TextChoices):
        CONSTITUTION = "constitution", "Constitution"
        STANDING_ORDERS = "standing_orders", "Standing orders"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["unit__name", "kind"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="one_document_of_each_kind_per_unit")]

    def __str__(self) -> str:
        return f"{self.title} ({self.unit})"


class DocumentVersion(models.Model):
    """One adopted text of a document. Numbers run 1, 2, 3… and never change.

    A version adopted by carrying a motion records the motion and the number
    of the version it amended (``amends_number``), so the amendment history
    can be read back even if versions are adopted out of the usual order.
    """

    document = models.ForeignKey(GoverningDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown; rendered sanitised.")
    adopted_on = models.DateField()
    authority = models.TextField(help_text="The meeting, motion or appointment that adopted it.")
    amends_number = models.PositiveIntegerField(null=True, blank=True)
    motion = models.ForeignKey(
        "meetings.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="document_versions"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="document_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document.title}, version {self.number}"

"""Motions and meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.models import Unit


class Motion(models.Model):
    """A proposal put by a member to a unit's meeting or ballot."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted, seeking seconders"
        IN_ORDER = "in_order", "Ruled in order"
        OUT_OF_ORDER = "out_of_order", "Ruled out of order"
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REMITTED = "remitted", "Remitted"
        REFERRED = "referred", "Referred to a higher body"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="motions")
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="Markdown; rendered sanitised.")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="motions_proposed")
    state = models.CharField(max_length=14, choices=State.choices, default=State.DRAFT)
    seconders_required = models.PositiveSmallIntegerField(default=1)
    ruling_reason = models.TextField(blank=True)
    amends_constitution = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Seconding(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="secondings")
    seconder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secondings")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "seconder"], name="second_once")]

    def __str__(self) -> str:
        return f"{self.seconder} seconds {self.motion}"

"""Minutes with their version history, and requisitions of a meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Minutes(models.Model):
    """The record of one meeting. Every edit is a new ``MinutesVersion``; the
    current text is the highest version. Approved at a later meeting."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    current_version = models.PositiveIntegerField(default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_at_meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="minutes_approved"
    )

    class Meta:
        verbose_name_plural = "minutes"

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class MinutesVersion(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["minutes", "-number"]
        constraints = [models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_once")]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.number}"


class Requisition(models.Model):
    """Members asking for an extraordinary meeting; met at ``signatures_required``."""

    class State(models.TextChoices):
        COLLECTING = "collecting", "Collecting signatures"
        MET = "met", "Enough signatures: the officers must call the meeting"
        CALLED = "called", "Meeting called"

    unit = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="requisitions")
    purpose = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signatures_required = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.COLLECTING)
    created_at = models.DateTimeField(auto_now_add=True)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"Requisition in {self.unit}: {self.purpose[:40]}"


class RequisitionSignature(models.Model):
    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requisition", "signer"], name="sign_requisition_once")]

    def __str__(self) -> str:
        return f"{self.signer} signs {self.requisition}"

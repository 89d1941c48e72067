"""The e-mail outbox: one row per message, written in the same transaction as
the change that causes it, sent later by the worker.

The unique ``key`` makes a retried task or a repeated service call a no-op,
so no member is mailed twice for the same thing. Rows never carry ballot
content or receipts.
"""

from __future__ import annotations

from django.db import models


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"
        DROPPED = "dropped", "Dropped (recipient gone)"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(
        max_length=60, blank=True, help_text="The e-mail's template (ballots/notice, …): what kind of e-mail it is."
    )
    recipient = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="outbox_emails")
    to_address = models.EmailField()
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.to_address} ({self.status})"


class AuditEntry(models.Model):
    """Append-only log of administrative steps (who did what to which object,
    when, from where). It never carries vote content, receipts or anything
    that links a member to a ballot paper."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    unit = models.ForeignKey("governance.Unit", null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

"""A membership roll import: the uploaded file, its progress and its report."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.models.units import Unit


class RollImport(models.Model):
    """One upload of a roll CSV, imported by a Celery task.

    The CSV is kept in the database (not on a disk only the web server can
    see) until the worker has imported it, then cleared: the roll itself is
    the record, and personal data is not kept twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        REJECTED = "rejected", "Rejected: rows have errors, nothing imported"
        FAILED = "failed", "Failed: nothing imported"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="roll_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=200, blank=True)
    content = models.TextField(blank=True)
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text='[{"line": 3, "reason": "…"}]')
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"roll import {self.pk} into {self.unit}"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.REJECTED, self.State.FAILED}

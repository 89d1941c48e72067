"""A carried motion sent on to a meeting of a unit above the one where it carried."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MotionForwarding(models.Model):
    """One carried motion forwarded to one meeting of a higher body (a
    region's or the national conference).

    The forwarded motion is a new ``Motion`` of the target unit, awaiting that
    meeting's ruling; this row links it to the ``original`` and keeps the
    text and outcome *as carried* (``text_as_carried``, ``outcome_as_carried``,
    ``carried_at``), so the history the conference reads is the branch's
    decision even if the branch's record is later annotated. The seconders
    are read from the original, not copied: they seconded it in the branch,
    not at conference. Forwarding twice to the same meeting is impossible by
    schema (``forward_once_per_meeting``)."""

    original = models.ForeignKey("meetings.Motion", on_delete=models.PROTECT, related_name="forwardings")
    forwarded = models.OneToOneField("meetings.Motion", on_delete=models.PROTECT, related_name="forwarded_record")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="forwardings")
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(auto_now_add=True)
    text_as_carried = models.TextField()
    outcome_as_carried = models.TextField(blank=True)
    carried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["forwarded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["original", "meeting"], name="forward_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.original} forwarded to {self.meeting}"

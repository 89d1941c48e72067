"""Proxies and delegates' weights, as the standing orders allow.

A ``ProxyAppointment`` says that ``holder`` votes for ``principal`` at one
meeting. A proxy's vote in an open or counted-hands vote is an
``OpenVoteCast`` with its ``holder`` set (the same table as a vote in person,
so one member has one vote); a secret vote's proxy papers are cast
through the ballots app like any other paper, so nothing records which paper
was cast for which principal. ``MeetingDelegate`` gives a delegate at a
delegate meeting the weight of the unit they represent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ProxyAppointment(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="proxy_appointments")
    principal = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appointed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "principal"], condition=Q(revoked_at__isnull=True), name="one_proxy_per_principal"
            ),
            models.CheckConstraint(condition=~Q(principal=F("holder")), name="proxy_not_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} holds {self.principal}'s proxy at {self.meeting}"


class MeetingDelegate(models.Model):
    """At a delegate meeting, a delegate carries the weight of the unit
    (a branch) they represent in open and counted votes."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="delegates")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    represents = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveIntegerField(help_text="Votes the delegate carries (for example the branch's members).")

    class Meta:
        ordering = ["represents__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="delegate_once"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="delegate_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.represents} ({self.weight})"

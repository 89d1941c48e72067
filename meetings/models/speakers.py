"""The speakers' list: members present ask to speak; the chair calls them.

The order is computed (``meetings.selectors.speakers_queue``) from the
standing orders' policy; a row's ``position`` is set only when the chair
reorders by hand. ``gender`` is what the member states when asking, if they
choose to: it is never inferred and is used only for alternation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SpeakerRequest(models.Model):
    class Kind(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        POINT_OF_ORDER = "order", "Point of order"
        INFORMATION = "information", "Point of information"

    class Gender(models.TextChoices):
        NOT_STATED = "", "Prefer not to say"
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non_binary", "Non-binary or another gender"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SPEAKING = "speaking", "Speaking"
        DONE = "done", "Spoke"
        WITHDRAWN = "withdrawn", "Withdrawn"

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="speaker_requests")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="speaker_requests"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    position = models.PositiveIntegerField(null=True, blank=True, help_text="Set when the chair reorders by hand.")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the chair called the speaker.")
    clock_started_at = models.DateTimeField(null=True, blank=True, help_text="Set while the clock runs.")
    elapsed_seconds = models.PositiveIntegerField(default=0, help_text="Time spoken before the clock last stopped.")
    limit_seconds = models.PositiveIntegerField(default=180)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting"], condition=Q(state="speaking"), name="one_speaker_at_a_time"),
            models.UniqueConstraint(
                fields=["meeting", "agenda_item", "person", "kind"],
                condition=Q(state="waiting"),
                name="speaker_request_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"

"""Meetings, their standing orders, agenda and attendance."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models

from governance.models import Unit

ROOM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_room_code() -> str:
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(6))


def new_projector_token() -> str:
    """The secret part of a meeting's projector address (rotatable)."""
    return secrets.token_urlsafe(24)


class StandingOrders(models.Model):
    """The numbers a unit's standing orders set. A unit without a row uses
    the defaults below (see ``selectors.standing_orders_for``)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="standing_orders")
    seconders_required = models.PositiveSmallIntegerField(default=2)
    amendment_seconders_required = models.PositiveSmallIntegerField(default=1)
    notice_days_agm = models.PositiveSmallIntegerField(default=14, help_text="Clear days.")
    notice_days_general = models.PositiveSmallIntegerField(default=7)
    notice_days_extraordinary = models.PositiveSmallIntegerField(default=7)
    notice_days_committee = models.PositiveSmallIntegerField(default=3)
    motion_deadline_days = models.PositiveSmallIntegerField(default=7, help_text="Days before the meeting.")
    amendment_deadline_days = models.PositiveSmallIntegerField(default=2)
    requisition_signatures = models.PositiveIntegerField(default=20)
    quorum = models.PositiveIntegerField(default=3, help_text="Members present for a quorate general meeting.")
    proxies_allowed = models.BooleanField(default=False, help_text="Members may appoint a proxy to vote for them.")
    proxies_per_holder = models.PositiveSmallIntegerField(
        default=1, help_text="At most this many proxies a member holds."
    )
    proxies_same_unit_only = models.BooleanField(
        default=True, help_text="A proxy must be a member entitled to attend the same meeting."
    )
    proxy_deadline_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Proxies are appointed or revoked at least this many hours before the meeting."
    )
    speech_seconds = models.PositiveIntegerField(default=180, help_text="Time limit of one speech, in seconds.")
    first_time_speakers_first = models.BooleanField(
        default=True, help_text="Speakers' list: those who have not spoken yet on the item go before those who have."
    )
    alternate_by_gender = models.BooleanField(
        default=False,
        help_text="Speakers' list: alternate by the gender speakers state when they ask (optional, never inferred).",
    )
    open_votes_public = models.BooleanField(
        default=False,
        help_text=(
            "Anyone, signed in or not, may read the names recorded in open votes. "
            "Otherwise only the unit's members and those who run its meetings can."
        ),
    )

    class Meta:
        verbose_name_plural = "standing orders"

    def __str__(self) -> str:
        return f"Standing orders of {self.unit}"


ORDERS_FIELDS = (
    "seconders_required", "amendment_seconders_required", "notice_days_agm", "notice_days_general",
    "notice_days_extraordinary", "notice_days_committee", "motion_deadline_days", "amendment_deadline_days",
    "requisition_signatures", "quorum", "proxies_allowed", "proxies_per_holder", "proxies_same_unit_only",
    "proxy_deadline_hours", "speech_seconds", "first_time_speakers_first", "alternate_by_gender",
    "open_votes_public",
)  # fmt: skip


class StandingOrdersVersion(models.Model):
    """Every version of a unit's standing orders, kept: ``values`` holds the
    numbers of ``ORDERS_FIELDS`` as they were from ``changed_at``. The live
    row is ``StandingOrders``; this is its history, written by
    ``services.standing_orders.standing_orders_update``."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="standing_orders_versions")
    number = models.PositiveIntegerField()
    values = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["unit", "-number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="standing_orders_version_once")]

    def __str__(self) -> str:
        return f"Standing orders of {self.unit}, version {self.number}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        AGM = "agm", "Annual general meeting"
        GENERAL = "general", "General meeting"
        COMMITTEE = "committee", "Committee meeting"
        EXTRAORDINARY = "extraordinary", "Extraordinary general meeting"

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        NOTICE_SENT = "notice_sent", "Notice sent"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="meetings")
    body = models.ForeignKey(
        "governance.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="For a committee meeting: the body whose members attend.",
    )
    kind = models.CharField(max_length=14, choices=Kind.choices)
    title = models.CharField(max_length=200)
    place = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    notice_days = models.PositiveSmallIntegerField()
    motion_deadline_days = models.PositiveSmallIntegerField(default=7)
    amendment_deadline_days = models.PositiveSmallIntegerField(default=2)
    quorum = models.PositiveIntegerField()
    room_code = models.CharField(max_length=8, default=new_room_code)
    room_code_shown = models.BooleanField(
        default=False, help_text="Whether the projector shows the check-in code (the chair's choice)."
    )
    projector_token = models.CharField(max_length=64, default=new_projector_token, unique=True)
    requisition = models.OneToOneField(
        "meetings.Requisition", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the chair opened it.")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When the chair closed it.")
    standing_orders = models.JSONField(
        default=dict,
        blank=True,
        help_text="The standing orders the meeting started with (set at the start; later changes apply from the next).",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The officer who opened the meeting and chaired it (for the minutes).",
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every write, for optimistic locking.")

    class Meta:
        ordering = ["-starts_at", "id"]
        indexes = [models.Index(fields=["state", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def held_at(self) -> dt.datetime:
        """When the meeting was held: when it was opened, or until then when
        it is called for. Minutes and lists of past meetings use this, so a
        meeting opened early is not filed under the day it was called for."""
        return self.started_at or self.starts_at

    @property
    def notice_due_at(self) -> dt.datetime:
        """When notice must go out: ``notice_days`` *clear* days before, so
        neither the day of sending nor the day of the meeting counts."""
        return self.starts_at - dt.timedelta(days=self.notice_days + 1)

    @property
    def motions_close_at(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(days=self.motion_deadline_days)

    @property
    def amendments_close_at(self) -> dt.datetime:
        return self.starts_at - dt.timedelta(days=self.amendment_deadline_days)


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        MINUTES = "minutes", "Minutes of the last meeting"
        REPORT = "report", "Report"
        ACCOUNTS = "accounts", "Accounts to approve"
        MOTION = "motion", "Motion"
        ELECTION = "election", "Election"
        AOB = "aob", "Any other business"

    class State(models.TextChoices):
        PENDING = "pending", "To come"
        CURRENT = "current", "Now"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="Markdown: the report, or what the item is about.")
    motion = models.ForeignKey(
        "meetings.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    ballot = models.ForeignKey(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    previous_minutes = models.ForeignKey(
        "meetings.Minutes", null=True, blank=True, on_delete=models.PROTECT, related_name="approval_items"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    decision = models.TextField(blank=True, help_text="What the meeting decided; goes into the minutes.")

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "motion"], condition=models.Q(motion__isnull=False), name="agenda_motion_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    class Method(models.TextChoices):
        SELF = "self", "Checked in with the room code"
        SECRETARY = "secretary", "Checked in by an officer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    method = models.CharField(max_length=10, choices=Method.choices)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(auto_now_add=True)
    checked_out_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the member leaves; cleared if they come back."
    )
    late = models.BooleanField(default=False, help_text="Arrived after the first item was taken.")

    class Meta:
        ordering = ["checked_in_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="check_in_once")]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting}"

"""Deliberation: a members' discussion thread on each motion and amendment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from meetings.models.motions import Amendment, Motion

# The database's backstop; the service refuses posts over
# ``MEETINGS_DISCUSSION_POST_MAX_CHARS`` (smaller) with a clear message.
POST_MAX_CHARS_HARD = 20_000
HIDDEN_REASON_MAX_CHARS = 500


class DiscussionPost(models.Model):
    """One post in the thread of a motion (``amendment`` empty) or of one of
    its amendments. A reply names its ``parent``, always a top-level post of
    the same thread (one level of nesting).

    A post hidden by an officer keeps its text (the audit log names it) but
    no page or API shows it: they show who hid it and why."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="discussion_posts")
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="discussion_posts"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discussion_posts")
    text = models.TextField(help_text="Markdown; rendered sanitised.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.CharField(max_length=HIDDEN_REASON_MAX_CHARS, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["motion", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), POST_MAX_CHARS_HARD), name="discussion_post_text_length"
            ),
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="discussion_post_hidden_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} on {self.motion}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

"""Motions and amendments: proposed, seconded, ruled on and decided."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.models import Unit
from meetings.paragraphs import paragraph_normalise


class Motion(models.Model):
    """A proposal put by a member to a unit's meeting or ballot.

    ``text`` is the current (possibly amended) text; ``original_text`` keeps
    what the proposer submitted, so the amended motion can be shown with its
    changes marked.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted, seeking seconders"
        IN_ORDER = "in_order", "Ruled in order"
        OUT_OF_ORDER = "out_of_order", "Ruled out of order"
        COMPOSITED = "composited", "Composited"
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

    original_text = models.TextField(blank=True)
    body = models.ForeignKey("governance.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="motions")
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="motions"
    )
    constitution_version = models.CharField(
        max_length=100, blank=True, help_text="The version of the constitution this motion amends."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, help_text="Figures or the reason for the outcome.")
    composited_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="composited_from"
    )
    referred_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_decided(self) -> bool:
        return self.state in DECIDED_STATES

    @property
    def is_amended(self) -> bool:
        """Whether amendments changed the text since it was submitted: the
        motion is then shown and voted on as amended, the original kept."""
        return bool(self.original_text) and paragraph_normalise(self.original_text) != paragraph_normalise(self.text)


DECIDED_STATES = frozenset(
    {
        Motion.State.OUT_OF_ORDER,
        Motion.State.COMPOSITED,
        Motion.State.CARRIED,
        Motion.State.LOST,
        Motion.State.WITHDRAWN,
        Motion.State.REMITTED,
        Motion.State.REFERRED,
    }
)


class Seconding(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="secondings")
    seconder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secondings")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "seconder"], name="second_once")]

    def __str__(self) -> str:
        return f"{self.seconder} seconds {self.motion}"


class MotionFollow(models.Model):
    """A member who wants e-mail when the motion changes.

    ``discussion_email`` says how they hear of new posts in its discussion
    (optional mail: only sent while the person's ``optional_email`` is on);
    ``digest_sent_at`` is where the last daily digest stopped."""

    class DiscussionEmail(models.TextChoices):
        EACH = "each", "An e-mail for each new post"
        DIGEST = "digest", "A daily digest of new posts"
        OFF = "off", "No e-mail about the discussion"

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="follows")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="motion_follows")
    discussion_email = models.CharField(max_length=6, choices=DiscussionEmail.choices, default=DiscussionEmail.EACH)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "person"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.person} follows {self.motion}"


class Amendment(models.Model):
    """A proposed change to a motion: to one paragraph of it, or to all of it.

    A paragraph amendment (``paragraph`` set, as OpenSlides amends a motion)
    stores the paragraph's number, its text as the mover saw it
    (``old_paragraph``) and as they want it (``new_paragraph``). When another
    amendment changes the motion first, it is re-based if its own paragraph
    is unchanged (its number moved if paragraphs were added or deleted above
    it) and falls, the reason said in ``outcome_note``, only if that
    paragraph changed.

    A whole-text amendment (``paragraph`` empty) replaces the motion's text:
    it falls whenever the motion changes first, since it was written against
    a text that no longer exists.

    Both keep ``text``, the motion's full text as amended, and ``base_text``,
    the motion's text it applies to (both updated on a re-base): the vote on
    the amendment shows the motion as it would read.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted, seeking seconders"
        SECONDED = "seconded", "Seconded, to be decided"
        ACCEPTED = "accepted", "Accepted as friendly"
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OUT_OF_ORDER = "out_of_order", "Ruled out of order"
        FALLEN = "fallen", "Fell"  # why: in ``outcome_note``

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="amendments")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments")
    summary = models.CharField(max_length=200, help_text="What the amendment does, in a line.")
    text = models.TextField(help_text="The motion's full text as amended.")
    base_text = models.TextField()
    paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The number of the paragraph it changes; empty if it replaces the whole text."
    )
    old_paragraph = models.TextField(blank=True, help_text="The paragraph as the mover saw it.")
    new_paragraph = models.TextField(blank=True, help_text="The paragraph as amended (empty deletes it).")
    state = models.CharField(max_length=14, choices=State.choices, default=State.SUBMITTED)
    seconders_required = models.PositiveSmallIntegerField(default=1)
    ruling_reason = models.TextField(blank=True)
    outcome_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paragraph__isnull=True) | models.Q(paragraph__gte=1),
                name="amendment_paragraph_from_1",
            )
        ]

    def __str__(self) -> str:
        return f"Amendment to {self.motion}: {self.summary}"

    @property
    def is_pending(self) -> bool:
        return self.state in {self.State.SUBMITTED, self.State.SECONDED}


class AmendmentSeconding(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="secondings")
    seconder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amendment", "seconder"], name="second_amendment_once")]

    def __str__(self) -> str:
        return f"{self.seconder} seconds {self.amendment}"

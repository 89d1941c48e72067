"""Forms for the member and officer pages; the services do the real checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from core.glossary import motion_phrase
from meetings import limits
from meetings.models import AgendaItem, Meeting, MeetingVote, Motion, StandingOrders
from meetings.models.meetings import ORDERS_FIELDS


class MotionForm(forms.Form):
    title = forms.CharField(max_length=limits.TITLE)
    text = forms.CharField(
        max_length=limits.MOTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=f"Markdown: *emphasis*, lists, links. At most {limits.MOTION_TEXT:,} characters.",
    )
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), required=False, empty_label="No meeting yet")
    amends_constitution = forms.BooleanField(
        required=False, label="This motion changes the constitution (needs two-thirds)"
    )

    def __init__(self, *args: Any, meetings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class AmendmentForm(forms.Form):
    """The whole text as amended, or (``paragraph`` given) one paragraph as
    amended, with the paragraph as the member read it (``old_paragraph``), so
    a paragraph changed meanwhile is refused rather than overwritten."""

    summary = forms.CharField(max_length=limits.TITLE, label="What the amendment does")
    text = forms.CharField(
        max_length=limits.AMENDMENT_TEXT, widget=forms.Textarea(attrs={"rows": 10}), label="The motion as amended"
    )
    paragraph = forms.IntegerField(required=False, min_value=1, max_value=32767, widget=forms.HiddenInput)
    old_paragraph = forms.CharField(
        required=False, max_length=limits.AMENDMENT_TEXT, strip=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, paragraph: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if paragraph is not None:
            text = self.fields["text"]
            text.label = f"Paragraph {paragraph} as amended"
            text.required = False
            text.help_text = "Leave it empty to delete the paragraph."
            text.widget.attrs["rows"] = 6


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=Meeting.Kind.choices)
    title = forms.CharField(max_length=200, required=False)
    starts_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(max_length=limits.MEETING_PLACE, required=False)
    quorum = forms.IntegerField(min_value=1, required=False, help_text="Leave empty for the standing orders' quorum.")


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(choices=AgendaItem.Kind.choices)
    title = forms.CharField(max_length=200, required=False)
    notes = forms.CharField(max_length=limits.AGENDA_NOTES, widget=forms.Textarea(attrs={"rows": 3}), required=False)
    motion = forms.IntegerField(required=False)
    ballot = forms.IntegerField(required=False)
    previous_minutes = forms.IntegerField(required=False)


class VoteOpenForm(forms.Form):
    mode = forms.ChoiceField(choices=MeetingVote.Mode.choices)
    target = forms.CharField(required=False, help_text="motion:<id>, amendment:<id>, or empty")
    title = forms.CharField(max_length=200, required=False)
    threshold = forms.ChoiceField(choices=MeetingVote.Threshold.choices, required=False)


class HandsForm(forms.Form):
    votes_for = forms.IntegerField(min_value=0, required=False, label="For")
    votes_against = forms.IntegerField(min_value=0, required=False, label="Against")
    abstentions = forms.IntegerField(min_value=0, required=False, label="Abstentions")


class DiscussionPostForm(forms.Form):
    """A post or a reply. ``amendment`` and ``parent`` come from the page."""

    text = forms.CharField(
        label="Your post",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: *emphasis*, lists, links. Members of the unit can read it.",
    )
    amendment = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MEETINGS_DISCUSSION_POST_MAX_CHARS
        field = self.fields["text"]
        field.widget.attrs["maxlength"] = str(limit)
        field.help_text = f"{field.help_text} At most {limit:,} characters."


class SpeakForm(forms.Form):
    """A member in the room asks to speak. Gender is optional and only ever
    what the member states; it serves the alternation rule, if the standing
    orders have one."""

    kind = forms.ChoiceField(
        choices=[
            ("for", "For the motion"),
            ("against", "Against the motion"),
            ("order", "Point of order (goes to the top)"),
            ("information", "Point of information"),
        ],
        widget=forms.RadioSelect,
        label="How do you want to speak?",
    )
    gender = forms.ChoiceField(
        choices=[
            ("", "Prefer not to say"),
            ("woman", "Woman"),
            ("man", "Man"),
            ("non_binary", "Non-binary or another gender"),
        ],
        required=False,
        label="Your gender (optional)",
        help_text="Only if you want to say: the chair alternates speakers by the gender they state, "
        "where the standing orders ask for it. Nobody's gender is guessed.",
    )


class StandingOrdersForm(forms.ModelForm):
    """The unit's standing orders, every number on one page (the service
    checks them again and keeps the version)."""

    note = forms.CharField(
        required=False, max_length=200, label="Note on this change", help_text="For the record, e.g. the decision."
    )

    class Meta:
        model = StandingOrders
        fields = list(ORDERS_FIELDS)
        labels = {
            "seconders_required": "Seconders a motion needs",
            "amendment_seconders_required": "Seconders an amendment needs",
            "notice_days_agm": "Notice of an AGM (clear days)",
            "notice_days_general": "Notice of a general meeting (clear days)",
            "notice_days_extraordinary": "Notice of an extraordinary meeting (clear days)",
            "notice_days_committee": "Notice of a committee meeting (clear days)",
            "motion_deadline_days": "Motions close (days before the meeting)",
            "amendment_deadline_days": "Amendments close (days before the meeting)",
            "requisition_signatures": "Signatures to requisition a meeting",
            "quorum": "Quorum of a general meeting",
            "proxies_allowed": "Members may appoint proxies",
            "proxies_per_holder": "Proxies one member may hold",
            "proxies_same_unit_only": "A proxy must be a member of the unit",
            "proxy_deadline_hours": "Proxies close (hours before the meeting)",
            "speech_seconds": "Length of a speech (seconds)",
            "first_time_speakers_first": "First-time speakers first",
            "alternate_by_gender": "Alternate speakers by stated gender",
            "open_votes_public": "Names in open votes are public",
        }
        widgets = {
            "quorum": forms.NumberInput(attrs={"min": 1}),
            "speech_seconds": forms.NumberInput(attrs={"min": 10, "step": 5}),
            "proxies_per_holder": forms.NumberInput(attrs={"min": 1}),
            "requisition_signatures": forms.NumberInput(attrs={"min": 1}),
        }


class ForwardForm(forms.Form):
    """The meeting of a higher body to forward a carried motion to, by id.

    The page lists the meetings ``selectors.forwarding_targets`` gives as
    radio buttons; any other id reaches the service, which refuses it with
    its reason (not above, closed, past its deadline, already forwarded)
    rather than the form's "not one of the choices"."""

    meeting = forms.IntegerField(min_value=1, label="The meeting to forward it to")


class CompositeForm(forms.Form):
    """Two or more of a meeting's motions, and the composite's title and text."""

    motions = forms.ModelMultipleChoiceField(
        queryset=Motion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="The motions to composite",
        help_text="Two or more motions on the same subject.",
    )
    title = forms.CharField(max_length=limits.TITLE, label="The composite's title")
    text = forms.CharField(
        max_length=limits.MOTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 14}),
        label="The composite's text",
        help_text="Markdown. Prefilled with the chosen motions' texts: edit it into one motion.",
    )

    def __init__(self, *args: Any, motions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["motions"]
        field.queryset = motions  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: f"{m.title} (proposed by {m.proposer}, {motion_phrase(m).lower()})"  # type: ignore[attr-defined]

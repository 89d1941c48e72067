"""Forms for officers' pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from governance.models import Body, GoverningDocument, Membership, Office, Unit


class RollUploadForm(forms.Form):
    file = forms.FileField(
        label="Roll CSV file",
        help_text="Columns: email, joined_on (required); full_name, membership_number, kind, party_member, "
        "status, consent_to_contact (optional). The header is line 1.",
    )
    dry_run = forms.BooleanField(label="Check only (dry run): report what would change, write nothing", required=False)


# --- Officers' forms: bodies, offices, appointments, governing documents. ---
# They validate and render; the services do the work (the views never call
# ``save()`` on a model form).


class DateInput(forms.DateInput):
    """A browser date picker; its value must be ISO whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _today() -> dt.date:
    return timezone.localdate()


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = [
            "name",
            "kind",
            "mandate",
            "mandate_authority",
            "mandate_ends_on",
            "ends_when_elected_body_constituted",
            "seats",
        ]
        labels = {
            "name": "Name",
            "kind": "Kind of body",
            "mandate": "Mandate",
            "mandate_authority": "Authority for its mandate",
            "mandate_ends_on": "Mandate ends on (optional)",
            "ends_when_elected_body_constituted": "Its mandate ends when an elected body is constituted",
            "seats": "Seats (optional)",
        }
        help_texts = {
            "mandate_authority": "The appointment record, meeting or declared ballot it rests on.",
            "seats": "Leave empty for no fixed number.",
        }
        widgets = {"mandate_ends_on": DateInput(), "mandate_authority": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authority = self.fields["mandate_authority"]
        authority.validators.append(MaxLengthValidator(2000))
        authority.widget.attrs["maxlength"] = "2000"

    def clean_seats(self) -> int | None:
        seats: int | None = self.cleaned_data.get("seats")
        if seats is not None and seats < 1:
            raise forms.ValidationError("At least one seat, or leave it empty.")
        return seats


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["title", "term_months", "filled_by", "seats", "body"]
        labels = {
            "title": "Title",
            "term_months": "Term (months)",
            "filled_by": "Filled by",
            "seats": "Seats",
            "body": "Part of a body (optional)",
        }

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body_field = self.fields["body"]
        body_field.queryset = Body.objects.filter(unit=unit, mandate_ended_at__isnull=True)  # type: ignore[attr-defined]
        self.fields["term_months"].validators.append(MinValueValidator(1))
        self.fields["term_months"].validators.append(MaxValueValidator(120))
        self.fields["seats"].validators.append(MinValueValidator(1))


class AppointForm(forms.Form):
    """Appoint a member: found by e-mail or membership number on the unit's roll."""

    person = forms.CharField(
        label="Member's e-mail or membership number",
        max_length=254,
        help_text="They must be an active member of this unit (or of a group below it).",
    )
    starts_on = forms.DateField(label="Starts on", initial=_today, widget=DateInput())
    authority = forms.CharField(
        label="Authority",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="On whose authority: the meeting or minute that made the appointment.",
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_person(self) -> Any:
        value = self.cleaned_data["person"].strip()
        membership = (
            Membership.objects.filter(
                Q(person__email__iexact=value) | Q(membership_number=value),
                unit__path__startswith=self.unit.path,
                status=Membership.Status.ACTIVE,
            )
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if membership is None:
            raise forms.ValidationError(f"Nobody on the roll of {self.unit.name} has that e-mail or number.")
        return membership.person


class EndDateForm(forms.Form):
    """The date a term or a mandate ends: today or earlier."""

    ends_on = forms.DateField(label="Ends on", initial=_today, widget=DateInput())

    def clean_ends_on(self) -> dt.date:
        ends_on: dt.date = self.cleaned_data["ends_on"]
        if ends_on > timezone.localdate():
            raise forms.ValidationError("Give today's date or an earlier one.")
        return ends_on


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of document", choices=GoverningDocument.Kind.choices)
    title = forms.CharField(label="Title", max_length=200, required=False, help_text="Defaults to the kind.")


class DocumentVersionForm(forms.Form):
    text = forms.CharField(
        label="Text of the new version",
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Markdown. At most 200,000 characters.",
    )
    adopted_on = forms.DateField(label="Adopted on", initial=_today, widget=DateInput())
    authority = forms.CharField(
        label="Authority",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The meeting or motion that adopted it.",
    )
    # The version the officer saw (0: none yet), so a newer one adopted meanwhile is not overwritten.
    amends_number = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput())

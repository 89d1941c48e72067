"""Forms for setting ballots up. They validate and render; the services in
``ballots/services/setup.py`` enforce the rules and do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from ballots.models import Ballot, Question
from governance.models import Body, Membership, Office, Unit
from governance.selectors import eligible_memberships

# Names offered as suggestions under the candidate's name field; a larger
# unit's members are still found by typing the name in full.
MEMBER_SUGGESTIONS = 1000


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (ISO value whatever the locale)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _member_by_email(email: str) -> Any:
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise forms.ValidationError(f"No one has an account with the address {email}.")
    return user


class BallotForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    returning_officer_email = forms.EmailField(
        label="Returning officer's e-mail address",
        help_text="An active member of the unit; they run and declare the ballot.",
    )
    nominations_open_at = forms.DateTimeField(
        label="Nominations open (optional)", required=False, widget=DateTimeInput()
    )
    nominations_close_at = forms.DateTimeField(
        label="Nominations close (optional)", required=False, widget=DateTimeInput()
    )
    opens_at = forms.DateTimeField(label="Voting opens", widget=DateTimeInput())
    closes_at = forms.DateTimeField(label="Voting closes", widget=DateTimeInput())
    include_subunits = forms.BooleanField(label="Members of its groups vote too", required=False)
    membership_kinds = forms.MultipleChoiceField(
        label="Who votes",
        choices=Membership.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none for members and supporters alike.",
    )
    party_member_required = forms.BooleanField(label="Only Labour Party members vote", required=False)
    joined_on_or_before = forms.DateField(label="Joined on or before (optional)", required=False, widget=DateInput())
    publish_papers = forms.BooleanField(label="Publish the anonymised papers after declaration", required=False)
    min_electorate_for_papers = forms.IntegerField(
        label="Publish papers only with at least this many voters", min_value=0, max_value=1_000_000
    )
    declare_automatically = forms.BooleanField(
        label="Declare as soon as counted (no review by the returning officer)", required=False
    )
    reminder_hours = forms.IntegerField(
        label="Remind those who have not voted, hours before close", min_value=0, max_value=24 * 60
    )

    def clean_returning_officer_email(self) -> Any:
        return _member_by_email(self.cleaned_data["returning_officer_email"])

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as ``ballot_create``/``ballot_update`` take it."""
        data = dict(self.cleaned_data)
        data["returning_officer"] = data.pop("returning_officer_email")
        data["reminder_before"] = dt.timedelta(hours=data.pop("reminder_hours"))
        return data

    @classmethod
    def initial_for(cls, ballot: Ballot) -> dict[str, Any]:
        return {
            **{name: getattr(ballot, name) for name in cls.base_fields if hasattr(ballot, name)},
            "returning_officer_email": ballot.returning_officer.email,
            "reminder_hours": int(ballot.reminder_before.total_seconds() // 3600),
        }


def parse_minimums(text: str) -> list[dict[str, Any]]:
    """``women: 2, young members: 1`` → ``[{"group": "women", "seats": 2}, …]``."""
    minimums: list[dict[str, Any]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        group, sep, seats = part.rpartition(":")
        if not sep or not group.strip() or not seats.strip().isdigit():
            raise forms.ValidationError("Write each minimum as group: seats, separated by commas (women: 2).")
        minimums.append({"group": group.strip(), "seats": int(seats.strip())})
    return minimums


def format_minimums(minimums: list[dict[str, Any]]) -> str:
    return ", ".join(f"{m['group']}: {m['seats']}" for m in minimums)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Question.Kind.choices)
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(label="Text (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(
        label="Counting method (elections)",
        choices=[c for c in Question.Method.choices if c[0] != Question.Method.MOTION],
        required=False,
    )
    seats = forms.IntegerField(label="Seats (elections)", min_value=1, max_value=500, initial=1, required=False)
    threshold = forms.ChoiceField(
        label="Majority needed (motions)", choices=Question.Threshold.choices, initial=Question.Threshold.SIMPLE
    )
    quorum = forms.IntegerField(label="Quorum, in papers (optional)", min_value=1, required=False)
    minimums = forms.CharField(
        label="Equality minimums (optional, STV)",
        required=False,
        max_length=1000,
        help_text="For example: women: 2, BAME: 1 — matched against each candidate's groups.",
    )
    seconders_for_nomination = forms.IntegerField(
        label="Seconders a nomination needs (elections)", min_value=0, max_value=100, initial=0, required=False
    )
    include_ron = forms.BooleanField(label="Offer RON (re-open nominations)", required=False)
    office = forms.ModelChoiceField(label="Office it fills (optional)", queryset=Office.objects.none(), required=False)
    body = forms.ModelChoiceField(label="Body it fills (optional)", queryset=Body.objects.none(), required=False)

    def __init__(self, *args: Any, unit: Unit, kind: str | None = None, **kwargs: Any) -> None:
        """``kind`` given: editing a question of that kind, which keeps it."""
        super().__init__(*args, **kwargs)
        self.question_kind = kind
        self.fields["office"].queryset = Office.objects.filter(unit=unit).order_by("title")  # type: ignore[attr-defined]
        self.fields["body"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            unit=unit, mandate_ended_at__isnull=True
        ).order_by("name")
        if kind is not None:
            del self.fields["kind"]

    def clean_minimums(self) -> list[dict[str, Any]]:
        return parse_minimums(self.cleaned_data.get("minimums") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.question_kind or data.get("kind")
        if kind == Question.Kind.ELECTION and not data.get("method"):
            self.add_error("method", "Choose how the election is counted.")
        if kind == Question.Kind.ELECTION and not data.get("seats") and "seats" not in self.errors:
            self.add_error("seats", "Say how many seats the election fills.")
        return data

    def service_kwargs(self, kind: str) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("kind", None)
        data["seconders_for_nomination"] = data.get("seconders_for_nomination") or 0
        if kind == Question.Kind.MOTION:
            data.update(method=Question.Method.MOTION, seats=1, include_ron=False, minimums=[])
        return data

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "title": question.title,
            "text": question.text,
            "method": question.method if question.method != Question.Method.MOTION else "",
            "seats": question.seats,
            "threshold": question.threshold,
            "quorum": question.quorum,
            "minimums": format_minimums(question.minimums),
            "seconders_for_nomination": question.seconders_for_nomination,
            "include_ron": question.include_ron,
            "office": question.office_id,
            "body": question.body_id,
        }


class MemberNameInput(forms.TextInput):
    """A text box with the unit's members' names as suggestions (an HTML
    ``<datalist>``): the browser offers matching names as you type, screen
    readers announce them, and with no suggestions shown (or no script at
    all) typing the name in full still works."""

    template_name = "ballots/manage/_member_name_input.html"

    def __init__(self, names: list[str] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off"})
        self.names = names or []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-members"
        context["widget"]["attrs"]["list"] = list_id
        context["list_id"] = list_id
        context["names"] = self.names
        return context


def _unit_members(ballot: Ballot) -> Any:
    return get_user_model().objects.filter(
        pk__in=eligible_memberships(unit=ballot.unit, include_subunits=ballot.include_subunits).values("person_id"),
        is_active=True,
    )


class OptionForm(forms.Form):
    candidate_name = forms.CharField(
        label="Candidate (a member): their name",
        required=False,
        max_length=150,
        help_text="Start typing and choose from the members' names. Or give the e-mail address below.",
    )
    candidate_email = forms.EmailField(
        label="…or the candidate's e-mail address",
        required=False,
        help_text="Leave both empty to put a name on the paper without an account.",
    )
    label = forms.CharField(label="Name on the paper", max_length=200, required=False)
    statement = forms.CharField(
        label="Statement (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    groups = forms.CharField(
        label="Equality groups (optional)", required=False, max_length=500, help_text="Comma-separated, e.g. women"
    )
    is_ron = forms.BooleanField(label="This is RON (re-open nominations)", required=False)

    def __init__(self, *args: Any, ballot: Ballot | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        names: list[str] = []
        if ballot is not None:
            names = list(
                _unit_members(ballot)
                .exclude(full_name="")
                .order_by("full_name")
                .values_list("full_name", flat=True)
                .distinct()[:MEMBER_SUGGESTIONS]
            )
        self.fields["candidate_name"].widget = MemberNameInput(names)

    def clean_candidate_email(self) -> Any:
        email = self.cleaned_data.get("candidate_email") or ""
        return _member_by_email(email) if email else None

    def clean_candidate_name(self) -> Any:
        """The unit's one member of that name; two of the same name must be
        told apart by e-mail address."""
        name = " ".join((self.cleaned_data.get("candidate_name") or "").split())
        if not name or self.ballot is None:
            return None
        found = list(_unit_members(self.ballot).filter(full_name__iexact=name)[:2])
        if not found:
            raise forms.ValidationError(f"No member of {self.ballot.unit.name} is called {name}.")
        if len(found) > 1:
            raise forms.ValidationError(f"More than one member is called {name}: give the e-mail address instead.")
        return found[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_name, by_email = data.get("candidate_name"), data.get("candidate_email")
        if by_name is not None and by_email is not None and by_name != by_email:
            raise forms.ValidationError("The name and the e-mail address are of two different members: give one.")
        named = data.get("is_ron") or by_name or by_email or (data.get("label") or "").strip()
        if not named and not self.errors:
            raise forms.ValidationError("Give a member's name or e-mail address, a name for the paper, or tick RON.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        by_name, by_email = data.pop("candidate_name"), data.pop("candidate_email")
        data["candidate"] = by_name or by_email
        data["groups"] = [g for g in (data.get("groups") or "").split(",") if g.strip()]
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason for cancelling", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Reason for re-opening", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ClosingTimeForm(forms.Form):
    closes_at = forms.DateTimeField(label="New closing time", widget=DateTimeInput())
    reason = forms.CharField(
        label="Why it changes (members are told)", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

"""Forms: supporter sign-up (added to allauth's), claiming, preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.client_ip import client_ip
from core.text import name_problem
from governance.models import Membership, Unit


class SupporterSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: a stranger may register only
    as a *supporter*, and only of a unit that allows it. Members come from the
    roll and claim their account by invitation instead."""

    full_name = forms.CharField(max_length=150, label="Full name")
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(allows_supporter_signup=True).order_by("name"),
        label="Group to support",
        empty_label="Choose a group",
        help_text="You join as a supporter; the group's officers can see that you signed up.",
    )

    def clean_full_name(self) -> str:
        full_name = str(self.cleaned_data["full_name"]).strip()
        problem = name_problem(full_name)
        if problem:
            raise forms.ValidationError(f"Your name {problem}.")
        return full_name

    @transaction.atomic
    def signup(self, request: HttpRequest, user: User) -> None:
        """Called by allauth once the user row exists."""
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        unit: Unit = self.cleaned_data["unit"]
        membership, _ = Membership.objects.get_or_create(
            person=user,
            unit=unit,
            defaults={"kind": Membership.Kind.SUPPORTER, "joined_on": timezone.localdate()},
        )
        audit_record(
            actor=user,
            action="supporter_signed_up",
            obj=membership,
            unit=unit,
            ip_address=client_ip(request),
        )


class ClaimForm(SetPasswordForm):  # type: ignore[type-arg]
    """Choose a password for an invited account (Django's validators apply)."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "Repeat the password"


class PreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["optional_email", "attention_digest"]
        labels = {
            "optional_email": "Send me optional news by e-mail",
            "attention_digest": "E-mail me what needs my attention",
        }
        help_texts = {
            "optional_email": "Notices the rules require, such as notices of poll and results, are always sent.",
            "attention_digest": "At most one e-mail a day, and only when something new is on the list on your "
            "page (a ballot to vote in, a motion to second, a result to declare). Separate from optional news.",
        }

"""Forms for officers' pages."""

from __future__ import annotations

from django import forms


class RollUploadForm(forms.Form):
    file = forms.FileField(
        label="Roll CSV file",
        help_text="Columns: email, joined_on (required); full_name, membership_number, kind, party_member, "
        "status, consent_to_contact (optional). The header is line 1.",
    )
    dry_run = forms.BooleanField(label="Check only (dry run): report what would change, write nothing", required=False)


class RemoveMeForm(forms.Form):
    confirm_email = forms.EmailField(label="Type your e-mail address to confirm")

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean_confirm_email(self) -> str:
        value: str = self.cleaned_data["confirm_email"]
        if value.strip().lower() != self.email.lower():
            raise forms.ValidationError("That is not the e-mail address of this account.")
        return value

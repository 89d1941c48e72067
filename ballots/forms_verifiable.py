"""The returning officer's choice of the verifiable mode: trustees, credential authority, who may
download the full record. Fields only; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from ballots.models import VerifiableElection
from governance.models import Membership


class VerifiableForm(forms.Form):
    trustees = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Members of the unit who each hold one share of the election key, in the order listed. "
        "Choose people who will be there after the close.",
    )
    threshold = forms.IntegerField(
        required=False,
        min_value=1,
        label="How many trustees must decrypt (t of n)",
        help_text="Leave empty for every trustee (t = n). Any t of the n trustees together can decrypt every "
        "vote; t \u2212 1 of them cannot decrypt anything. If n \u2212 t + 1 of them refuse or lose their key, "
        "there is no result. With t below n the trustees make their keys together in three steps before voting "
        "opens.",
    )
    credential_authority = forms.ChoiceField(
        choices=VerifiableElection.CredentialAuthority.choices,
        initial=VerifiableElection.CredentialAuthority.SERVER,
        widget=forms.RadioSelect,
        label="Who makes the voters' credentials",
    )
    credential_authority_name = forms.CharField(
        required=False, max_length=200, label="The credential authority's name (if not the server)"
    )
    public_credentials = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Public credentials (if not the server)",
        help_text="The public_creds.json that belenios-tool setup generate-credentials wrote; one per voter.",
    )
    record_access = forms.ChoiceField(
        choices=VerifiableElection.RecordAccess.choices,
        initial=VerifiableElection.RecordAccess.SCRUTINEERS,
        widget=forms.RadioSelect,
        label="Who may download the full record once decryption starts",
    )

    def __init__(self, *args: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Membership.objects.filter(unit=unit, status=Membership.Status.ACTIVE).values("person_id")
        field = self.fields["trustees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        field.queryset = get_user_model().objects.filter(pk__in=people, is_active=True).order_by("full_name", "pk")


class TrusteeUploadForm(forms.Form):
    """A trustee's upload (as text): their public key, or a threshold ceremony's step (certificate,
    polynomial, voutput); a shuffle; a partial decryption."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("key", "certificate", "polynomial", "voutput", "shuffle", "decryption")]
    )
    text = forms.CharField(max_length=50_000_000, strip=True)

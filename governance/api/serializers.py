"""Output serializers for the governance API."""

from __future__ import annotations

from rest_framework import serializers


class UnitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()
    governance_status = serializers.CharField()
    parent = serializers.CharField(source="parent.slug", allow_null=True, default=None)  # type: ignore[assignment]
    meeting_place = serializers.CharField()
    description = serializers.CharField()


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class BodyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.slug")
    name = serializers.CharField()
    kind = serializers.CharField()
    mandate = serializers.CharField()
    mandate_authority = serializers.CharField()
    mandate_ends_on = serializers.DateField(allow_null=True)
    ends_when_elected_body_constituted = serializers.BooleanField()
    mandate_ended_at = serializers.DateTimeField(allow_null=True)
    seats = serializers.IntegerField(allow_null=True)
    is_current = serializers.BooleanField()


class OfficeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.slug")
    body = serializers.IntegerField(source="body_id", allow_null=True)
    title = serializers.CharField()
    term_months = serializers.IntegerField()
    filled_by = serializers.CharField()
    seats = serializers.IntegerField()
    vacancies = serializers.IntegerField()
    holders = PersonOutput(many=True, source="current_holders")


class HoldingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonOutput()
    office = serializers.IntegerField(source="office_id", allow_null=True)
    body = serializers.IntegerField(source="body_id", allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    authority = serializers.CharField()
    ballot_question = serializers.IntegerField(source="ballot_question_id", allow_null=True)
    is_current = serializers.BooleanField()


class MembershipOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonOutput()
    email = serializers.EmailField(source="person.email")
    membership_number = serializers.CharField()
    kind = serializers.CharField()
    party_member = serializers.BooleanField()
    joined_on = serializers.DateField()
    status = serializers.CharField()
    consent_to_contact = serializers.BooleanField()


class RowErrorOutput(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class RollImportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.slug")
    filename = serializers.CharField()
    dry_run = serializers.BooleanField()
    state = serializers.CharField()
    progress = serializers.DictField(source="progress_data")
    summary = serializers.DictField()
    row_errors = RowErrorOutput(many=True, source="errors")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.slug")
    kind = serializers.CharField()
    title = serializers.CharField()


class DocumentVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    number = serializers.IntegerField()
    text = serializers.CharField()
    adopted_on = serializers.DateField()
    authority = serializers.CharField()
    amends_number = serializers.IntegerField(allow_null=True)

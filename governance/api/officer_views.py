"""Governance REST API for officers: bodies, offices, appointments, documents.

One class per operation, each with its ``Input`` serializer; the work is
done by the same services the officers' pages call. Only officers of the unit
(or above it) and national administrators may write; where the unit demands
two-factor authentication of its officers, so does the API (403
``mfa_required``). Errors are ``{"code", "message"}``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.access import access_in_unit, access_unit
from governance.api import serializers as out
from governance.api.views import ERROR
from governance.gate import Act
from governance.models import Body, GoverningDocument, Holding, Office, Unit
from governance.services import bodies as body_services
from governance.services.documents import document_create, document_version_adopt
from governance.services.holdings import holding_appoint, holding_end

WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


class OfficerApi(APIView):
    permission_classes = [permissions.IsAuthenticated]


def _office_output(office: Office) -> dict[str, Any]:
    office = Office.objects.select_related("unit").get(pk=office.pk)
    office.current_holders = [h.person for h in office.holdings.filter(ends_on__isnull=True).select_related("person")]  # type: ignore[attr-defined]
    return dict(out.OfficeOutput(office).data)


class BodyCreateApi(OfficerApi):
    """Set up a body in a unit."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "BodyCreateInput"

        name = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=Body.Kind.choices)
        mandate = serializers.ChoiceField(choices=Body.Mandate.choices)
        mandate_authority = serializers.CharField()
        mandate_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
        seats = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=1000)
        ends_when_elected_body_constituted = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=Input, responses={201: out.BodyOutput, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        unit = access_unit(request.user, slug, Act.MANAGE_UNIT)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        body = body_services.body_create(unit=unit, actor=request.user, **data.validated_data)
        return Response(out.BodyOutput(body).data, status=status.HTTP_201_CREATED)


class BodyUpdateApi(OfficerApi):
    """Change a current body: send only the fields to change."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "BodyUpdateInput"

        name = serializers.CharField(max_length=200, required=False)
        kind = serializers.ChoiceField(choices=Body.Kind.choices, required=False)
        mandate = serializers.ChoiceField(choices=Body.Mandate.choices, required=False)
        mandate_authority = serializers.CharField(required=False)
        mandate_ends_on = serializers.DateField(required=False, allow_null=True)
        seats = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
        ends_when_elected_body_constituted = serializers.BooleanField(required=False)

    @extend_schema(request=Input, responses={200: out.BodyOutput, **WRITE_ERRORS})
    def patch(self, request: Request, body_id: int) -> Response:
        body = access_in_unit(request.user, Body.objects.select_related("unit"), body_id, Act.MANAGE_UNIT, what="body")
        data = self.Input(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        body = body_services.body_update(body=body, data=dict(data.validated_data), actor=request.user)
        return Response(out.BodyOutput(body).data)


class BodyMandateEndApi(OfficerApi):
    """End a body's mandate (and every current seat on it) on a date, today or earlier."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "BodyMandateEndInput"

        ends_on = serializers.DateField()

    @extend_schema(request=Input, responses={200: out.BodyOutput, **WRITE_ERRORS})
    def post(self, request: Request, body_id: int) -> Response:
        body = access_in_unit(request.user, Body.objects.select_related("unit"), body_id, Act.MANAGE_UNIT, what="body")
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        body = body_services.body_mandate_end(body=body, ends_on=data.validated_data["ends_on"], actor=request.user)
        return Response(out.BodyOutput(body).data)


class OfficeCreateApi(OfficerApi):
    """Set up an office in a unit; it starts vacant."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "OfficeCreateInput"

        title = serializers.CharField(max_length=120)
        term_months = serializers.IntegerField(min_value=1, max_value=120, default=12)
        filled_by = serializers.ChoiceField(choices=Office.FilledBy.choices, default=Office.FilledBy.ELECTION)
        seats = serializers.IntegerField(min_value=1, max_value=1000, default=1)
        body = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Body id.")

    @extend_schema(request=Input, responses={201: out.OfficeOutput, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        unit = access_unit(request.user, slug, Act.MANAGE_UNIT)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["body"] = _body_of(unit, values.get("body"))
        office = body_services.office_create(unit=unit, actor=request.user, **values)
        return Response(_office_output(office), status=status.HTTP_201_CREATED)


def _body_of(unit: Unit, body_id: int | None) -> Body | None:
    if body_id is None:
        return None
    body = Body.objects.filter(pk=body_id, unit=unit).first()
    if body is None:
        raise serializers.ValidationError({"body": [f"{unit.name} has no body {body_id}."]})
    return body


class OfficeUpdateApi(OfficerApi):
    """Change an office: send only the fields to change."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "OfficeUpdateInput"

        title = serializers.CharField(max_length=120, required=False)
        term_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
        filled_by = serializers.ChoiceField(choices=Office.FilledBy.choices, required=False)
        seats = serializers.IntegerField(min_value=1, max_value=1000, required=False)
        body = serializers.IntegerField(required=False, allow_null=True, help_text="Body id.")

    @extend_schema(request=Input, responses={200: out.OfficeOutput, **WRITE_ERRORS})
    def patch(self, request: Request, office_id: int) -> Response:
        office = access_in_unit(
            request.user, Office.objects.select_related("unit"), office_id, Act.MANAGE_UNIT, what="office"
        )
        data = self.Input(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "body" in values:
            values["body"] = _body_of(office.unit, values["body"])
        office = body_services.office_update(office=office, data=values, actor=request.user)
        return Response(_office_output(office))


class _AppointInput(serializers.Serializer):
    class Meta:
        ref_name = "AppointInput"

    person = serializers.IntegerField(help_text="Id of the person; an active member of the unit.")
    starts_on = serializers.DateField()
    authority = serializers.CharField(max_length=2000)


def _person(person_id: int) -> Any:
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        raise serializers.ValidationError({"person": ["There is no such person."]})
    return person


class _AppointApi(OfficerApi):
    """Appointing to a seat (an office or a body): the same input and answer."""

    Input = _AppointInput

    def appoint(self, request: Request, *, unit: Any, **seat: Any) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        holding = holding_appoint(person=_person(values.pop("person")), actor=request.user, **seat, **values)
        return Response(out.HoldingOutput(holding).data, status=status.HTTP_201_CREATED)


class OfficeAppointApi(_AppointApi):
    """Appoint a member to an office filled by appointment."""

    @extend_schema(request=_AppointInput, responses={201: out.HoldingOutput, **WRITE_ERRORS})
    def post(self, request: Request, office_id: int) -> Response:
        office = access_in_unit(
            request.user, Office.objects.select_related("unit"), office_id, Act.MANAGE_UNIT, what="office"
        )
        return self.appoint(request, unit=office.unit, office=office)


class BodyAppointApi(_AppointApi):
    """Appoint a member to a seat on a body."""

    @extend_schema(request=_AppointInput, responses={201: out.HoldingOutput, **WRITE_ERRORS})
    def post(self, request: Request, body_id: int) -> Response:
        body = access_in_unit(request.user, Body.objects.select_related("unit"), body_id, Act.MANAGE_UNIT, what="body")
        return self.appoint(request, unit=body.unit, body=body)


class HoldingEndApi(OfficerApi):
    """End a term, today or on an earlier date. The holding stays, for history."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "HoldingEndInput"

        ends_on = serializers.DateField()

    @extend_schema(request=Input, responses={200: out.HoldingOutput, **WRITE_ERRORS})
    def post(self, request: Request, holding_id: int) -> Response:
        holding = access_in_unit(
            request.user,
            Holding.objects.select_related("person", "office__unit", "body__unit"),
            holding_id,
            Act.MANAGE_UNIT,
            what="holding",
            unit_of=lambda found: (found.office or found.body).unit,  # type: ignore[union-attr]
        )
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        holding = holding_end(holding=holding, ends_on=data.validated_data["ends_on"], actor=request.user)
        return Response(out.HoldingOutput(holding).data)


class DocumentCreateApi(OfficerApi):
    """Create a unit's constitution or standing orders (one of each), with no text yet."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "DocumentCreateInput"

        kind = serializers.ChoiceField(choices=GoverningDocument.Kind.choices)
        title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={201: out.DocumentOutput, **WRITE_ERRORS})
    def post(self, request: Request, slug: str) -> Response:
        unit = access_unit(request.user, slug, Act.MANAGE_UNIT)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        document = document_create(unit=unit, actor=request.user, **data.validated_data)
        return Response(out.DocumentOutput(document).data, status=status.HTTP_201_CREATED)


class DocumentVersionAdoptApi(OfficerApi):
    """Adopt the next numbered version. ``amends_number`` (the version the text
    was drafted against; 0 for none) makes a stale adoption a 409."""

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "DocumentVersionAdoptInput"

        text = serializers.CharField(trim_whitespace=False)
        adopted_on = serializers.DateField()
        authority = serializers.CharField(max_length=2000)
        amends_number = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)

    @extend_schema(request=Input, responses={201: out.DocumentVersionOutput, **WRITE_ERRORS})
    def post(self, request: Request, document_id: int) -> Response:
        document = access_in_unit(
            request.user,
            GoverningDocument.objects.select_related("unit"),
            document_id,
            Act.MANAGE_UNIT,
            what="document",
        )
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        version = document_version_adopt(document=document, actor=request.user, **data.validated_data)
        return Response(out.DocumentVersionOutput(version).data, status=status.HTTP_201_CREATED)

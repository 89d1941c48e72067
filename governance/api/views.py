"""Governance REST API: read endpoints for the public "who runs it" data,
and the roll (memberships, imports) for officers only."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import ERROR
from governance import selectors
from governance.access import access_in_unit, access_unit
from governance.api import serializers as out
from governance.gate import Act
from governance.models import Body, Holding, Membership, Office, RollImport, Unit
from governance.services.roll_jobs import roll_import_progress_get, roll_import_request


class Pagination(PageNumberPagination):
    page_size = getattr(settings, "GOVERNANCE_API_PAGE_SIZE", 50)
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int | None:
        """Refuse a ``page_size`` that is not a positive whole number (DRF
        would silently use the default, hiding a client's mistake)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise ValidationError({self.page_size_query_param: ["Must be a whole number of at least 1."]})
        return super().get_page_size(request)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        """Refuse a present but empty ``?page=``: DRF reads it as page 1,
        but the schema says a page is a number (the fuzz found it accepted)."""
        if request.query_params.get(self.page_query_param) == "":
            raise ValidationError({self.page_query_param: ["Must be a page number."]})
        return super().get_page_number(request, paginator)


def _bool_param(request: Request, name: str) -> bool | None:
    """True, False, or None when the parameter is absent. Present but empty
    (``?vacant=``) is neither: a 400, as the schema's boolean says."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = raw.lower()
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    raise ValidationError({name: [f"“{raw}” is not true or false."]})


def _choice_param(request: Request, name: str, choices: list[str]) -> str | None:
    """One of ``choices``, or None when the parameter is absent. Present but
    empty (``?kind=``) is not a choice: a 400, as the schema's enum says
    (the fuzz found an empty value answered as if absent)."""
    raw = request.query_params.get(name)
    if raw is not None and raw not in choices:
        raise ValidationError({name: [f"“{raw}” is not one of {', '.join(choices)}."]})
    return raw


def _slug_param(request: Request, name: str) -> str | None:
    """A slug from the query string, or a 400 (never a NUL byte to the database)."""
    raw = request.query_params.get(name)
    if raw and not SLUG.fullmatch(raw):
        raise ValidationError({name: [f"“{raw[:50]}” is not a slug."]})
    return raw or None


def _id_param(request: Request, name: str) -> int | None:
    """A row id, or None when absent or empty. ASCII digits only: ``"²"`` and
    ``"١"`` pass ``str.isdigit`` and ``"²"`` then breaks ``int`` (a 500 the
    fuzz's junk strategy finds); 18 digits at most, within a bigint."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise ValidationError({name: ["Must be an id (a whole number)."]})
    return int(raw)


def _text_param(request: Request, name: str) -> str:
    """A free-text query parameter; NUL is refused (PostgreSQL cannot compare it)."""
    raw = request.query_params.get(name, "")
    if "\x00" in raw:
        raise ValidationError({name: ["Null characters are not allowed."]})
    return raw


def _unit_param(request: Request) -> Unit | None:
    slug = _slug_param(request, "unit")
    if not slug:
        return None
    unit = Unit.objects.filter(slug=slug).first()
    if unit is None:
        raise ValidationError({"unit": [f"There is no unit “{slug}”."]})
    return unit


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
UNIT_PARAM = OpenApiParameter("unit", str, description="Slug of the unit.")
CURRENT_PARAM = OpenApiParameter("current", bool, description="true: current only; false: ended only.")


class UnitListApi(generics.ListAPIView):
    """Units of the network."""

    permission_classes = [permissions.AllowAny]
    serializer_class = out.UnitOutput
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Unit.Kind.values),
            OpenApiParameter("governance_status", str, enum=Unit.GovernanceStatus.values),
            OpenApiParameter("parent", str, description="Slug of the parent unit."),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Unit]:
        units = Unit.objects.select_related("parent").order_by("path")
        kind = _choice_param(self.request, "kind", Unit.Kind.values)
        if kind:
            units = units.filter(kind=kind)
        gs = _choice_param(self.request, "governance_status", Unit.GovernanceStatus.values)
        if gs:
            units = units.filter(governance_status=gs)
        if parent := _slug_param(self.request, "parent"):
            units = units.filter(parent__slug=parent)
        return units


class UnitDetailApi(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = out.UnitOutput
    queryset = Unit.objects.select_related("parent")
    lookup_field = "slug"

    @extend_schema(responses={200: out.UnitOutput, 404: ERROR})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class BodyListApi(generics.ListAPIView):
    """Bodies (reference group, committees, boards), with their mandates."""

    permission_classes = [permissions.AllowAny]
    serializer_class = out.BodyOutput
    pagination_class = Pagination

    @extend_schema(parameters=[UNIT_PARAM, CURRENT_PARAM, OpenApiParameter("mandate", str, enum=Body.Mandate.values)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Body]:
        bodies = Body.objects.select_related("unit").order_by("unit__path", "name", "id")
        if unit := _unit_param(self.request):
            bodies = bodies.filter(unit=unit)
        current = _bool_param(self.request, "current")
        if current is not None:
            bodies = bodies.filter(mandate_ended_at__isnull=current)
        if mandate := _choice_param(self.request, "mandate", Body.Mandate.values):
            bodies = bodies.filter(mandate=mandate)
        return bodies


class OfficeListApi(generics.ListAPIView):
    """Offices, with their current holders and vacancies."""

    permission_classes = [permissions.AllowAny]
    serializer_class = out.OfficeOutput
    pagination_class = Pagination

    @extend_schema(
        parameters=[UNIT_PARAM, OpenApiParameter("vacant", bool, description="true: offices with a vacancy.")]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Office]:
        current = Holding.objects.filter(ends_on__isnull=True).select_related("person")
        offices = (
            Office.objects.select_related("unit")
            .prefetch_related(Prefetch("holdings", queryset=current))
            .order_by("unit__path", "title", "id")
        )
        if unit := _unit_param(self.request):
            offices = offices.filter(unit=unit)
        return offices

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        vacant = _bool_param(request, "vacant")
        offices = list(self.get_queryset())
        for office in offices:
            office.current_holders = [h.person for h in office.current_holdings()]  # type: ignore[attr-defined]
        if vacant is not None:
            offices = [o for o in offices if (o.vacancies > 0) == vacant]
        page: list[Office] | None = self.paginate_queryset(offices)  # type: ignore[arg-type]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class HoldingListApi(generics.ListAPIView):
    """Who has held what, on whose authority: the full history."""

    permission_classes = [permissions.AllowAny]
    serializer_class = out.HoldingOutput
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            UNIT_PARAM,
            CURRENT_PARAM,
            OpenApiParameter("office", int, description="Office id."),
            OpenApiParameter("body", int, description="Body id."),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Holding]:
        return selectors.holding_list(
            unit=_unit_param(self.request),
            office_id=_id_param(self.request, "office"),
            body_id=_id_param(self.request, "body"),
            current=_bool_param(self.request, "current"),
        )


class MembershipListApi(generics.ListAPIView):
    """A unit's roll. Officers of the unit (or above) and administrators only."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = out.MembershipOutput
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Membership.Status.values),
            OpenApiParameter("kind", str, enum=Membership.Kind.values),
            OpenApiParameter("party_member", bool),
            OpenApiParameter("q", str, description="Name, e-mail or membership number."),
        ],
        responses={200: out.MembershipOutput(many=True), 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Membership]:
        unit = access_unit(self.request.user, self.kwargs["slug"], Act.MANAGE_UNIT)
        return selectors.membership_list_for_unit(
            unit=unit,
            status=_choice_param(self.request, "status", Membership.Status.values),
            kind=_choice_param(self.request, "kind", Membership.Kind.values),
            party_member=_bool_param(self.request, "party_member"),
            search=_text_param(self.request, "q").strip()[:100],
        )


def _with_progress(job: RollImport) -> RollImport:
    job.progress_data = roll_import_progress_get(roll_import=job)  # type: ignore[attr-defined]
    return job


class RollImportCreateApi(APIView):
    """Upload a roll CSV; it is imported by the worker. Poll the returned import."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "RollImportCreateInput"

        file = serializers.FileField()
        dry_run = serializers.BooleanField(default=False)

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={202: out.RollImportOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request: Request, slug: str) -> Response:
        unit = access_unit(request.user, slug, Act.MANAGE_UNIT)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = roll_import_request(
            unit=unit,
            uploaded_by=request.user,
            filename=upload.name or "",
            data=upload.read(),
            dry_run=data.validated_data["dry_run"],
        )
        return Response(out.RollImportOutput(_with_progress(job)).data, status=status.HTTP_202_ACCEPTED)


class RollImportDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: out.RollImportOutput, 403: ERROR, 404: ERROR},
        parameters=[OpenApiParameter("import_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    def get(self, request: Request, import_id: int) -> Response:
        job = access_in_unit(
            request.user,
            RollImport.objects.select_related("unit").defer("content"),
            import_id,
            Act.MANAGE_UNIT,
            what="roll import",
        )
        return Response(out.RollImportOutput(_with_progress(job)).data)

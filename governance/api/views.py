"""Governance REST API: read endpoints for the public "who runs it" data,
and the roll (memberships, imports) for officers only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
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
from governance.api import filters
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


class UnitListApi(generics.ListAPIView):
    """Units of the network."""

    permission_classes = [permissions.AllowAny]
    serializer_class = out.UnitOutput
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.UnitFilter

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.select_related("parent").order_by("path")


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
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.BodyFilter

    def get_queryset(self) -> QuerySet[Body]:
        return Body.objects.select_related("unit").order_by("unit__path", "name", "id")


class OfficeListApi(generics.ListAPIView):
    """Offices, with their current holders and vacancies."""

    permission_classes = [permissions.AllowAny]
    serializer_class = out.OfficeOutput
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.OfficeFilter

    def get_queryset(self) -> QuerySet[Office]:
        current = Holding.objects.filter(ends_on__isnull=True).select_related("person")
        return (
            Office.objects.select_related("unit")
            .prefetch_related(Prefetch("holdings", queryset=current))
            .order_by("unit__path", "title", "id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = filters.OfficeFilter(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        offices = list(filterset.qs)
        vacant = filterset.form.cleaned_data.get("vacant")
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
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.HoldingFilter

    def get_queryset(self) -> QuerySet[Holding]:
        return selectors.holding_list()


class MembershipListApi(generics.ListAPIView):
    """A unit's roll. Officers of the unit (or above) and administrators only."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = out.MembershipOutput
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.MembershipFilter

    @extend_schema(responses={200: out.MembershipOutput(many=True), 403: ERROR, 404: ERROR})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):  # the schema, reading the filters' model
            return Membership.objects.none()
        unit = access_unit(self.request.user, self.kwargs["slug"], Act.MANAGE_UNIT)
        return selectors.membership_list_for_unit(unit=unit)


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

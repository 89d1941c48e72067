"""Paper ballots over the API: read one, enter a paper, a second officer's
check, and the count. The same services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import ERRORS
from core.errors import NotFound, NotPermitted
from meetings import permissions as meeting_permissions
from meetings.error_codes import MeetingErrorCode as Code
from meetings.models import PaperCount
from meetings.services.paper import (
    MAX_CANDIDATES,
    paper_count_run,
    paper_entry_add,
    paper_entry_confirm,
    paper_entry_reject,
)


class PaperCountOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    method = serializers.CharField()
    seats = serializers.IntegerField()
    candidates = serializers.ListField(child=serializers.CharField())
    state = serializers.CharField()
    confirmed = serializers.IntegerField()
    awaiting_check = serializers.ListField(child=serializers.DictField())
    result = serializers.DictField()


def _count_for(user: Any, count_id: int) -> PaperCount:
    found = PaperCount.objects.select_related("meeting__unit").filter(pk=count_id).first()
    if found is None:
        raise NotFound(Code.NOT_FOUND, "There is no such paper ballot.")
    if not meeting_permissions.is_officer(user=user, unit=found.meeting.unit):
        raise NotPermitted(Code.NOT_AN_OFFICER, "Only the unit's officers enter paper ballots.")
    return found


def _output(paper_count: PaperCount) -> dict[str, Any]:
    entries = paper_count.entries.filter(rejected=False)
    return {
        "id": paper_count.pk,
        "title": paper_count.title,
        "method": paper_count.method,
        "seats": paper_count.seats,
        "candidates": paper_count.candidates,
        "state": paper_count.state,
        "confirmed": entries.filter(confirmed_by__isnull=False).count(),
        "awaiting_check": [
            {"id": e.pk, "number": e.number, "ranking": [paper_count.candidates[i] for i in e.ranking]}
            for e in entries.filter(confirmed_by__isnull=True)
        ],
        "result": paper_count.result,
    }


class PaperCountApi(APIView):
    """A paper ballot of a meeting, for its officers: papers awaiting a
    check, and the count sheet once counted."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PaperCountOutput, **ERRORS})
    def get(self, request: Request, count_id: int) -> Response:
        return Response(PaperCountOutput(_output(_count_for(request.user, count_id))).data)


class PaperEntryApi(APIView):
    """Enter one paper: the preference number written beside each candidate,
    in the paper's order (empty for none). It counts once another officer
    confirms it."""

    permission_classes = [permissions.IsAuthenticated]

    class PaperInput(serializers.Serializer):
        marks = serializers.ListField(
            child=serializers.CharField(max_length=3, allow_blank=True), max_length=MAX_CANDIDATES
        )

    @extend_schema(
        request=PaperInput,
        responses={
            201: inline_serializer(
                name="PaperEntered", fields={"id": serializers.IntegerField(), "number": serializers.IntegerField()}
            ),
            **ERRORS,
        },
    )
    def post(self, request: Request, count_id: int) -> Response:
        _count_for(request.user, count_id)
        data = self.PaperInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = paper_entry_add(
            count_id=count_id, actor=request.user, marks=dict(enumerate(data.validated_data["marks"]))
        )
        return Response({"id": entry.pk, "number": entry.number}, status=201)


class PaperEntryCheckApi(APIView):
    """A second officer confirms the entered paper matches the paper, or rejects it."""

    permission_classes = [permissions.IsAuthenticated]

    class CheckInput(serializers.Serializer):
        matches = serializers.BooleanField()

    @extend_schema(
        request=CheckInput,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, entry_id: int) -> Response:
        data = self.CheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["matches"]:
            paper_entry_confirm(entry_id=entry_id, actor=request.user)
        else:
            paper_entry_reject(entry_id=entry_id, actor=request.user)
        return Response(status=204)


class PaperCountRunApi(APIView):
    """Count the confirmed papers with the engine (none may await a check)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: PaperCountOutput, **ERRORS})
    def post(self, request: Request, count_id: int) -> Response:
        _count_for(request.user, count_id)
        paper_count = paper_count_run(count_id=count_id, actor=request.user)
        return Response(PaperCountOutput(_output(paper_count)).data)

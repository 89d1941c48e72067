"""Meetings REST API: one class per operation, nested Input/Output
serializers, every write through the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import glossary
from core.api.errors import ERROR, ERRORS
from governance.models import Unit
from meetings import selectors
from meetings.api.filters import MotionFilter
from meetings.diffing import amendment_diff_html
from meetings.lock_objects import vote_get
from meetings.models import Amendment, Meeting, Motion
from meetings.paragraphs import paragraphs_split
from meetings.services import amendments as amendment_services
from meetings.services import motions as motion_services
from meetings.services.attendance import attendance_check_in
from meetings.services.meetings import agenda_item_add
from meetings.services.votes import meeting_vote_cast
from meetings.throttling import CheckInRateThrottle
from meetings.voting_rights import vote_right


class AmendmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    summary = serializers.CharField()
    text = serializers.CharField(help_text="The motion's whole text as amended.")
    base_text = serializers.CharField(help_text="The motion's text the amendment applies to.")
    paragraph = serializers.IntegerField(
        allow_null=True, help_text="The number of the paragraph it changes; null when it replaces the whole text."
    )
    old_paragraph = serializers.CharField(help_text="That paragraph as it reads in the motion (Markdown).")
    new_paragraph = serializers.CharField(help_text="That paragraph as amended; empty deletes it.")
    diff_html = serializers.SerializerMethodField(
        help_text="The paragraphs it changes, numbered, rendered, words deleted in <del> and inserted in <ins>."
    )
    state = serializers.CharField()
    outcome_note = serializers.CharField(help_text="The result, or why it fell.")
    proposer = serializers.CharField(source="proposer.__str__")
    seconders_required = serializers.IntegerField()

    def get_diff_html(self, obj: Amendment) -> str:
        return str(amendment_diff_html(obj))


class MotionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.SlugField(source="unit.slug")
    title = serializers.CharField()
    text = serializers.CharField()
    original_text = serializers.CharField()
    paragraphs = serializers.SerializerMethodField(
        help_text="The text's paragraphs in order: an amendment's `paragraph` is a number in this list, from 1."
    )
    state = serializers.CharField()
    state_phrase = serializers.SerializerMethodField(help_text="The state in words, as every page says it.")
    proposer = serializers.CharField(source="proposer.__str__")
    seconders_required = serializers.IntegerField()
    seconders = serializers.SerializerMethodField()
    amends_constitution = serializers.BooleanField()
    ruling_reason = serializers.CharField()
    outcome_note = serializers.CharField()
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)

    def get_paragraphs(self, obj: Motion) -> list[str]:
        return paragraphs_split(obj.text)

    def get_seconders(self, obj: Motion) -> int:
        return glossary.motion_seconders(obj)

    def get_state_phrase(self, obj: Motion) -> str:
        return glossary.motion_phrase(obj)


def _motion(motion_id: int, request: Request) -> Motion:
    motion = selectors.motion_list(viewer=request.user).filter(pk=motion_id).first()
    if motion is None:
        raise Http404
    return motion


class MotionListApi(generics.GenericAPIView):  # type: ignore[type-arg]
    class MotionListInput(serializers.Serializer):
        unit = serializers.SlugField()
        title = serializers.CharField(max_length=200)
        text = serializers.CharField()
        meeting = serializers.IntegerField(required=False, allow_null=True)
        amends_constitution = serializers.BooleanField(default=False)
        submit = serializers.BooleanField(default=True)

    serializer_class = MotionOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = MotionFilter

    def get_queryset(self) -> QuerySet[Motion]:
        return selectors.motion_list(viewer=self.request.user)

    @extend_schema(responses={200: MotionOutput(many=True), 400: ERROR})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        motions = self.filter_queryset(self.get_queryset())[:500]  # a bad filter is a 400
        return Response(MotionOutput(motions, many=True).data)

    @extend_schema(request=MotionListInput, responses={201: MotionOutput, **ERRORS})
    def post(self, request: Request) -> Response:
        data = self.MotionListInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        unit = Unit.objects.filter(slug=d["unit"]).first()
        if unit is None:
            raise Http404
        meeting = Meeting.objects.filter(pk=d.get("meeting") or 0, unit=unit).first()
        motion = motion_services.motion_create(
            unit=unit,
            proposer=request.user,
            title=d["title"],
            text=d["text"],
            meeting=meeting,
            amends_constitution=d["amends_constitution"],
        )
        if d["submit"]:
            motion = motion_services.motion_submit(motion_id=motion.pk, actor=request.user)
        return Response(MotionOutput(motion).data, status=201)


class MotionDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: MotionOutput, 404: ERROR})
    def get(self, request: Request, motion_id: int) -> Response:
        return Response(MotionOutput(_motion(motion_id, request)).data)


class MotionSecondApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: MotionOutput, **ERRORS})
    def post(self, request: Request, motion_id: int) -> Response:
        _motion(motion_id, request)
        motion_services.motion_second(motion_id=motion_id, seconder=request.user)
        return Response(MotionOutput(_motion(motion_id, request)).data, status=201)


class MotionRuleApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class MotionRuleInput(serializers.Serializer):
        in_order = serializers.BooleanField()
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=MotionRuleInput, responses={200: MotionOutput, **ERRORS})
    def post(self, request: Request, motion_id: int) -> Response:
        data = self.MotionRuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        motion = motion_services.motion_rule(motion_id=motion_id, actor=request.user, **data.validated_data)
        return Response(MotionOutput(motion).data)


class AmendmentListApi(APIView):
    class AmendmentListInput(serializers.Serializer):
        summary = serializers.CharField(max_length=200)
        text = serializers.CharField(
            allow_blank=True,
            trim_whitespace=False,
            help_text="The paragraph as amended (empty deletes it), or without `paragraph` the whole text.",
        )
        paragraph = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=32767, help_text="The paragraph's number."
        )
        old_paragraph = serializers.CharField(
            required=False,
            allow_null=True,
            allow_blank=True,
            trim_whitespace=False,
            help_text="The paragraph as you read it: refused (409 paragraph_changed) if it has changed since.",
        )

    @extend_schema(responses=AmendmentOutput(many=True))
    def get(self, request: Request, motion_id: int) -> Response:
        return Response(AmendmentOutput(_motion(motion_id, request).amendments.all(), many=True).data)

    @extend_schema(request=AmendmentListInput, responses={201: AmendmentOutput, **ERRORS})
    def post(self, request: Request, motion_id: int) -> Response:
        data = self.AmendmentListInput(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = amendment_services.amendment_propose(
            motion_id=motion_id, proposer=request.user, **data.validated_data
        )
        return Response(AmendmentOutput(amendment).data, status=201)


class AmendmentSecondApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: None, **ERRORS})
    def post(self, request: Request, amendment_id: int) -> Response:
        amendment_services.amendment_second(amendment_id=amendment_id, seconder=request.user)
        return Response(status=201)


class AgendaItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    notes = serializers.CharField()
    motion = serializers.IntegerField(source="motion_id", allow_null=True)
    ballot = serializers.IntegerField(source="ballot_id", allow_null=True)
    state = serializers.CharField()
    decision = serializers.CharField()


class MeetingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.SlugField(source="unit.slug")
    kind = serializers.CharField()
    title = serializers.CharField()
    place = serializers.CharField()
    starts_at = serializers.DateTimeField()
    state = serializers.CharField()
    quorum = serializers.IntegerField()
    agenda = AgendaItemOutput(many=True, source="agenda_items.all")


def _meeting(meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_detail(meeting_id=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


class MeetingListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=MeetingOutput(many=True))
    def get(self, request: Request) -> Response:
        meetings = selectors.meeting_list_upcoming().prefetch_related("agenda_items")
        return Response(MeetingOutput(meetings[:200], many=True).data)


class MeetingDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: MeetingOutput, 404: ERROR})
    def get(self, request: Request, meeting_id: int) -> Response:
        return Response(MeetingOutput(_meeting(meeting_id)).data)


class AgendaItemCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class AgendaItemCreateInput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["minutes", "report", "accounts", "motion", "election", "aob"])
        title = serializers.CharField(required=False, allow_blank=True, default="")
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        motion = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(request=AgendaItemCreateInput, responses={201: AgendaItemOutput, **ERRORS})
    def post(self, request: Request, meeting_id: int) -> Response:
        data = self.AgendaItemCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = agenda_item_add(
            meeting_id=meeting_id,
            actor=request.user,
            kind=d["kind"],
            title=d["title"],
            notes=d["notes"],
            motion=Motion.objects.filter(pk=d.get("motion") or 0).first(),
        )
        return Response(AgendaItemOutput(item).data, status=201)


class CheckInApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, CheckInRateThrottle]  # the room code's limit, shared with the page

    class CheckInInput(serializers.Serializer):
        code = serializers.CharField(max_length=20)

    @extend_schema(request=CheckInInput, responses={201: None, **ERRORS})
    def post(self, request: Request, meeting_id: int) -> Response:
        data = self.CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        attendance_check_in(meeting_id=meeting_id, person=request.user, room_code=data.validated_data["code"])
        return Response(status=201)


class AttendanceApi(APIView):
    """Quorum state: how many are present against the quorum."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses=inline_serializer(
            name="Attendance",
            fields={
                "present": serializers.IntegerField(),
                "quorum": serializers.IntegerField(),
                "quorate": serializers.BooleanField(),
            },
        )
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        live = selectors.live_state(meeting=_meeting(meeting_id))
        return Response({"present": live["present"], "quorum": live["quorum"], "quorate": live["quorate"]})


class VoteCastApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class VoteCastInput(serializers.Serializer):
        choice = serializers.ChoiceField(choices=["for", "against", "abstain"])

    @extend_schema(
        request=VoteCastInput,
        responses={
            201: inline_serializer(name="MeetingVoteCast", fields={"receipt": serializers.CharField(allow_null=True)}),
            **ERRORS,
        },
    )
    def post(self, request: Request, vote_id: int) -> Response:
        data = self.VoteCastInput(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = meeting_vote_cast(
            vote_id=vote_id,
            voter=request.user,
            choice=data.validated_data["choice"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response({"receipt": receipt.receipt if receipt else None}, status=201)


class VoteRightApi(APIView):
    """Whether the signed-in member may vote in this meeting vote now, and if
    not, why (the same answer as the page's and the casting service's)."""

    permission_classes = [permissions.IsAuthenticated]

    class VoteRightOutput(serializers.Serializer):
        may_vote = serializers.BooleanField()
        code = serializers.CharField(allow_blank=True)
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(responses={200: VoteRightOutput, 404: ERROR})
    def get(self, request: Request, vote_id: int) -> Response:
        vote = vote_get(vote_id=vote_id)  # NotFound: the handler's 404
        right = vote_right(vote=vote, person=request.user)
        return Response(self.VoteRightOutput({"may_vote": right.may, "code": right.code, "reason": right.reason}).data)

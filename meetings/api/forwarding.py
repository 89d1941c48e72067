"""Forwarding a carried motion to a higher body's meeting, over the API:
the same selectors and service as the page (``services.forwarding``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import ERROR, ERRORS
from meetings import selectors
from meetings.access import visible_motion
from meetings.models import Meeting, Motion, MotionForwarding
from meetings.services.forwarding import motion_forward


class TargetMeetingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit = serializers.SlugField(source="unit.slug")
    starts_at = serializers.DateTimeField()
    motions_close_at = serializers.DateTimeField()


class ForwardingOutput(serializers.Serializer):
    """One forwarding: from which motion (and unit) to which meeting, the
    motion made there, and the branch's record as it was forwarded."""

    original = serializers.IntegerField(source="original_id")
    from_unit = serializers.SlugField(source="original.unit.slug")
    meeting = serializers.IntegerField(source="meeting_id")
    to_unit = serializers.SlugField(source="meeting.unit.slug")
    forwarded = serializers.IntegerField(source="forwarded_id")
    forwarded_at = serializers.DateTimeField()
    text_as_carried = serializers.CharField()
    outcome_as_carried = serializers.CharField()
    seconders = serializers.SerializerMethodField(help_text="The original's seconders, by name.")

    def get_seconders(self, obj: MotionForwarding) -> list[str]:
        return [str(s.seconder) for s in obj.original.secondings.all()]


class MotionForwardingOutput(serializers.Serializer):
    forwarded_from = ForwardingOutput(allow_null=True)
    forwarded_to = ForwardingOutput(many=True)
    targets = TargetMeetingOutput(many=True, help_text="Meetings of the bodies above that take motions now.")


class MotionForwardApi(APIView):
    """Where a motion came from and went to, and where it may go; POST
    forwards a carried motion (its unit's officers)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    class MotionForwardInput(serializers.Serializer):
        meeting = serializers.IntegerField(min_value=1)

    @extend_schema(responses={200: MotionForwardingOutput, 404: ERROR})
    def get(self, request: Request, motion_id: int) -> Response:
        motion = visible_motion(request.user, motion_id)
        history = selectors.forwarding_history(motion=motion)
        targets: list[Meeting] = (
            selectors.forwarding_targets(motion=motion) if motion.state == Motion.State.CARRIED else []
        )
        data: dict[str, Any] = {
            "forwarded_from": history["came_from"],
            "forwarded_to": history["went_to"],
            "targets": targets,
        }
        return Response(MotionForwardingOutput(data).data)

    @extend_schema(request=MotionForwardInput, responses={201: ForwardingOutput, **ERRORS})
    def post(self, request: Request, motion_id: int) -> Response:
        data = self.MotionForwardInput(data=request.data)
        data.is_valid(raise_exception=True)
        forwarding = motion_forward(motion_id=motion_id, meeting_id=data.validated_data["meeting"], actor=request.user)
        return Response(ForwardingOutput(forwarding).data, status=201)

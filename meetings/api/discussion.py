"""The discussion on a motion, over the API: the same services and the same
rule as the page (members of the motion's unit read and post; officers read
and hide). A hidden post's text is never returned: ``text`` is null and
``hidden_reason`` says why."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from meetings import selectors
from meetings.api.views import ERROR, ERRORS
from meetings.error_codes import MeetingErrorCode as Code
from meetings.models import DiscussionPost, Motion
from meetings.services import discussion as services


class DiscussionPostOutput(serializers.Serializer):
    id = serializers.IntegerField()
    motion = serializers.IntegerField(source="motion_id")
    amendment = serializers.IntegerField(source="amendment_id", allow_null=True)
    reply_to = serializers.IntegerField(source="parent_id", allow_null=True, help_text="The post this replies to.")
    author = serializers.CharField(source="author.__str__")
    text = serializers.SerializerMethodField(help_text="Markdown as written; null when hidden by an officer.")
    hidden = serializers.BooleanField(source="is_hidden")
    hidden_reason = serializers.CharField(help_text="Why an officer hid the post; empty if not hidden.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def get_text(self, obj: DiscussionPost) -> str | None:
        return None if obj.is_hidden else obj.text


class DiscussionOutput(serializers.Serializer):
    open = serializers.BooleanField()
    closed_reason = serializers.CharField()
    posts = DiscussionPostOutput(many=True)


def _readable_motion(motion_id: int, request: Request) -> Motion:
    motion = selectors.motion_list(viewer=request.user).filter(pk=motion_id).first()
    if motion is None:
        raise NotFound(Code.NOT_FOUND, "There is no such motion.")
    services.discussion_require_reader(request.user, motion)
    return motion


class DiscussionListApi(APIView):
    """The whole discussion of a motion and its amendments, oldest first."""

    permission_classes = [permissions.IsAuthenticated]

    class DiscussionPostInput(serializers.Serializer):
        text = serializers.CharField(help_text="Markdown; at most MEETINGS_DISCUSSION_POST_MAX_CHARS characters.")
        amendment = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        reply_to = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, help_text="A post to reply to (one level of nesting)."
        )

    @extend_schema(responses={200: DiscussionOutput, 403: ERROR, 404: ERROR})
    def get(self, request: Request, motion_id: int) -> Response:
        motion = _readable_motion(motion_id, request)
        posts = [
            post
            for thread in selectors.discussion_threads(motion=motion).values()
            for top in thread
            for post in (top, *top.thread_replies)
        ]
        posts.sort(key=lambda p: (p.created_at, p.pk))
        closed = services.discussion_closed_reason(motion=motion)
        data: dict[str, Any] = {"open": not closed, "closed_reason": closed, "posts": posts}
        return Response(DiscussionOutput(data).data)

    @extend_schema(request=DiscussionPostInput, responses={201: DiscussionPostOutput, **ERRORS})
    def post(self, request: Request, motion_id: int) -> Response:
        data = self.DiscussionPostInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        post = services.discussion_post_create(
            motion_id=motion_id,
            author=request.user,
            text=d["text"],
            amendment_id=d.get("amendment"),
            parent_id=d.get("reply_to"),
        )
        return Response(DiscussionPostOutput(post).data, status=201)


class DiscussionPostApi(APIView):
    """The author's edit, within the edit window."""

    permission_classes = [permissions.IsAuthenticated]

    class DiscussionEditInput(serializers.Serializer):
        text = serializers.CharField()

    @extend_schema(request=DiscussionEditInput, responses={200: DiscussionPostOutput, **ERRORS})
    def patch(self, request: Request, post_id: int) -> Response:
        data = self.DiscussionEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.discussion_post_edit(post_id=post_id, author=request.user, text=data.validated_data["text"])
        return Response(DiscussionPostOutput(post).data)


class DiscussionHideApi(APIView):
    """An officer hides a post, with the reason readers and the author see."""

    permission_classes = [permissions.IsAuthenticated]

    class DiscussionHideInput(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(request=DiscussionHideInput, responses={200: DiscussionPostOutput, **ERRORS})
    def post(self, request: Request, post_id: int) -> Response:
        data = self.DiscussionHideInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.discussion_post_hide(post_id=post_id, actor=request.user, reason=data.validated_data["reason"])
        return Response(DiscussionPostOutput(post).data)

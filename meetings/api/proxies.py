"""Proxies over the API: a member's proxy for a meeting (read, appoint,
revoke), and a holder's vote for a principal. The same services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import ERRORS
from meetings.lock_objects import meeting_get
from meetings.services.proxies import (
    proxies_held,
    proxy_appoint_by_email,
    proxy_deadline,
    proxy_of,
    proxy_revoke,
    proxy_vote_cast,
)


class ProxyOutput(serializers.Serializer):
    holder = serializers.CharField(allow_null=True)
    appointed_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField()
    holds_for = serializers.ListField(child=serializers.DictField())


def _proxy_state(meeting: Any, user: Any) -> dict[str, Any]:
    mine = proxy_of(meeting=meeting, principal=user)
    return {
        "holder": str(mine.holder) if mine else None,
        "appointed_at": mine.appointed_at if mine else None,
        "deadline": proxy_deadline(meeting=meeting),
        "holds_for": [
            {"id": a.principal_id, "name": str(a.principal)} for a in proxies_held(meeting=meeting, holder=user)
        ],
    }


class ProxyApi(APIView):
    """The signed-in member's proxy for a meeting, and the proxies they hold."""

    permission_classes = [permissions.IsAuthenticated]

    class ProxyInput(serializers.Serializer):
        holder_email = serializers.EmailField(max_length=254)

    @extend_schema(responses={200: ProxyOutput, **ERRORS})
    def get(self, request: Request, meeting_id: int) -> Response:
        return Response(ProxyOutput(_proxy_state(meeting_get(meeting_id=meeting_id), request.user)).data)

    @extend_schema(request=ProxyInput, responses={201: ProxyOutput, **ERRORS})
    def post(self, request: Request, meeting_id: int) -> Response:
        data = self.ProxyInput(data=request.data)
        data.is_valid(raise_exception=True)
        proxy_appoint_by_email(
            meeting_id=meeting_id, principal=request.user, holder_email=data.validated_data["holder_email"]
        )
        meeting = meeting_get(meeting_id=meeting_id)
        return Response(ProxyOutput(_proxy_state(meeting, request.user)).data, status=201)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, meeting_id: int) -> Response:
        proxy_revoke(meeting_id=meeting_id, principal=request.user)
        return Response(status=204)


class ProxyVoteCastApi(APIView):
    """A holder in the room votes for one principal (one call per principal)."""

    permission_classes = [permissions.IsAuthenticated]

    class ProxyVoteInput(serializers.Serializer):
        principal = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        choice = serializers.ChoiceField(choices=["for", "against", "abstain"])

    @extend_schema(
        request=ProxyVoteInput,
        responses={
            201: inline_serializer(name="ProxyVoteCast", fields={"receipt": serializers.CharField(allow_null=True)}),
            **ERRORS,
        },
    )
    def post(self, request: Request, vote_id: int) -> Response:
        data = self.ProxyVoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = proxy_vote_cast(
            vote_id=vote_id,
            holder=request.user,
            principal_id=data.validated_data["principal"],
            choice=data.validated_data["choice"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response({"receipt": receipt.receipt if receipt else None}, status=201)

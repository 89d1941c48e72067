"""Ballots REST API: one class per operation, nested Input/Output serializers."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ballots import publication, selectors
from ballots.access import visible_ballot
from ballots.models import Ballot
from ballots.permissions import public_state
from ballots.services import receipts
from ballots.services.casting import vote_cast
from core.api.errors import ERROR
from core.api.parsers import JSONParser
from core.api.throttling import InProcessUserRateThrottle


class OptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    is_ron = serializers.BooleanField()


class QuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    method = serializers.CharField()
    seats = serializers.IntegerField()
    options = OptionOutput(many=True, source="options.all")


class BallotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.name")
    state = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    questions = QuestionOutput(many=True, source="questions.all")


class BallotListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=BallotOutput(many=True))
    def get(self, request: Request) -> Response:
        ballots = selectors.ballot_list_open().prefetch_related("questions__options")
        return Response(BallotOutput(ballots, many=True).data)


class BallotDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: BallotOutput, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> Response:
        try:
            found: Ballot | None = selectors.ballot_for_voting_page(ballot_id=ballot_id)
        except Ballot.DoesNotExist:
            found = None
        ballot = visible_ballot(request.user, found)
        data = BallotOutput(ballot).data
        data["state"] = public_state(user=request.user, ballot=ballot)[0]
        return Response(data)


MAX_RANKING = 200
_INTEGER = re.compile(r"-?\d{1,19}")


def answers_from(data: Any) -> dict[int, list[int]]:
    """The ``answers`` of a vote request as question id → option ids.

    This is the shape ``BallotVoteInput`` documents, checked by hand: the
    vote endpoint is the busiest in the product and a DRF serializer costs
    more Python time per request than the vote statement itself (it deep-
    copies its fields on every instantiation). Whether the ids belong to the
    ballot is for ``vote_cast`` to say."""
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict):
        raise serializers.ValidationError({"answers": ["Send an object of question id → list of option ids."]})
    parsed: dict[int, list[int]] = {}
    for key, ranking in answers.items():
        if not isinstance(key, str) or not _INTEGER.fullmatch(key):
            raise serializers.ValidationError({"answers": ["Question ids must be integers."]})
        if not isinstance(ranking, list) or len(ranking) > MAX_RANKING:
            raise serializers.ValidationError({"answers": {key: [f"Send a list of at most {MAX_RANKING} option ids."]}})
        options = []
        for option in ranking:
            if isinstance(option, str) and _INTEGER.fullmatch(option):
                option = int(option)
            if not isinstance(option, int) or isinstance(option, bool):
                raise serializers.ValidationError({"answers": {key: ["Option ids must be integers."]}})
            options.append(option)
        parsed[int(key)] = options
    return parsed


class VoteCastApi(APIView):
    """Cast a secret vote. Send an ``Idempotency-Key`` header to retry safely."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    throttle_classes = [InProcessUserRateThrottle]

    class BallotVoteInput(serializers.Serializer):
        """The request body, for the schema; ``answers_from`` checks it."""

        answers = serializers.DictField(
            child=serializers.ListField(child=serializers.IntegerField(), max_length=MAX_RANKING),
            help_text="Question id → list of option ids (a ranking for ranked questions).",
        )

    class BallotVoteReceipt(serializers.Serializer):
        receipt = serializers.CharField()
        replayed = serializers.BooleanField()

    @extend_schema(
        request=BallotVoteInput,
        responses={
            201: BallotVoteReceipt,
            200: BallotVoteReceipt,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: OpenApiResponse(ERROR, description="Already voted or not open"),
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        receipt = vote_cast(
            ballot_id=ballot_id,
            voter=request.user,
            answers=answers_from(request.data),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response(
            {"receipt": receipt.receipt, "replayed": receipt.replayed}, status=200 if receipt.replayed else 201
        )


class ReceiptEmailApi(APIView):
    """E-mail your receipt to your own address. Only for a ballot you voted
    in; sent at once and not kept (no outbox row, no log line)."""

    permission_classes = [permissions.IsAuthenticated]

    class ReceiptEmailInput(serializers.Serializer):
        receipt = serializers.CharField(max_length=40, help_text="The receipt code, as shown after voting.")

    class ReceiptEmailOutput(serializers.Serializer):
        sent_to = serializers.EmailField()

    @extend_schema(
        request=ReceiptEmailInput,
        responses={
            200: ReceiptEmailOutput,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            503: OpenApiResponse(ERROR, description="mail_unavailable"),
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        data = self.ReceiptEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ballot = selectors.ballot_for_voting_page(ballot_id=ballot_id)
        except Ballot.DoesNotExist:
            raise Http404 from None
        sent_to = receipts.receipt_email(ballot=ballot, voter=request.user, receipt=data.validated_data["receipt"])
        return Response({"sent_to": sent_to})


class ResultQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    method = serializers.CharField()
    outcome = serializers.CharField()
    count_sheet = serializers.JSONField(
        allow_null=True, help_text="The engine's full count sheet; null where the electorate is too small to publish."
    )


class ResultOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    turnout = serializers.IntegerField()
    electorate = serializers.IntegerField()
    questions = ResultQuestionOutput(many=True)


class ResultApi(APIView):
    """A declared result. Figures are withheld below the small-electorate threshold."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: ResultOutput, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> Response:
        try:
            ballot = selectors.ballot_result(ballot_id=ballot_id)
        except Ballot.DoesNotExist:
            raise Http404 from None
        electorate = ballot.roll_size  # type: ignore[attr-defined]  # annotated by the selector
        breakdown = publication.breakdown_allowed(voters=ballot.turnout)  # type: ignore[attr-defined]
        data = {
            "id": ballot.pk,
            "title": ballot.title,
            "turnout": ballot.turnout,  # type: ignore[attr-defined]
            "electorate": electorate,
            "questions": [
                {
                    "id": q.pk,
                    "title": q.title,
                    "method": q.method,
                    "outcome": q.result.outcome,
                    "count_sheet": q.result.count_sheet if breakdown else None,
                }
                for q in ballot.questions.all()
                if hasattr(q, "result")
            ],
        }
        return Response(ResultOutput(data).data)

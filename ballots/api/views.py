"""Ballots REST API: one class per operation, nested Input/Output serializers."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ballots import publication, selectors
from ballots.models import Ballot
from ballots.services.casting import vote_cast

ERROR = inline_serializer(name="Error", fields={"code": serializers.CharField(), "message": serializers.CharField()})


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
            ballot = selectors.ballot_for_voting_page(ballot_id=ballot_id)
        except Ballot.DoesNotExist:
            raise Http404 from None
        return Response(BallotOutput(ballot).data)


class VoteCastApi(APIView):
    """Cast a secret vote. Send an ``Idempotency-Key`` header to retry safely."""

    permission_classes = [permissions.IsAuthenticated]

    class BallotVoteInput(serializers.Serializer):
        answers = serializers.DictField(
            child=serializers.ListField(child=serializers.IntegerField(), max_length=200),
            help_text="Question id → list of option ids (a ranking for ranked questions).",
        )

        def validate_answers(self, value: dict[str, list[int]]) -> dict[int, list[int]]:
            try:
                return {int(k): v for k, v in value.items()}
            except ValueError:
                raise serializers.ValidationError("Question ids must be integers.") from None

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
        data = self.BallotVoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = vote_cast(
            ballot_id=ballot_id,
            voter=request.user,
            answers=data.validated_data["answers"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response(self.BallotVoteReceipt(receipt).data, status=200 if receipt.replayed else 201)


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
        breakdown = publication.breakdown_allowed(electorate=electorate)
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

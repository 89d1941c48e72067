"""Ballots REST API for officers: set a ballot up, schedule or cancel it.

One class per operation, each calling the same service as the pages; the
services check who may act (``ballots.permissions``) and refuse with
``{code, message}``. Where the unit demands two-factor authentication the
API refuses with ``mfa_required``. Nothing here returns papers, totals or
participation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ballots.access import access_ballot
from ballots.api.views import ERROR
from ballots.models import Ballot, Question
from ballots.services import setup
from core.errors import ErrorCode, NotFound
from governance.access import access_unit
from governance.gate import Act
from governance.models import Body, Membership, Office

REFUSALS: dict[int | str, Any] = {
    400: OpenApiResponse(ERROR, description="Invalid input, or a rule of the ballot refused it"),
    403: OpenApiResponse(ERROR, description="Not signed in, not permitted (`not_ballot_manager`), or `mfa_required`"),
    404: OpenApiResponse(ERROR, description="No such unit, ballot or question"),
    409: OpenApiResponse(
        ERROR, description="Not in a state that allows it (`ballot_not_editable`, `ballot_not_ready`, …)"
    ),
}


def _ballot(ballot_id: int, request: Request) -> Ballot:
    return access_ballot(request.user, ballot_id, Act.RUN_BALLOT)


def _member(email: str) -> Any:
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise serializers.ValidationError(f"No one has an account with the address {email}.")
    return user


class BallotStateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.slug")
    state = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class BallotCreateApi(APIView):
    """Create a draft ballot of a unit (its officers only)."""

    permission_classes = [permissions.IsAuthenticated]

    class BallotCreateInput(serializers.Serializer):
        unit = serializers.SlugField(max_length=80, help_text="The unit's slug.")
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
        returning_officer = serializers.EmailField(help_text="E-mail address of an active member of the unit.")
        opens_at = serializers.DateTimeField()
        closes_at = serializers.DateTimeField()
        nominations_open_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        nominations_close_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        include_subunits = serializers.BooleanField(required=False, default=False)
        membership_kinds = serializers.ListField(
            child=serializers.ChoiceField(choices=Membership.Kind.choices), required=False, default=list, max_length=5
        )
        party_member_required = serializers.BooleanField(required=False, default=False)
        joined_on_or_before = serializers.DateField(required=False, allow_null=True, default=None)
        publish_papers = serializers.BooleanField(required=False, default=True)
        min_electorate_for_papers = serializers.IntegerField(required=False, default=20, min_value=0, max_value=10**6)
        declare_automatically = serializers.BooleanField(required=False, default=False)
        reminder_hours = serializers.IntegerField(required=False, default=24, min_value=0, max_value=24 * 60)

        def validate_returning_officer(self, value: str) -> Any:
            return _member(value)

    class BallotCreateOutput(BallotStateOutput):
        pass

    @extend_schema(request=BallotCreateInput, responses={201: BallotCreateOutput, **REFUSALS})
    def post(self, request: Request) -> Response:
        data = self.BallotCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = access_unit(request.user, values.pop("unit"), Act.SET_UP_BALLOT)
        values["reminder_before"] = dt.timedelta(hours=values.pop("reminder_hours"))
        ballot = setup.ballot_create(unit=unit, actor=request.user, **values)
        return Response(self.BallotCreateOutput(ballot).data, status=201)


class QuestionAddApi(APIView):
    """Add a motion (For / Against / Abstain are added) or an election."""

    permission_classes = [permissions.IsAuthenticated]

    class QuestionAddInput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Question.Kind.choices)
        title = serializers.CharField(max_length=200)
        text = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
        method = serializers.ChoiceField(
            choices=Question.Method.choices, required=False, default=Question.Method.MOTION
        )
        seats = serializers.IntegerField(required=False, default=1, min_value=1, max_value=500)
        threshold = serializers.ChoiceField(
            choices=Question.Threshold.choices, required=False, default=Question.Threshold.SIMPLE
        )
        quorum = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=10**7)
        minimums = serializers.ListField(
            child=serializers.DictField(),
            required=False,
            default=list,
            max_length=20,
            help_text='[{"group": "women", "seats": 2}], STV (Scottish or Meek) only.',
        )
        seconders_for_nomination = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100)
        include_ron = serializers.BooleanField(required=False, default=False)
        office = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1
        )
        body = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)

    class QuestionAddOutput(serializers.Serializer):
        id = serializers.IntegerField()
        position = serializers.IntegerField()
        kind = serializers.CharField()
        title = serializers.CharField()
        method = serializers.CharField()
        seats = serializers.IntegerField()
        options = serializers.ListField(child=serializers.CharField(), source="option_labels")

    @extend_schema(request=QuestionAddInput, responses={201: QuestionAddOutput, **REFUSALS})
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        data = self.QuestionAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        for field, model in (("office", Office), ("body", Body)):
            if values[field] is not None:
                values[field] = model.objects.filter(pk=values[field], unit=ballot.unit).first()
                if values[field] is None:
                    raise NotFound(ErrorCode.NOT_FOUND, f"There is no such {field} in {ballot.unit.name}.")
        kind, title = values.pop("kind"), values.pop("title")
        question = setup.question_add(ballot_id=ballot.pk, actor=request.user, kind=kind, title=title, **values)
        question.option_labels = list(question.options.values_list("label", flat=True))  # type: ignore[attr-defined]
        return Response(self.QuestionAddOutput(question).data, status=201)


class OptionAddApi(APIView):
    """Put a candidate (a member, or a free label) or RON on an election."""

    permission_classes = [permissions.IsAuthenticated]

    class OptionAddInput(serializers.Serializer):
        candidate = serializers.EmailField(
            required=False, allow_null=True, default=None, help_text="E-mail address of a member standing."
        )
        label = serializers.CharField(  # type: ignore[assignment]
            required=False, allow_blank=True, default="", max_length=200
        )
        statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
        groups = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, default=list, max_length=20
        )
        is_ron = serializers.BooleanField(required=False, default=False)

        def validate_candidate(self, value: str | None) -> Any:
            return _member(value) if value else None

    class OptionAddOutput(serializers.Serializer):
        id = serializers.IntegerField()
        position = serializers.IntegerField()
        label = serializers.CharField()  # type: ignore[assignment]
        candidate = serializers.IntegerField(source="candidate_id", allow_null=True)
        groups = serializers.ListField(child=serializers.CharField())
        is_ron = serializers.BooleanField()

    @extend_schema(request=OptionAddInput, responses={201: OptionAddOutput, **REFUSALS})
    def post(self, request: Request, ballot_id: int, question_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        data = self.OptionAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        option = setup.option_add(
            question_id=question_id, ballot_id=ballot.pk, actor=request.user, **data.validated_data
        )
        return Response(self.OptionAddOutput(option).data, status=201)


class BallotScheduleApi(APIView):
    """Schedule a draft ballot once it passes the ready check, or close
    nominations (which schedules it) when they are open."""

    permission_classes = [permissions.IsAuthenticated]

    class BallotScheduleOutput(BallotStateOutput):
        pass

    @extend_schema(request=None, responses={200: BallotScheduleOutput, **REFUSALS})
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        if ballot.state == Ballot.State.NOMINATIONS:
            ballot = setup.ballot_setup_nominations_close(ballot_id=ballot.pk, actor=request.user)
        else:
            ballot = setup.ballot_setup_schedule(ballot_id=ballot.pk, actor=request.user)
        return Response(self.BallotScheduleOutput(ballot).data)


class BallotCancelApi(APIView):
    """Cancel a ballot that has not closed, with the reason."""

    permission_classes = [permissions.IsAuthenticated]

    class BallotCancelInput(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    class BallotCancelOutput(BallotStateOutput):
        pass

    @extend_schema(request=BallotCancelInput, responses={200: BallotCancelOutput, **REFUSALS})
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        data = self.BallotCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = setup.ballot_setup_cancel(
            ballot_id=ballot.pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(self.BallotCancelOutput(ballot).data)


class BallotReopenApi(APIView):
    """Re-open a ballot cancelled while open, with the reason: the returning
    officer's act (or a national administrator's). The papers cast before
    the cancel were kept sealed and count."""

    permission_classes = [permissions.IsAuthenticated]

    class BallotReopenInput(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    class BallotReopenOutput(BallotStateOutput):
        pass

    @extend_schema(request=BallotReopenInput, responses={200: BallotReopenOutput, **REFUSALS})
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        data = self.BallotReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = setup.ballot_setup_reopen(
            ballot_id=ballot.pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(self.BallotReopenOutput(ballot).data)

"""The verifiable mode's API: the election and the ballot box for voters' devices, trustees'
uploads, and the public record. One class per operation; every refusal is ``{code, message}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ballots import selectors_verifiable
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.models import Ballot
from ballots.services import verifiable_box, verifiable_setup, verifiable_tally
from core.api.errors import ERROR
from core.api.parsers import JSONParser
from core.api.throttling import InProcessUserRateThrottle
from core.errors import DomainError, NotFound

PUBLIC_STATES = frozenset({Ballot.State.OPEN, Ballot.State.CLOSED, Ballot.State.COUNTED, Ballot.State.DECLARED})


def _text(data: Any, field: str) -> str:
    value = data.get(field) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise DomainError("malformed", f"Send {field!r} as a JSON string.")
    return value


def _public_election(ballot_id: int) -> Any:
    election = verifiable_setup.verifiable_election_of(ballot_id=ballot_id)
    if not election.election or election.ballot.state not in PUBLIC_STATES:
        raise NotFound(VCode.NOT_VERIFIABLE, "This ballot's election is published when voting opens.")
    return election


class VerifiableElectionApi(APIView):
    """The election (``election.json``, exact text: its hash is in every ballot) a voter's device encrypts for."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: None, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> HttpResponse:
        return HttpResponse(_public_election(ballot_id).election, content_type="application/json")


class VerifiableBallotCastApi(APIView):
    """Put a Belenios ballot in the box; answers its tracker. A later ballot with the same credential replaces it."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    throttle_classes = [InProcessUserRateThrottle]

    class Input(serializers.Serializer):
        ballot = serializers.CharField(help_text="The ballot exactly as the device wrote it (Belenios JSON text).")

    class Output(serializers.Serializer):
        tracker = serializers.CharField()

    @extend_schema(request=Input, responses={201: Output, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def post(self, request: Request, ballot_id: int) -> Response:
        tracker = verifiable_box.verifiable_ballot_cast(
            ballot_id=ballot_id, voter=request.user, ballot=_text(request.data, "ballot")
        )
        return Response({"tracker": tracker}, status=201)


class VerifiableBoxApi(APIView):
    """The trackers of the accepted ballots, in tracker order, a page at a time (``?after=<last tracker>``)."""

    permission_classes = [permissions.AllowAny]

    class Output(serializers.Serializer):
        trackers = serializers.ListField(child=serializers.CharField())
        next_after = serializers.CharField(allow_null=True)

    @extend_schema(responses={200: Output, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> Response:
        election = _public_election(ballot_id)
        after = str(request.query_params.get("after", ""))[:44]
        trackers = selectors_verifiable.box_trackers(election=election, after=after)
        full = len(trackers) == selectors_verifiable.BOX_PAGE
        return Response({"trackers": trackers, "next_after": trackers[-1] if full else None})


class TrusteeKeyApi(APIView):
    """A trustee uploads their public key (the ``.pubkey`` file's text)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses={201: None, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def post(self, request: Request, ballot_id: int) -> Response:
        trustee = verifiable_setup.trustee_key_upload(
            ballot_id=ballot_id, actor=request.user, public_key=_text(request.data, "public_key")
        )
        return Response({"trustee": trustee.position}, status=201)


class TrusteeShuffleApi(APIView):
    """A trustee uploads a shuffle of the last shuffle's output; refused with its failed equation's name."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses={201: None, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def post(self, request: Request, ballot_id: int) -> Response:
        row = verifiable_tally.verifiable_shuffle_upload(
            ballot_id=ballot_id, actor=request.user, shuffle_text=_text(request.data, "shuffle")
        )
        return Response({"position": row.position}, status=201)


class TrusteeDecryptionApi(APIView):
    """A trustee uploads their partial decryption; refused unless it verifies against their key."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses={201: None, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def post(self, request: Request, ballot_id: int) -> Response:
        trustee = verifiable_tally.verifiable_decryption_upload(
            ballot_id=ballot_id, actor=request.user, partial_decryption=_text(request.data, "partial_decryption")
        )
        return Response({"trustee": trustee.position}, status=201)


class VerifiableBoardApi(APIView):
    """The public record as a Belenios board (``UUID.bel``) for ``belenios-tool election verify``."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: None, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> HttpResponse:
        election = _public_election(ballot_id)
        moment = election.ballot.closed_at or election.ballot.roll_frozen_at or timezone.now()
        data = verifiable_tally.verifiable_board(ballot_id=ballot_id, timestamp=int(moment.timestamp()))
        response = HttpResponse(data, content_type="application/x-tar")
        response["Content-Disposition"] = f'attachment; filename="{election.uuid}.bel"'
        return response

"""The verifiable mode's API: the election and the ballot box for voters' devices, trustees'
uploads, and the public record. One class per operation; every refusal is ``{code, message}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ballots import selectors_verifiable
from ballots.api.manage_views import _ballot, _member
from ballots.error_codes import BallotErrorCode
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.models import Ballot, VerifiableElection
from ballots.services import verifiable_box, verifiable_setup, verifiable_tally, verifiable_threshold
from core.api.errors import ERROR
from core.api.parsers import JSONParser
from core.api.throttling import InProcessUserRateThrottle
from core.errors import DomainError, NotFound, NotPermitted

PUBLIC_STATES = frozenset({Ballot.State.OPEN, Ballot.State.CLOSED, Ballot.State.COUNTED, Ballot.State.DECLARED})


def _text(data: Any, field: str) -> str:
    value = data.get(field) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise DomainError(BallotErrorCode.MALFORMED, f"Send {field!r} as a JSON string.")
    return value


def _public_election(ballot_id: int) -> Any:
    election = verifiable_setup.verifiable_election_of(ballot_id=ballot_id)
    if not election.election or election.ballot.state not in PUBLIC_STATES:
        raise NotFound(VCode.NOT_VERIFIABLE, "This ballot's election is published when voting opens.")
    return election


class VerifiableEnableApi(APIView):
    """The returning officer makes a ballot being set up verifiable: trustees (by e-mail, in order), the
    threshold (how many must decrypt: 1 to the number of trustees; omitted, all of them), and the credential
    authority. The answer states the trust the choice of credential authority asks for."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    class VerifiableEnableInput(serializers.Serializer):
        trustees = serializers.ListField(child=serializers.EmailField(), min_length=1, max_length=20)
        threshold = serializers.IntegerField(required=False, allow_null=True)
        credential_authority = serializers.ChoiceField(
            choices=VerifiableElection.CredentialAuthority.choices,
            default=VerifiableElection.CredentialAuthority.SERVER,
        )
        credential_authority_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        public_credentials = serializers.CharField(required=False, allow_blank=True, default="")
        record_access = serializers.ChoiceField(
            choices=VerifiableElection.RecordAccess.choices, default=VerifiableElection.RecordAccess.SCRUTINEERS
        )

    @extend_schema(
        request=VerifiableEnableInput,
        responses={
            201: inline_serializer(
                "VerifiableEnableOutput", {"uuid": serializers.CharField(), "trust": serializers.CharField()}
            ),
            400: ERROR,
            403: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        data = self.VerifiableEnableInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            trustees = [_member(e) for e in values["trustees"]]
        except serializers.ValidationError as error:  # said of the field, like any other invalid input
            raise serializers.ValidationError({"trustees": error.detail}) from None
        election = verifiable_setup.verifiable_enable(
            ballot_id=ballot.pk,
            actor=request.user,
            trustees=trustees,
            threshold=values.get("threshold"),
            credential_authority=values["credential_authority"],
            credential_authority_name=values["credential_authority_name"],
            public_credentials=values["public_credentials"],
            record_access=values["record_access"],
        )
        server = election.credential_authority == VerifiableElection.CredentialAuthority.SERVER
        trust = verifiable_setup.TRUST_STATEMENT if server else f"Credentials by {election.credential_authority_name}."
        return Response({"uuid": election.uuid, "trust": trust}, status=201)


class VerifiableShufflesEndApi(APIView):
    """The returning officer ends the shuffles; the trustees' decryptions start."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("VerifiableShufflesEndOutput", {"shuffles_ended": serializers.BooleanField()}),
            403: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        verifiable_tally.verifiable_shuffles_end(ballot_id=ballot.pk, actor=request.user)
        return Response({"shuffles_ended": True})


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

    class VerifiableBallotInput(serializers.Serializer):
        ballot = serializers.CharField(help_text="The ballot exactly as the device wrote it (Belenios JSON text).")

    class VerifiableBallotOutput(serializers.Serializer):
        tracker = serializers.CharField()

    @extend_schema(
        request=VerifiableBallotInput,
        responses={201: VerifiableBallotOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        tracker = verifiable_box.verifiable_ballot_cast(
            ballot_id=ballot_id, voter=request.user, ballot=_text(request.data, "ballot")
        )
        return Response({"tracker": tracker}, status=201)


class VerifiableBoxApi(APIView):
    """The trackers of the accepted ballots, in tracker order, a page at a time (``?after=<last tracker>``)."""

    permission_classes = [permissions.AllowAny]

    class VerifiableBoxOutput(serializers.Serializer):
        trackers = serializers.ListField(child=serializers.CharField())
        next_after = serializers.CharField(allow_null=True)

    @extend_schema(responses={200: VerifiableBoxOutput, 404: ERROR})
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

    @extend_schema(
        request=inline_serializer("TrusteeKeyInput", {"public_key": serializers.CharField()}),
        responses={
            201: inline_serializer("TrusteeKeyOutput", {"trustee": serializers.IntegerField()}),
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        trustee = verifiable_setup.trustee_key_upload(
            ballot_id=ballot_id, actor=request.user, public_key=_text(request.data, "public_key")
        )
        return Response({"trustee": trustee.position}, status=201)


class TrusteeShuffleApi(APIView):
    """A trustee uploads a shuffle of the last shuffle's output; refused with its failed equation's name."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer("TrusteeShuffleInput", {"shuffle": serializers.CharField()}),
        responses={
            201: inline_serializer("TrusteeShuffleOutput", {"position": serializers.IntegerField()}),
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        row = verifiable_tally.verifiable_shuffle_upload(
            ballot_id=ballot_id, actor=request.user, shuffle_text=_text(request.data, "shuffle")
        )
        return Response({"position": row.position}, status=201)


class TrusteeDecryptionApi(APIView):
    """A trustee uploads their partial decryption; refused unless it verifies against their key."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer("TrusteeDecryptionInput", {"partial_decryption": serializers.CharField()}),
        responses={
            201: inline_serializer("TrusteeDecryptionOutput", {"trustee": serializers.IntegerField()}),
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        trustee = verifiable_tally.verifiable_decryption_upload(
            ballot_id=ballot_id, actor=request.user, partial_decryption=_text(request.data, "partial_decryption")
        )
        return Response({"trustee": trustee.position}, status=201)


class VerifiableBoardApi(APIView):
    """The public record as a Belenios board (``UUID.bel``) for ``belenios-tool election verify``."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: None, 403: ERROR, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> HttpResponse:
        election = _public_election(ballot_id)
        if not selectors_verifiable.may_download_record(user=request.user, election=election):
            raise NotPermitted(
                VCode.RECORD_WITHHELD,
                "The full record reveals every paper one by one; the returning officer keeps it to "
                f"{election.get_record_access_display().lower()} (see the ballot's checks page).",
            )
        moment = election.ballot.closed_at or election.ballot.roll_frozen_at or timezone.now()
        data = verifiable_tally.verifiable_board(ballot_id=ballot_id, timestamp=int(moment.timestamp()))
        response = HttpResponse(data, content_type="application/x-tar")
        response["Content-Disposition"] = f'attachment; filename="{election.uuid}.bel"'
        return response


# --- The threshold key ceremony (ballots/services/verifiable_threshold.py) ---


class _CeremonyUpload(APIView):
    """A trustee's message of one ceremony step; refused with the failed check's name."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    field = ""

    def store(self, request: Request, ballot_id: int, text: str) -> Any:
        raise NotImplementedError

    def post(self, request: Request, ballot_id: int) -> Response:
        trustee = self.store(request, ballot_id, _text(request.data, self.field))
        stage = selectors_verifiable.ceremony_stage(trustee.election, list(trustee.election.trustee_rows.all()))
        return Response({"trustee": trustee.position, "stage": stage.value}, status=201)


CEREMONY_OUTPUT = inline_serializer(
    "TrusteeCeremonyStepOutput", {"trustee": serializers.IntegerField(), "stage": serializers.CharField()}
)
CEREMONY_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


class TrusteeCertificateApi(_CeremonyUpload):
    """Step 1: a trustee's certificate (``generate-trustee-key-threshold --step 1``'s ``.cert``)."""

    field = "certificate"

    @extend_schema(
        request=inline_serializer("TrusteeCertificateInput", {"certificate": serializers.CharField()}),
        responses={201: CEREMONY_OUTPUT, **CEREMONY_ERRORS},
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        return super().post(request, ballot_id)

    def store(self, request: Request, ballot_id: int, text: str) -> Any:
        return verifiable_threshold.trustee_certificate_upload(
            ballot_id=ballot_id, actor=request.user, certificate=text
        )


class TrusteePolynomialApi(_CeremonyUpload):
    """Step 2: a trustee's polynomial (``--step 3``'s output), once every certificate is in."""

    field = "polynomial"

    @extend_schema(
        request=inline_serializer("TrusteePolynomialInput", {"polynomial": serializers.CharField()}),
        responses={201: CEREMONY_OUTPUT, **CEREMONY_ERRORS},
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        return super().post(request, ballot_id)

    def store(self, request: Request, ballot_id: int, text: str) -> Any:
        return verifiable_threshold.trustee_polynomial_upload(ballot_id=ballot_id, actor=request.user, polynomial=text)


class TrusteeVoutputApi(_CeremonyUpload):
    """Step 3: a trustee's voutput (``--step 5``'s output), once every polynomial is in."""

    field = "voutput"

    @extend_schema(
        request=inline_serializer("TrusteeVoutputInput", {"voutput": serializers.CharField()}),
        responses={201: CEREMONY_OUTPUT, **CEREMONY_ERRORS},
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        return super().post(request, ballot_id)

    def store(self, request: Request, ballot_id: int, text: str) -> Any:
        return verifiable_threshold.trustee_voutput_upload(ballot_id=ballot_id, actor=request.user, voutput=text)


class TrusteeCeremonyApi(APIView):
    """The key ceremony's stage and each trustee's progress; for a trustee, what their next step needs
    (the certificates, their vinput, their sealed key share). Trustees and the ballot's managers only."""

    permission_classes = [permissions.IsAuthenticated]

    class TrusteeProgressOutput(serializers.Serializer):
        position = serializers.IntegerField()
        certificate = serializers.BooleanField()
        polynomial = serializers.BooleanField()
        voutput = serializers.BooleanField()
        public_key = serializers.BooleanField()
        decrypted = serializers.BooleanField()

    class CeremonyOutput(serializers.Serializer):
        stage = serializers.CharField()
        group = serializers.CharField()
        threshold = serializers.IntegerField()
        trustees = serializers.ListField(child=serializers.DictField())
        position = serializers.IntegerField(allow_null=True)
        certificates = serializers.ListField(child=serializers.CharField())
        vinput = serializers.CharField(allow_null=True)
        sealed_key = serializers.CharField(allow_null=True)
        problem = serializers.CharField()

    @extend_schema(responses={200: CeremonyOutput, 403: ERROR, 404: ERROR})
    def get(self, request: Request, ballot_id: int) -> Response:
        election = verifiable_setup.verifiable_election_of(ballot_id=ballot_id)
        if not election.trustee_rows.filter(person_id=request.user.pk).exists():
            _ballot(ballot_id, request)  # not a trustee: the ballot's managers only
        view = selectors_verifiable.threshold_ceremony(election=election, person=request.user)
        progress = self.TrusteeProgressOutput
        return Response(
            {
                "stage": view.stage.value,
                "group": view.group,
                "threshold": view.threshold,
                "trustees": [progress(t).data for t in view.trustees],
                "position": view.position,
                "certificates": list(view.certificates),
                "vinput": view.vinput,
                "sealed_key": view.sealed_key,
                "problem": view.problem,
            }
        )


class ThresholdCeremonyRestartApi(APIView):
    """The returning officer restarts the key ceremony from the polynomials (a trustee's device refused a
    share it was sent); the certificates stay."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("CeremonyRestartOutput", {"stage": serializers.CharField()}),
            403: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, ballot_id: int) -> Response:
        ballot = _ballot(ballot_id, request)
        verifiable_threshold.threshold_ceremony_restart(ballot_id=ballot.pk, actor=request.user)
        return Response({"stage": selectors_verifiable.CeremonyStage.POLYNOMIALS.value})

from django.urls import path

from ballots.api import views

urlpatterns = [
    path("", views.BallotListApi.as_view(), name="api-ballot-list"),
    path("<int:ballot_id>/", views.BallotDetailApi.as_view(), name="api-ballot-detail"),
    path("<int:ballot_id>/votes/", views.VoteCastApi.as_view(), name="api-vote-cast"),
    path("<int:ballot_id>/result/", views.ResultApi.as_view(), name="api-ballot-result"),
    path("<int:ballot_id>/receipt/email/", views.ReceiptEmailApi.as_view(), name="api-receipt-email"),
]

# Officers set ballots up (ballots/api/manage_views.py).
from ballots.api import manage_views  # noqa: E402 - appended with its routes

urlpatterns += [
    path("create/", manage_views.BallotCreateApi.as_view(), name="api-ballot-create"),
    path("<int:ballot_id>/questions/", manage_views.QuestionAddApi.as_view(), name="api-question-add"),
    path(
        "<int:ballot_id>/questions/<int:question_id>/options/",
        manage_views.OptionAddApi.as_view(),
        name="api-option-add",
    ),
    path("<int:ballot_id>/schedule/", manage_views.BallotScheduleApi.as_view(), name="api-ballot-schedule"),
    path("<int:ballot_id>/cancel/", manage_views.BallotCancelApi.as_view(), name="api-ballot-cancel"),
    path("<int:ballot_id>/reopen/", manage_views.BallotReopenApi.as_view(), name="api-ballot-reopen"),
]

# The verifiable mode (ballots/api/verifiable_views.py).
from ballots.api import verifiable_views as vv  # noqa: E402 - appended with its routes

urlpatterns += [
    path("<int:ballot_id>/verifiable/enable/", vv.VerifiableEnableApi.as_view(), name="api-verifiable-enable"),
    path("<int:ballot_id>/verifiable/shuffles/end/", vv.VerifiableShufflesEndApi.as_view(), name="api-verifiable-end"),
    path(
        "<int:ballot_id>/verifiable/election.json", vv.VerifiableElectionApi.as_view(), name="api-verifiable-election"
    ),
    path("<int:ballot_id>/verifiable/ballots/", vv.VerifiableBallotCastApi.as_view(), name="api-verifiable-cast"),
    path("<int:ballot_id>/verifiable/box/", vv.VerifiableBoxApi.as_view(), name="api-verifiable-box"),
    path("<int:ballot_id>/verifiable/trustee/key/", vv.TrusteeKeyApi.as_view(), name="api-verifiable-trustee-key"),
    path("<int:ballot_id>/verifiable/trustee/shuffle/", vv.TrusteeShuffleApi.as_view(), name="api-verifiable-shuffle"),
    path(
        "<int:ballot_id>/verifiable/trustee/decryption/",
        vv.TrusteeDecryptionApi.as_view(),
        name="api-verifiable-decryption",
    ),
    path("<int:ballot_id>/verifiable/ceremony/", vv.TrusteeCeremonyApi.as_view(), name="api-verifiable-ceremony"),
    path(
        "<int:ballot_id>/verifiable/ceremony/restart/",
        vv.ThresholdCeremonyRestartApi.as_view(),
        name="api-verifiable-ceremony-restart",
    ),
    path(
        "<int:ballot_id>/verifiable/trustee/certificate/",
        vv.TrusteeCertificateApi.as_view(),
        name="api-verifiable-certificate",
    ),
    path(
        "<int:ballot_id>/verifiable/trustee/polynomial/",
        vv.TrusteePolynomialApi.as_view(),
        name="api-verifiable-polynomial",
    ),
    path("<int:ballot_id>/verifiable/trustee/voutput/", vv.TrusteeVoutputApi.as_view(), name="api-verifiable-voutput"),
    path("<int:ballot_id>/verifiable/board.bel", vv.VerifiableBoardApi.as_view(), name="api-verifiable-board"),
]

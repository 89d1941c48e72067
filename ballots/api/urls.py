from django.urls import path

from ballots.api import views

urlpatterns = [
    path("", views.BallotListApi.as_view(), name="api-ballot-list"),
    path("<int:ballot_id>/", views.BallotDetailApi.as_view(), name="api-ballot-detail"),
    path("<int:ballot_id>/votes/", views.VoteCastApi.as_view(), name="api-vote-cast"),
    path("<int:ballot_id>/result/", views.ResultApi.as_view(), name="api-ballot-result"),
]

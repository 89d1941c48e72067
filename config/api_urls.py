"""REST API routes, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("ballots/", include("ballots.api.urls")),
]

"""REST API routes, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("ballots/", include("ballots.api.urls")),
    path("governance/", include("governance.api.urls")),
    path("meetings/", include("meetings.api.urls")),
    path("accounts/", include("accounts.api.urls")),
    path("personal-data/", include("portal.personal_data_urls")),
]

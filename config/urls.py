"""Top-level URLs: each app owns its own ``urls.py`` and ``api/urls.py``."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularJSONAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from portal import urls as portal_urls

urlpatterns = [
    portal_urls.home,
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("units/", include(portal_urls.units)),  # governance's pages, and the unit page portal composes
    path("meetings/", include("meetings.urls")),
    path("ballots/", include("ballots.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/schema.json", SpectacularJSONAPIView.as_view(), name="schema-json"),
    # Swagger UI from drf-spectacular-sidecar's local copy, its start-up script
    # served as a file (the "split" view), so the page keeps the strict CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("config.api_urls")),
]

from django.urls import URLPattern, URLResolver, path

from governance.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("units/", views.UnitListApi.as_view(), name="api-unit-list"),
    path("units/<slug:slug>/", views.UnitDetailApi.as_view(), name="api-unit-detail"),
    path("units/<slug:slug>/memberships/", views.MembershipListApi.as_view(), name="api-membership-list"),
    path("units/<slug:slug>/roll-imports/", views.RollImportCreateApi.as_view(), name="api-roll-import-create"),
    path("roll-imports/<int:import_id>/", views.RollImportDetailApi.as_view(), name="api-roll-import-detail"),
    path("bodies/", views.BodyListApi.as_view(), name="api-body-list"),
    path("offices/", views.OfficeListApi.as_view(), name="api-office-list"),
    path("holdings/", views.HoldingListApi.as_view(), name="api-holding-list"),
]

from django.urls import URLPattern, URLResolver, path

from governance.api import officer_views as officer
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
    # Officers: writes.
    path("units/<slug:slug>/bodies/", officer.BodyCreateApi.as_view(), name="api-body-create"),
    path("units/<slug:slug>/offices/", officer.OfficeCreateApi.as_view(), name="api-office-create"),
    path("units/<slug:slug>/documents/", officer.DocumentCreateApi.as_view(), name="api-document-create"),
    path("bodies/<int:body_id>/", officer.BodyUpdateApi.as_view(), name="api-body-update"),
    path("bodies/<int:body_id>/end-mandate/", officer.BodyMandateEndApi.as_view(), name="api-body-end-mandate"),
    path("bodies/<int:body_id>/holdings/", officer.BodyAppointApi.as_view(), name="api-body-appoint"),
    path("offices/<int:office_id>/", officer.OfficeUpdateApi.as_view(), name="api-office-update"),
    path("offices/<int:office_id>/holdings/", officer.OfficeAppointApi.as_view(), name="api-office-appoint"),
    path("holdings/<int:holding_id>/end/", officer.HoldingEndApi.as_view(), name="api-holding-end"),
    path("documents/<int:document_id>/versions/", officer.DocumentVersionAdoptApi.as_view(), name="api-document-adopt"),
]

from django.urls import path

from governance import officer_views as manage
from governance import views

app_name = "governance"
# The unit's own page (``<slug>/``, name ``unit``) composes ballots and
# meetings too: it is served by ``portal.urls``, under this namespace.
urlpatterns = [
    path("", views.network, name="network"),
    path("me/memberships/", views.my_memberships, name="my-memberships"),
    path("<slug:slug>/bodies/<int:body_id>/", views.body_detail, name="body"),
    path("<slug:slug>/offices/<int:office_id>/", views.office_detail, name="office"),
    path("<slug:slug>/documents/<int:document_id>/", views.document_detail, name="document"),
    path("<slug:slug>/roll/", views.roll, name="roll"),
    path("<slug:slug>/roll/export.csv", views.roll_export, name="roll-export"),
    path("<slug:slug>/roll/imports/<int:import_id>/", views.roll_import_detail, name="roll-import"),
    path("<slug:slug>/manage/", manage.manage, name="manage"),
    path("<slug:slug>/manage/bodies/new/", manage.body_new, name="manage-body-new"),
    path("<slug:slug>/manage/bodies/<int:body_id>/", manage.body_manage, name="manage-body"),
    path("<slug:slug>/manage/bodies/<int:body_id>/appoint/", manage.body_appoint, name="manage-body-appoint"),
    path("<slug:slug>/manage/bodies/<int:body_id>/end-mandate/", manage.body_end_mandate, name="manage-body-end"),
    path("<slug:slug>/manage/offices/new/", manage.office_new, name="manage-office-new"),
    path("<slug:slug>/manage/offices/<int:office_id>/", manage.office_manage, name="manage-office"),
    path("<slug:slug>/manage/offices/<int:office_id>/appoint/", manage.office_appoint, name="manage-office-appoint"),
    path("<slug:slug>/manage/holdings/<int:holding_id>/end/", manage.holding_end_view, name="manage-holding-end"),
    path("<slug:slug>/manage/documents/new/", manage.document_new, name="manage-document-new"),
    path("<slug:slug>/manage/documents/<int:document_id>/", manage.document_adopt, name="manage-document"),
]

from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("", views.network, name="network"),
    path("me/memberships/", views.my_memberships, name="my-memberships"),
    path("me/data.json", views.my_data, name="my-data"),
    path("me/remove/", views.my_removal, name="my-removal"),
    path("<slug:slug>/", views.unit_detail, name="unit"),
    path("<slug:slug>/bodies/<int:body_id>/", views.body_detail, name="body"),
    path("<slug:slug>/offices/<int:office_id>/", views.office_detail, name="office"),
    path("<slug:slug>/documents/<int:document_id>/", views.document_detail, name="document"),
    path("<slug:slug>/roll/", views.roll, name="roll"),
    path("<slug:slug>/roll/export.csv", views.roll_export, name="roll-export"),
    path("<slug:slug>/roll/imports/<int:import_id>/", views.roll_import_detail, name="roll-import"),
]

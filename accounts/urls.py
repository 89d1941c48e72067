from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("claim/set-password/", views.claim_set_password, name="claim_set_password"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("preferences/", views.preferences, name="preferences"),
    path("export.json", views.data_export, name="export"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("units/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("units/<slug:slug>/audit.csv", views.audit_log_csv, name="audit_log_csv"),
]

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
    path("emails/", views.my_emails, name="my_emails"),
    path("units/<slug:slug>/emails/", views.unit_emails, name="unit_emails"),
    path("units/<slug:slug>/emails/<int:person_id>/", views.member_emails, name="member_emails"),
]

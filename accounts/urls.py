from django.urls import path

from accounts import views

# A person's data spans every app, so its pages live in the composition layer
# (portal); they keep the accounts namespace their links use.
from portal import personal_data_views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("claim/set-password/", views.claim_set_password, name="claim_set_password"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("preferences/", views.preferences, name="preferences"),
    path("export.json", personal_data_views.data_export, name="export"),
    path("erase/", personal_data_views.erase_me, name="erase"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("units/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("units/<slug:slug>/audit.csv", views.audit_log_csv, name="audit_log_csv"),
    path("emails/", views.my_emails, name="my_emails"),
    path("units/<slug:slug>/emails/", views.unit_emails, name="unit_emails"),
    path("units/<slug:slug>/emails/<int:person_id>/", views.member_emails, name="member_emails"),
]

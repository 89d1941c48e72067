from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("<slug:slug>/", views.unit_detail, name="unit"),
]

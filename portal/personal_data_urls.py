"""The personal-data API (``/api/personal-data/``)."""

from django.urls import URLPattern, URLResolver, path

from portal import personal_data_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/erase/", views.EraseMeApi.as_view(), name="personal-data-api-erase-me"),
    path("people/<int:person_id>/erase/", views.ErasePersonApi.as_view(), name="personal-data-api-erase-person"),
]

from django.urls import URLPattern, URLResolver, path

from accounts.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("token/", views.TokenApi.as_view(), name="accounts-api-token"),
    path("me/", views.MeApi.as_view(), name="accounts-api-me"),
    path("people/<int:person_id>/lockout/lift/", views.LockoutLiftApi.as_view(), name="accounts-api-lockout-lift"),
]

"""The portal's pages, at the addresses they always had.

The unit page keeps its name ``governance:unit`` and its place under
``/units/``: the URLconf serves it from here, after governance's own pages
(none of which matches a bare ``<slug>/``, so the order is as before)."""

from django.urls import path

from governance import urls as governance_urls
from portal import views

home = path("", views.home, name="home")
units = ([*governance_urls.urlpatterns, path("<slug:slug>/", views.unit_page, name="unit")], governance_urls.app_name)

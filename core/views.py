"""Site-wide pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# The home page composes the apps above core (an exception the import
# contract in pyproject.toml names).
from ballots import selectors as ballot_selectors
from governance import selectors as governance_selectors


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "units": governance_selectors.unit_list_top(),
        "open_ballots": ballot_selectors.ballot_list_open(),
        "declared_ballots": ballot_selectors.ballot_list_declared()[:10],
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

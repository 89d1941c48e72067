"""Pages that compose the apps: each app's selectors give its part, the page
puts them side by side. They live here, above every app, so no app reads
upwards into another to fill a page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ballots import selectors as ballot_selectors
from governance import selectors as governance_selectors
from governance.models import Unit
from governance.permissions import is_unit_officer
from meetings import selectors as meeting_selectors


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "units": governance_selectors.unit_list_top(),
        "open_ballots": ballot_selectors.ballot_list_open(),
        "declared_ballots": ballot_selectors.ballot_list_declared()[:10],
    }
    return render(request, "portal/home.html", context)


def unit_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Who runs a unit now, on whose authority; its members, ballots and groups."""
    try:
        unit = governance_selectors.unit_detail(slug=slug)
    except Unit.DoesNotExist:
        raise Http404("There is no such unit.") from None
    return render(
        request,
        "portal/unit.html",
        {
            "unit": unit,
            "ancestors": governance_selectors.unit_ancestors(unit=unit),
            "counts": governance_selectors.unit_member_counts(unit=unit),
            "motions": meeting_selectors.motion_list_for_unit(unit=unit)[:20],
            "open_ballots": ballot_selectors.ballot_list_open_for_unit(unit=unit),
            "results": ballot_selectors.ballot_list_declared_for_unit(unit=unit)[:5],
            "meetings": meeting_selectors.meeting_list_upcoming_of_unit(unit=unit),
            "past_meetings": meeting_selectors.meeting_list_past_of_unit(unit=unit),
            "is_officer": is_unit_officer(user=request.user, unit=unit),
        },
    )

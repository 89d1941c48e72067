"""Public pages of a unit: who runs it, on whose authority."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from governance import selectors
from governance.models import Unit


def unit_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        unit = selectors.unit_detail(slug=slug)
    except Unit.DoesNotExist:
        raise Http404("There is no such unit.") from None
    return render(
        request,
        "governance/unit.html",
        {
            "unit": unit,
            "counts": selectors.unit_member_counts(unit=unit),
            "motions": selectors.motion_list_for_unit(unit=unit)[:20],
        },
    )

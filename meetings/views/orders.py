"""The unit's standing orders, edited by its officers: the form, the
versions kept, and a word on when a change applies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.views_forms import done, run_form
from governance.access import access_unit
from governance.gate import Act
from meetings import selectors
from meetings.forms import StandingOrdersForm
from meetings.models.meetings import ORDERS_FIELDS
from meetings.services.standing_orders import standing_orders_update


@login_required
@require_http_methods(["GET", "POST"])
def standing_orders_edit(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = access_unit(request.user, unit_slug, Act.RUN_MEETINGS, doing="change its standing orders")
    current = selectors.standing_orders_for(unit=unit)
    form = StandingOrdersForm(request.POST if request.method == "POST" else None, instance=current)

    def page(status: int = 200) -> HttpResponse:
        context = {
            "unit": unit,
            "form": form,
            "versions": selectors.standing_orders_versions(unit=unit),
            "in_progress": selectors.meeting_list_upcoming(unit=unit).filter(state="in_progress"),
        }
        return render(request, "meetings/standing_orders.html", context, status=status)

    def save() -> Any:
        values = {name: form.cleaned_data[name] for name in ORDERS_FIELDS}
        return standing_orders_update(unit=unit, actor=request.user, values=values, note=form.cleaned_data["note"])

    def saved(version: Any) -> HttpResponse:
        message = (
            f"Standing orders saved as version {version.number}. "
            "They apply from the next meeting to start; a meeting in progress keeps its own."
        )
        return done(request, message, "meetings:standing_orders", unit.slug)

    return run_form(form, save, success=saved, page=page)

"""The unit's standing orders, edited by its officers: the form, the
versions kept, and a word on when a change applies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from governance.access import mfa_enforced
from meetings import permissions, selectors
from meetings.forms import StandingOrdersForm
from meetings.models.meetings import ORDERS_FIELDS
from meetings.services.standing_orders import standing_orders_update
from meetings.views.common import unit_or_404
from meetings.views.console import _schedule_scope


@login_required
@mfa_enforced(_schedule_scope)
@require_http_methods(["GET", "POST"])
def standing_orders_edit(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = unit_or_404(unit_slug)
    if not permissions.is_officer(user=request.user, unit=unit):
        raise PermissionDenied("Only the unit's officers change its standing orders.")
    current = selectors.standing_orders_for(unit=unit)
    form = StandingOrdersForm(request.POST if request.method == "POST" else None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in ORDERS_FIELDS}
            try:
                version = standing_orders_update(
                    unit=unit, actor=request.user, values=values, note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"Standing orders saved as version {version.number}. "
                    "They apply from the next meeting to start; a meeting in progress keeps its own.",
                )
                return redirect("meetings:standing_orders", unit.slug)
        else:
            status = 400
    return render(
        request,
        "meetings/standing_orders.html",
        {
            "unit": unit,
            "form": form,
            "versions": selectors.standing_orders_versions(unit=unit),
            "in_progress": selectors.meeting_list_upcoming(unit=unit).filter(state="in_progress"),
        },
        status=status,
    )

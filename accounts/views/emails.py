"""E-mail logs: a member's own, and a unit's for those who manage it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts import email_log, selectors
from governance.models import Unit

PAGE_SIZE = 50


def _page(request: HttpRequest, rows: object) -> object:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]


@require_GET
@login_required
def my_emails(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.email_log_rows(person=request.user))
    return render(request, "accounts/email_log_mine.html", {"page": page, "kinds": selectors.EMAIL_KINDS})


@require_GET
@login_required
def unit_emails(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts per kind and the members, each linking to their list. A
    refusal by the gate is the 403 page, or the way to MFA
    (``governance.middleware``)."""
    unit = get_object_or_404(Unit, slug=slug)
    counts = email_log.email_counts_for_unit(actor=request.user, unit=unit)
    members = _page(request, email_log.email_log_members(actor=request.user, unit=unit))
    return render(request, "accounts/email_log_unit.html", {"unit": unit, "counts": counts, "page": members})


@require_GET
@login_required
def member_emails(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    unit = get_object_or_404(Unit, slug=slug)
    person, rows = email_log.email_log_for_member(actor=request.user, unit=unit, person_id=person_id)
    if person is None:
        raise Http404("No such member of this unit.")
    return render(
        request,
        "accounts/email_log_member.html",
        {"unit": unit, "person": person, "page": _page(request, rows), "kinds": selectors.EMAIL_KINDS},
    )

"""Governance pages: the public "who runs it" pages and officers' roll pages.

Views validate and render; the work is in services and selectors.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from governance import roll_csv, selectors
from governance.access import mfa_enforced
from governance.forms import RollUploadForm
from governance.models import Body, GoverningDocument, Office, RollImport, Unit
from governance.permissions import is_unit_officer
from governance.services.roll_jobs import roll_import_progress_get, roll_import_request


def _unit_scope(request: HttpRequest, slug: str, **kwargs: Any) -> dict[str, Any]:
    """The roll pages are officer pages: MFA where this unit demands it."""
    return {"unit": Unit.objects.filter(slug=slug).first()}


def network(request: HttpRequest) -> HttpResponse:
    """The tree of units, national → regions → branches."""
    return render(request, "governance/network.html", {"tree": selectors.unit_tree()})


def body_detail(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    try:
        body = selectors.body_detail(unit_slug=slug, body_id=body_id)
    except Body.DoesNotExist:
        raise Http404("There is no such body.") from None
    context = {"body": body, "unit": body.unit, "ancestors": selectors.unit_ancestors(unit=body.unit)}
    return render(request, "governance/body.html", context)


def office_detail(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    try:
        office = selectors.office_detail(unit_slug=slug, office_id=office_id)
    except Office.DoesNotExist:
        raise Http404("There is no such office.") from None
    context = {"office": office, "unit": office.unit, "ancestors": selectors.unit_ancestors(unit=office.unit)}
    return render(request, "governance/office.html", context)


def document_detail(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    try:
        document = selectors.document_detail(unit_slug=slug, document_id=document_id)
    except GoverningDocument.DoesNotExist:
        raise Http404("There is no such document.") from None
    versions = list(document.versions.all())
    return render(
        request,
        "governance/document.html",
        {
            "document": document,
            "unit": document.unit,
            "ancestors": selectors.unit_ancestors(unit=document.unit),
            "current": versions[0] if versions else None,
            "versions": versions,
        },
    )


def _officer_unit(request: HttpRequest, slug: str) -> Unit:
    unit = get_object_or_404(Unit, slug=slug)
    if not is_unit_officer(user=request.user, unit=unit):
        raise PermissionDenied(f"Only officers of {unit.name} can see its roll.")
    return unit


@login_required
@mfa_enforced(_unit_scope)
@require_http_methods(["GET", "POST"])
def roll(request: HttpRequest, slug: str) -> HttpResponse:
    """An officer's view of the roll: upload an import, export, search."""
    unit = _officer_unit(request, slug)
    form = RollUploadForm(request.POST, request.FILES) if request.method == "POST" else RollUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = roll_import_request(
                unit=unit,
                uploaded_by=request.user,
                filename=upload.name,
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("governance:roll-import", slug=unit.slug, import_id=job.pk)
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    members = Paginator(selectors.membership_list_for_unit(unit=unit, search=search), 50).get_page(
        request.GET.get("page")
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "governance/roll.html",
        {
            "unit": unit,
            "form": form,
            "imports": selectors.roll_import_list(unit=unit),
            "members": members,
            "search": search,
            "counts": selectors.unit_member_counts(unit=unit),
        },
        status=status,
    )


@login_required
@mfa_enforced(_unit_scope)
def roll_import_detail(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """Progress of an import, refreshing itself until it has finished."""
    unit = _officer_unit(request, slug)
    job = get_object_or_404(RollImport.objects.defer("content"), pk=import_id, unit=unit)
    return render(
        request,
        "governance/roll_import.html",
        {"unit": unit, "job": job, "progress": roll_import_progress_get(roll_import=job)},
    )


@login_required
@mfa_enforced(_unit_scope)
def roll_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The unit's roll as CSV, in the import's format (so it can be edited and re-imported)."""
    unit = _officer_unit(request, slug)
    response = StreamingHttpResponse(
        roll_csv.write(selectors.roll_export_rows(unit=unit)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="roll-{unit.slug}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_memberships(request: HttpRequest) -> HttpResponse:
    """A member's own memberships and offices, and their data-protection rights."""
    return render(
        request,
        "governance/my_memberships.html",
        {
            "memberships": selectors.membership_list_for_person(person=request.user),
            "holdings": selectors.office_holding_list_for_person(person=request.user),
        },
    )

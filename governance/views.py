"""Governance pages: the public "who runs it" pages and officers' roll pages.

Views validate and render; the work is in services and selectors.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.views_forms import run_form
from governance import roll_csv, selectors
from governance.access import access_unit
from governance.forms import RollUploadForm
from governance.gate import Act
from governance.models import Body, GoverningDocument, Office, RollImport, Unit
from governance.services.roll_jobs import roll_import_progress_get, roll_import_request


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
    return access_unit(request.user, slug, Act.MANAGE_UNIT, doing="see its roll")


@login_required
@require_http_methods(["GET", "POST"])
def roll(request: HttpRequest, slug: str) -> HttpResponse:
    """An officer's view of the roll: upload an import, export, search."""
    unit = _officer_unit(request, slug)
    form = RollUploadForm(request.POST, request.FILES) if request.method == "POST" else RollUploadForm()
    return run_form(
        form,
        lambda: roll_import_request(
            unit=unit,
            uploaded_by=request.user,
            filename=form.cleaned_data["file"].name,
            data=form.cleaned_data["file"].read(),
            dry_run=form.cleaned_data["dry_run"],
        ),
        success=lambda job: redirect("governance:roll-import", slug=unit.slug, import_id=job.pk),
        # a refused upload is the form's error: 400, whatever the refusal's status
        page=lambda status: _roll_page(request, unit, form, status=200 if status == 200 else 400),
        field="file",
    )


def _roll_page(request: HttpRequest, unit: Unit, form: RollUploadForm, *, status: int = 200) -> HttpResponse:
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    members = Paginator(selectors.membership_list_for_unit(unit=unit, search=search), 50).get_page(
        request.GET.get("page")
    )
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

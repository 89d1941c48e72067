"""Officers' pages: managing a unit's bodies, offices, appointments and documents.

Only officers of the unit (or of a unit above it) and national
administrators get in; everyone else gets a 403 saying why, and anonymous
visitors are sent to sign in. Where the unit demands two-factor
authentication of its officers, these pages demand it. Every change is a
POST with a CSRF token, made by a service; a refused change re-renders the
form with the reason and a 4xx status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import BaseForm as Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from governance import selectors
from governance.access import mfa_enforced
from governance.forms import AppointForm, BodyForm, DocumentForm, DocumentVersionForm, EndDateForm, OfficeForm
from governance.models import Body, GoverningDocument, Holding, Office, Unit
from governance.permissions import is_unit_officer
from governance.services import bodies as body_services
from governance.services.documents import document_create, document_version_adopt
from governance.services.holdings import holding_appoint, holding_end


def _scope(request: HttpRequest, slug: str, **kwargs: Any) -> dict[str, Any]:
    return {"unit": Unit.objects.filter(slug=slug).first()}


def _managed_unit(request: HttpRequest, slug: str) -> Unit:
    unit = get_object_or_404(Unit, slug=slug)
    if not is_unit_officer(user=request.user, unit=unit):
        raise PermissionDenied(
            f"Only officers of {unit.name} and national administrators can manage its bodies, offices and documents."
        )
    return unit


def _refused(form: Form, exc: DomainError) -> int:
    """Show a service's refusal on the form; the status to answer with."""
    form.add_error(None, exc.message)
    return exc.status


def officer_view(methods: list[str]) -> Any:
    """Signed in, MFA where the unit demands it, and only the given methods."""

    def decorator(view: Any) -> Any:
        return login_required(mfa_enforced(_scope)(require_http_methods(methods)(view)))

    return decorator


@officer_view(["GET"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The officer's overview: bodies, offices with vacancies, documents."""
    unit = _managed_unit(request, slug)
    detail = selectors.unit_detail(slug=unit.slug)
    return render(request, "governance/manage/unit.html", {"unit": detail})


# --- Bodies ---


@officer_view(["GET", "POST"])
def body_new(request: HttpRequest, slug: str) -> HttpResponse:
    unit = _managed_unit(request, slug)
    form = BodyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                body = body_services.body_create(unit=unit, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"{body.name} has been set up.")
                return redirect("governance:manage-body", slug=unit.slug, body_id=body.pk)
    return render(request, "governance/manage/body_new.html", {"unit": unit, "form": form}, status=status)


def _body_page(request: HttpRequest, unit: Unit, body_id: int, *, status: int = 200, **forms: Form) -> HttpResponse:
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    history = list(selectors.holding_list(body_id=body.pk).select_related("ballot_question"))
    context = {
        "unit": unit,
        "body": body,
        "current": [
            (h, forms.get(f"end_{h.pk}") or EndDateForm(prefix=f"end-{h.pk}")) for h in history if h.is_current
        ],
        "history": history,
        "edit_form": forms.get("edit_form") or BodyForm(instance=Body.objects.get(pk=body.pk)),
        "appoint_form": forms.get("appoint_form") or AppointForm(unit=unit, prefix="appoint"),
        "end_mandate_form": forms.get("end_mandate_form") or EndDateForm(prefix="mandate"),
    }
    return render(request, "governance/manage/body.html", context, status=status)


@officer_view(["GET", "POST"])
def body_manage(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    """A body's page for officers: edit it, appoint to it, end terms, end its mandate."""
    unit = _managed_unit(request, slug)
    if request.method == "GET":
        return _body_page(request, unit, body_id)
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    form = BodyForm(request.POST, instance=Body.objects.get(pk=body.pk))
    status = 400
    if form.is_valid():
        try:
            body_services.body_update(body=body, data=form.cleaned_data, actor=request.user)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "The body has been updated.")
            return redirect("governance:manage-body", slug=unit.slug, body_id=body.pk)
    return _body_page(request, unit, body_id, status=status, edit_form=form)


@officer_view(["POST"])
def body_appoint(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    unit = _managed_unit(request, slug)
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    form = AppointForm(request.POST, unit=unit, prefix="appoint")
    status = 400
    if form.is_valid():
        try:
            holding = holding_appoint(body=body, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"{holding.person} now sits on {body.name}.")
            return redirect("governance:manage-body", slug=unit.slug, body_id=body.pk)
    return _body_page(request, unit, body_id, status=status, appoint_form=form)


@officer_view(["POST"])
def body_end_mandate(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    unit = _managed_unit(request, slug)
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    form = EndDateForm(request.POST, prefix="mandate")
    status = 400
    if form.is_valid():
        try:
            body_services.body_mandate_end(body=body, ends_on=form.cleaned_data["ends_on"], actor=request.user)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"The mandate of {body.name} has ended.")
            return redirect("governance:manage-body", slug=unit.slug, body_id=body.pk)
    return _body_page(request, unit, body_id, status=status, end_mandate_form=form)


# --- Offices ---


@officer_view(["GET", "POST"])
def office_new(request: HttpRequest, slug: str) -> HttpResponse:
    unit = _managed_unit(request, slug)
    form = OfficeForm(request.POST or None, unit=unit)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                office = body_services.office_create(unit=unit, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"The office of {office.title} has been set up.")
                return redirect("governance:manage-office", slug=unit.slug, office_id=office.pk)
    return render(request, "governance/manage/office_new.html", {"unit": unit, "form": form}, status=status)


def _office_page(request: HttpRequest, unit: Unit, office_id: int, *, status: int = 200, **forms: Form) -> HttpResponse:
    office = get_object_or_404(Office.objects.select_related("body"), pk=office_id, unit=unit)
    history = list(selectors.holding_list(office_id=office.pk).select_related("ballot_question"))
    current = [h for h in history if h.is_current]
    context = {
        "unit": unit,
        "office": office,
        "vacancies": max(office.seats - len(current), 0),
        "current": [(h, forms.get(f"end_{h.pk}") or EndDateForm(prefix=f"end-{h.pk}")) for h in current],
        "history": history,
        "edit_form": forms.get("edit_form") or OfficeForm(instance=Office.objects.get(pk=office.pk), unit=unit),
        "appoint_form": forms.get("appoint_form") or AppointForm(unit=unit, prefix="appoint"),
    }
    return render(request, "governance/manage/office.html", context, status=status)


@officer_view(["GET", "POST"])
def office_manage(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    """An office's page for officers: edit it, see its vacancy, appoint, end terms."""
    unit = _managed_unit(request, slug)
    if request.method == "GET":
        return _office_page(request, unit, office_id)
    office = get_object_or_404(Office, pk=office_id, unit=unit)
    form = OfficeForm(request.POST, instance=Office.objects.get(pk=office.pk), unit=unit)
    status = 400
    if form.is_valid():
        try:
            body_services.office_update(office=office, data=form.cleaned_data, actor=request.user)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "The office has been updated.")
            return redirect("governance:manage-office", slug=unit.slug, office_id=office.pk)
    return _office_page(request, unit, office_id, status=status, edit_form=form)


@officer_view(["POST"])
def office_appoint(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    unit = _managed_unit(request, slug)
    office = get_object_or_404(Office, pk=office_id, unit=unit)
    form = AppointForm(request.POST, unit=unit, prefix="appoint")
    status = 400
    if form.is_valid():
        try:
            holding = holding_appoint(office=office, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"{holding.person} has been appointed {office.title}.")
            return redirect("governance:manage-office", slug=unit.slug, office_id=office.pk)
    return _office_page(request, unit, office_id, status=status, appoint_form=form)


@officer_view(["POST"])
def holding_end_view(request: HttpRequest, slug: str, holding_id: int) -> HttpResponse:
    """End one person's term in an office or on a body of the unit."""
    unit = _managed_unit(request, slug)
    holdings = Holding.objects.filter(Q(office__unit=unit) | Q(body__unit=unit)).select_related("person")
    holding = get_object_or_404(holdings, pk=holding_id)
    form = EndDateForm(request.POST, prefix=f"end-{holding.pk}")
    status = 400
    if form.is_valid():
        try:
            holding_end(holding=holding, ends_on=form.cleaned_data["ends_on"], actor=request.user)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"The term of {holding.person} has ended.")
            if holding.office_id:
                return redirect("governance:manage-office", slug=unit.slug, office_id=holding.office_id)
            return redirect("governance:manage-body", slug=unit.slug, body_id=holding.body_id)
    key = {f"end_{holding.pk}": form}
    if holding.office_id:
        return _office_page(request, unit, holding.office_id, status=status, **key)  # type: ignore[arg-type]
    return _body_page(request, unit, holding.body_id, status=status, **key)  # type: ignore[arg-type]


# --- Governing documents ---


@officer_view(["GET", "POST"])
def document_new(request: HttpRequest, slug: str) -> HttpResponse:
    unit = _managed_unit(request, slug)
    form = DocumentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                document = document_create(unit=unit, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"{document.title} has been created; adopt its first version.")
                return redirect("governance:manage-document", slug=unit.slug, document_id=document.pk)
    return render(request, "governance/manage/document_new.html", {"unit": unit, "form": form}, status=status)


@officer_view(["GET", "POST"])
def document_adopt(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    """Adopt a new numbered version. The form carries the number it was drafted
    against, so adopting over someone else's newer version is refused."""
    unit = _managed_unit(request, slug)
    document = get_object_or_404(GoverningDocument, pk=document_id, unit=unit)
    latest = document.versions.order_by("-number").first()
    status = 200
    if request.method == "POST":
        form = DocumentVersionForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                version = document_version_adopt(document=document, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"Version {version.number} has been adopted.")
                return redirect(reverse("governance:document", args=[unit.slug, document.pk]))
    else:
        form = DocumentVersionForm(
            initial={"text": latest.text if latest else "", "amends_number": latest.number if latest else 0}
        )
    return render(
        request,
        "governance/manage/document_adopt.html",
        {"unit": unit, "document": document, "latest": latest, "form": form},
        status=status,
    )

"""Officers' pages: managing a unit's bodies, offices, appointments and documents.

Only officers of the unit (or of a unit above it) and national
administrators get in; everyone else gets a 403 saying why, and anonymous
visitors are sent to sign in. Where the unit demands two-factor
authentication of its officers, these pages demand it. Every change is a
POST with a CSRF token, made by a service; a refused change re-renders the
form with the reason and a 4xx status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.forms import BaseForm as Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from core.views_forms import done, run_form
from governance import selectors
from governance.access import access_unit
from governance.forms import AppointForm, BodyForm, DocumentForm, DocumentVersionForm, EndDateForm, OfficeForm
from governance.gate import Act
from governance.models import Body, GoverningDocument, Holding, Office, Unit
from governance.services import bodies as body_services
from governance.services.documents import document_create, document_version_adopt
from governance.services.holdings import holding_appoint, holding_end


def _managed_unit(request: HttpRequest, slug: str) -> Unit:
    return access_unit(
        request.user,
        slug,
        Act.MANAGE_UNIT,
        refused_as="Only officers of {unit} and national administrators can manage its bodies, offices and documents.",
    )


@login_required
@require_http_methods(["GET"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The officer's overview: bodies, offices with vacancies, documents."""
    unit = _managed_unit(request, slug)
    detail = selectors.unit_detail(slug=unit.slug)
    return render(request, "governance/manage/unit.html", {"unit": detail})


# --- Bodies ---


def _new_page(
    request: HttpRequest,
    slug: str,
    form_for: Callable[[Any, Unit], Form],
    what: str,
    create: Callable[..., Any],
    created: Callable[[Any], tuple[str, str, dict[str, int]]],
) -> HttpResponse:
    """A page that sets something up in the unit (a body, an office, a
    document): the form ``form_for(POST or None, unit)``, then
    ``create(unit=…, actor=…, **cleaned_data)``; ``created(thing)`` gives
    the message, the page to go to and its ids."""
    unit = _managed_unit(request, slug)
    data = request.POST if request.method == "POST" else None
    form = form_for(data, unit)

    def page(status: int) -> HttpResponse:
        return render(request, f"governance/manage/{what}_new.html", {"unit": unit, "form": form}, status=status)

    def success(thing: Any) -> HttpResponse:
        message, url, ids = created(thing)
        return done(request, message, url, slug=unit.slug, **ids)

    return run_form(
        form, lambda: create(unit=unit, actor=request.user, **form.cleaned_data), success=success, page=page
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _new_page(
        request,
        slug,
        lambda data, unit: BodyForm(data),
        "body",
        body_services.body_create,
        lambda body: (f"{body.name} has been set up.", "governance:manage-body", {"body_id": body.pk}),
    )


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


def _on_seat_page(
    request: HttpRequest,
    unit: Unit,
    seat: Body | Office,
    form: Form,
    key: str,
    action: Callable[[], Any],
    message: Callable[[Any], str],
) -> HttpResponse:
    """A change made with a form on a body's or an office's page: done, back
    to the page with ``message``; otherwise the page again, the form (under
    ``key``) saying why."""
    show: Callable[..., HttpResponse]
    if isinstance(seat, Body):
        url, ids, show = "governance:manage-body", {"body_id": seat.pk}, _body_page
    else:
        url, ids, show = "governance:manage-office", {"office_id": seat.pk}, _office_page
    return run_form(
        form,
        action,
        success=lambda result: done(request, message(result), url, slug=unit.slug, **ids),
        page=lambda status: show(request, unit, seat.pk, status=status, **{key: form}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_manage(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    """A body's page for officers: edit it, appoint to it, end terms, end its mandate."""
    unit = _managed_unit(request, slug)
    if request.method == "GET":
        return _body_page(request, unit, body_id)
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    form = BodyForm(request.POST, instance=Body.objects.get(pk=body.pk))
    return _on_seat_page(
        request,
        unit,
        body,
        form,
        "edit_form",
        lambda: body_services.body_update(body=body, data=form.cleaned_data, actor=request.user),
        lambda _: "The body has been updated.",
    )


@login_required
@require_http_methods(["POST"])
def body_appoint(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    unit = _managed_unit(request, slug)
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    form = AppointForm(request.POST, unit=unit, prefix="appoint")
    return _on_seat_page(
        request,
        unit,
        body,
        form,
        "appoint_form",
        lambda: holding_appoint(body=body, actor=request.user, **form.cleaned_data),
        lambda holding: f"{holding.person} now sits on {body.name}.",
    )


@login_required
@require_http_methods(["POST"])
def body_end_mandate(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    unit = _managed_unit(request, slug)
    body = get_object_or_404(Body, pk=body_id, unit=unit)
    form = EndDateForm(request.POST, prefix="mandate")
    return _on_seat_page(
        request,
        unit,
        body,
        form,
        "end_mandate_form",
        lambda: body_services.body_mandate_end(body=body, ends_on=form.cleaned_data["ends_on"], actor=request.user),
        lambda _: f"The mandate of {body.name} has ended.",
    )


# --- Offices ---


@login_required
@require_http_methods(["GET", "POST"])
def office_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _new_page(
        request,
        slug,
        lambda data, unit: OfficeForm(data, unit=unit),
        "office",
        body_services.office_create,
        lambda office: (
            f"The office of {office.title} has been set up.",
            "governance:manage-office",
            {"office_id": office.pk},
        ),
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def office_manage(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    """An office's page for officers: edit it, see its vacancy, appoint, end terms."""
    unit = _managed_unit(request, slug)
    if request.method == "GET":
        return _office_page(request, unit, office_id)
    office = get_object_or_404(Office, pk=office_id, unit=unit)
    form = OfficeForm(request.POST, instance=Office.objects.get(pk=office.pk), unit=unit)
    return _on_seat_page(
        request,
        unit,
        office,
        form,
        "edit_form",
        lambda: body_services.office_update(office=office, data=form.cleaned_data, actor=request.user),
        lambda _: "The office has been updated.",
    )


@login_required
@require_http_methods(["POST"])
def office_appoint(request: HttpRequest, slug: str, office_id: int) -> HttpResponse:
    unit = _managed_unit(request, slug)
    office = get_object_or_404(Office, pk=office_id, unit=unit)
    form = AppointForm(request.POST, unit=unit, prefix="appoint")
    return _on_seat_page(
        request,
        unit,
        office,
        form,
        "appoint_form",
        lambda: holding_appoint(office=office, actor=request.user, **form.cleaned_data),
        lambda holding: f"{holding.person} has been appointed {office.title}.",
    )


@login_required
@require_http_methods(["POST"])
def holding_end_view(request: HttpRequest, slug: str, holding_id: int) -> HttpResponse:
    """End one person's term in an office or on a body of the unit."""
    unit = _managed_unit(request, slug)
    holdings = Holding.objects.filter(Q(office__unit=unit) | Q(body__unit=unit)).select_related("person")
    holding = get_object_or_404(holdings, pk=holding_id)
    form = EndDateForm(request.POST, prefix=f"end-{holding.pk}")
    return _on_seat_page(
        request,
        unit,
        holding.office or holding.body,  # type: ignore[arg-type]
        form,
        f"end_{holding.pk}",
        lambda: holding_end(holding=holding, ends_on=form.cleaned_data["ends_on"], actor=request.user),
        lambda _: f"The term of {holding.person} has ended.",
    )


# --- Governing documents ---


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _new_page(
        request,
        slug,
        lambda data, unit: DocumentForm(data),
        "document",
        document_create,
        lambda document: (
            f"{document.title} has been created; adopt its first version.",
            "governance:manage-document",
            {"document_id": document.pk},
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_adopt(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    """Adopt a new numbered version. The form carries the number it was drafted
    against, so adopting over someone else's newer version is refused."""
    unit = _managed_unit(request, slug)
    document = get_object_or_404(GoverningDocument, pk=document_id, unit=unit)
    latest = document.versions.order_by("-number").first()
    if request.method == "POST":
        form = DocumentVersionForm(request.POST)
    else:
        form = DocumentVersionForm(
            initial={"text": latest.text if latest else "", "amends_number": latest.number if latest else 0}
        )

    def page(status: int = 200) -> HttpResponse:
        context = {"unit": unit, "document": document, "latest": latest, "form": form}
        return render(request, "governance/manage/document_adopt.html", context, status=status)

    return run_form(
        form,
        lambda: document_version_adopt(document=document, actor=request.user, **form.cleaned_data),
        success=lambda version: done(
            request, f"Version {version.number} has been adopted.", "governance:document", unit.slug, document.pk
        ),
        page=page,
    )

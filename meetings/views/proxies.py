"""Proxies: a member appoints or revokes a proxy before the meeting; a
holder in the room votes for each principal from their phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, ErrorCode
from core.views_forms import done, run_action, run_form
from governance.models import Unit
from meetings import permissions
from meetings.access import access_meeting, find_meeting
from meetings.models import Meeting, MeetingDelegate
from meetings.selectors import is_eligible, standing_orders_of_meeting
from meetings.services.proxies import (
    MAX_DELEGATE_WEIGHT,
    meeting_delegate_set,
    proxies_held,
    proxy_appoint_by_email,
    proxy_deadline,
    proxy_list,
    proxy_of,
    proxy_revoke,
    proxy_vote_cast,
)
from meetings.views.common import cast_and_return

User = get_user_model()


class DelegateForm(forms.Form):
    delegate_email = forms.EmailField(label="Delegate's e-mail address", max_length=254)
    represents = forms.ChoiceField(label="Represents")
    weight = forms.IntegerField(
        min_value=0, max_value=MAX_DELEGATE_WEIGHT, label="Votes carried", help_text="0 removes the delegate."
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(path__startswith=meeting.unit.path).order_by("path")
        self.fields["represents"].choices = [(u.slug, u.name) for u in units]  # type: ignore[attr-defined]


class ProxyAppointForm(forms.Form):
    holder_email = forms.EmailField(
        label="Your proxy's e-mail address",
        max_length=254,
        help_text="The member who will vote for you if you are not in the room.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def proxy_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = find_meeting(meeting_id)
    form = ProxyAppointForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return _proxy_page(request, meeting, form, DelegateForm(meeting=meeting))
    return run_form(
        form,
        lambda: proxy_appoint_by_email(
            meeting_id=meeting.pk, principal=request.user, holder_email=form.cleaned_data["holder_email"]
        ),
        success=lambda appointment: done(
            request, f"{appointment.holder} is your proxy for {meeting.title}.", "meetings:proxy", meeting.pk
        ),
        page=lambda status: _proxy_page(request, meeting, form, DelegateForm(meeting=meeting), status=status),
        field="holder_email",
    )


def _proxy_page(
    request: HttpRequest, meeting: Meeting, form: Any, delegate_form: Any, *, status: int = 200
) -> HttpResponse:
    orders = standing_orders_of_meeting(meeting=meeting)
    is_officer = permissions.is_officer(user=request.user, unit=meeting.unit)
    return render(
        request,
        "meetings/proxy.html",
        {
            "meeting": meeting,
            "orders": orders,
            "deadline": proxy_deadline(meeting=meeting),
            "form": form,
            "mine": proxy_of(meeting=meeting, principal=request.user),
            "held": list(proxies_held(meeting=meeting, holder=request.user)),
            "eligible": is_eligible(meeting=meeting, person=request.user),
            "proxy_list": list(proxy_list(meeting=meeting)) if is_officer else None,
            "delegate_form": delegate_form if is_officer else None,
            "delegates": list(MeetingDelegate.objects.filter(meeting=meeting).select_related("person", "represents"))
            if is_officer
            else [],
        },
        status=status,
    )


@login_required
@require_POST
def delegate_set_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """An officer names a delegate and the votes they carry (0 removes)."""
    meeting = access_meeting(request.user, meeting_id, doing="name delegates")
    delegate_form = DelegateForm(request.POST, meeting=meeting)

    def name() -> None:
        data = delegate_form.cleaned_data
        person = User.objects.filter(email__iexact=data["delegate_email"].strip(), is_active=True).first()
        if person is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No member is registered with that e-mail address.")
        meeting_delegate_set(
            meeting_id=meeting.pk,
            actor=request.user,
            person=person,
            represents=Unit.objects.get(slug=data["represents"]),
            weight=data["weight"],
        )

    return run_form(
        delegate_form,
        name,
        success=lambda _: done(request, "Delegates updated.", "meetings:proxy", meeting.pk),
        page=lambda status: _proxy_page(request, meeting, ProxyAppointForm(), delegate_form, status=400),
    )


@login_required
@require_POST
def proxy_revoke_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = find_meeting(meeting_id)
    back = redirect("meetings:proxy", meeting.pk)
    return run_action(
        lambda: proxy_revoke(meeting_id=meeting.pk, principal=request.user),
        success=lambda _: done(
            request, "Your proxy is revoked: you vote only in person.", "meetings:proxy", meeting.pk
        ),
        failure=lambda exc: back,
        request=request,
    )


@login_required
@require_POST
def proxy_vote_cast_view(request: HttpRequest, vote_id: int) -> HttpResponse:
    principal = request.POST.get("principal", "")

    def cast() -> Any:
        if not principal.isdigit() or len(principal) > 18:
            raise DomainError(ErrorCode.INVALID, "Choose the member you are voting for.")
        return proxy_vote_cast(
            vote_id=vote_id,
            holder=request.user,
            principal_id=int(principal),
            choice=request.POST.get("choice", ""),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )

    return cast_and_return(request, vote_id, cast, recorded="The proxy vote is recorded.", receipt="Its receipt")

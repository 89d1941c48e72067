"""Proxies: a member appoints or revokes a proxy before the meeting; a
holder in the room votes for each principal from their phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from governance.access import mfa_enforced
from governance.models import Unit
from meetings import permissions
from meetings.models import Meeting, MeetingDelegate, MeetingVote
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
from meetings.views.console import _meeting_scope
from meetings.views.meetings import _meeting_or_404

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
    meeting = _meeting_or_404(meeting_id)
    form = ProxyAppointForm(request.POST if request.method == "POST" else None)
    return _proxy_page(request, meeting, form, DelegateForm(meeting=meeting))


def _proxy_page(request: HttpRequest, meeting: Meeting, form: Any, delegate_form: Any) -> HttpResponse:
    status = 200
    if delegate_form.is_bound:
        status = 400
    if form.is_bound:
        if form.is_valid():
            try:
                appointment = proxy_appoint_by_email(
                    meeting_id=meeting.pk, principal=request.user, holder_email=form.cleaned_data["holder_email"]
                )
            except DomainError as exc:
                form.add_error("holder_email", exc.message)
                status = exc.status
            else:
                messages.success(request, f"{appointment.holder} is your proxy for {meeting.title}.")
                return redirect("meetings:proxy", meeting.pk)
        else:
            status = 400
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
@mfa_enforced(_meeting_scope)
@require_POST
def delegate_set_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """An officer names a delegate and the votes they carry (0 removes)."""
    meeting = _meeting_or_404(meeting_id)
    if not permissions.is_officer(user=request.user, unit=meeting.unit):
        raise PermissionDenied("Only the unit's officers name delegates.")
    delegate_form = DelegateForm(request.POST, meeting=meeting)
    if delegate_form.is_valid():
        data = delegate_form.cleaned_data
        person = User.objects.filter(email__iexact=data["delegate_email"].strip(), is_active=True).first()
        try:
            if person is None:
                raise DomainError("not_found", "No member is registered with that e-mail address.")
            meeting_delegate_set(
                meeting_id=meeting.pk,
                actor=request.user,
                person=person,
                represents=Unit.objects.get(slug=data["represents"]),
                weight=data["weight"],
            )
        except DomainError as exc:
            delegate_form.add_error(None, exc.message)
        else:
            messages.success(request, "Delegates updated.")
            return redirect("meetings:proxy", meeting.pk)
    return _proxy_page(request, meeting, ProxyAppointForm(), delegate_form)


@login_required
@require_POST
def proxy_revoke_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(meeting_id)
    try:
        proxy_revoke(meeting_id=meeting.pk, principal=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your proxy is revoked: you vote only in person.")
    return redirect("meetings:proxy", meeting.pk)


@login_required
@require_POST
def proxy_vote_cast_view(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = MeetingVote.objects.filter(pk=vote_id).first()
    if vote is None:
        raise Http404("There is no such vote.")
    principal = request.POST.get("principal", "")
    try:
        if not principal.isdigit() or len(principal) > 18:
            raise DomainError("invalid", "Choose the member you are voting for.")
        receipt = proxy_vote_cast(
            vote_id=vote_id,
            holder=request.user,
            principal_id=int(principal),
            choice=request.POST.get("choice", ""),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "The proxy vote is recorded." + (f" Its receipt: {receipt.receipt}" if receipt else "")
        )
    return redirect("meetings:meeting", vote.meeting_id)

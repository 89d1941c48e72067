"""Proxies: a member appoints or revokes a proxy before the meeting; a
holder in the room votes for each principal from their phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from meetings import permissions
from meetings.models import MeetingVote
from meetings.selectors import is_eligible, standing_orders_for
from meetings.services.proxies import (
    proxies_held,
    proxy_appoint,
    proxy_deadline,
    proxy_list,
    proxy_of,
    proxy_revoke,
    proxy_vote_cast,
)
from meetings.views.meetings import _meeting_or_404

User = get_user_model()


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
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["holder_email"].strip()
            holder = User.objects.filter(email__iexact=email, is_active=True).first()
            try:
                if holder is None:
                    raise DomainError("not_found", f"No member is registered with the e-mail address “{email}”.")
                appointment = proxy_appoint(meeting_id=meeting.pk, principal=request.user, holder=holder)
            except DomainError as exc:
                form.add_error("holder_email", exc.message)
                status = exc.status
            else:
                messages.success(request, f"{appointment.holder} is your proxy for {meeting.title}.")
                return redirect("meetings:proxy", meeting.pk)
        else:
            status = 400
    orders = standing_orders_for(unit=meeting.unit)
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
            "proxy_list": list(proxy_list(meeting=meeting))
            if permissions.is_officer(user=request.user, unit=meeting.unit)
            else None,
        },
        status=status,
    )


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
        if not principal.isdigit():
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

"""A member's own pages: overview, preferences, unsubscribe (the data export is portal's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from accounts import attention, roles, selectors, services
from accounts.forms import PreferencesForm
from accounts.models import User
from ballots import selectors as ballot_selectors
from core.views_forms import run_action
from governance import selectors as governance_selectors
from governance.models import Unit


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it; narrows the type
    ballots = list(ballot_selectors.ballot_list_for_voter(user=user))
    officer_units = Unit.objects.filter(pk__in=roles.officer_unit_ids(user)).order_by("name")
    context = {
        "open_ballots": [b for b in ballots if b.state == "open"],
        "past_ballots": [b for b in ballots if b.state != "open"],
        "memberships": governance_selectors.membership_list_for_person(person=user),
        "offices": governance_selectors.office_holding_list_for_person(person=user),
        "motions": selectors.motions_proposed(user=user)[:20],
        "attention": attention.attention_items(user=user),
        "emails": selectors.email_log_rows(person=user)[:5],
        "officer": selectors.officer_overview(user=user),
        "secondings": selectors.motions_seconded(user=user)[:20],
        "officer_units": officer_units,
        "mfa_enabled": roles.mfa_enabled(user),
        "mfa_required": roles.mfa_required(user),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(
            user=user,
            optional_email=form.cleaned_data["optional_email"],
            attention_digest=form.cleaned_data["attention_digest"],
        )
        messages.success(request, "Your preferences are saved.")
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@csrf_exempt  # one-click unsubscribe (RFC 8058) posts from the mail client; the signed token is the credential
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST does it."""
    from accounts.tokens import unsubscribe_token_read

    posted = request.method == "POST"
    return run_action(
        lambda: services.unsubscribe(token=token) if posted else unsubscribe_token_read(token=token),
        success=lambda done: render(
            request, "accounts/unsubscribe.html", {"done": posted, "person": done[0], "scope": done[1]}
        ),
        failure=lambda exc: render(request, "accounts/unsubscribe.html", {"error": exc.message}, status=exc.status),
    )

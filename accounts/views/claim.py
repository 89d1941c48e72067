"""Claiming an invitation: the link from the e-mail, then choosing a password.

Like Django's password reset, the token moves from the URL into the session
and the browser is redirected, so the token is not left in the address bar,
history or a Referer header. Signing in afterwards goes through allauth's
public ``LoginForm`` with the password just chosen, exactly as the sign-in
page would: allauth records the authentication, applies its rate limits
and runs its login stages. Nothing here touches allauth's ``internal``
package. (Recent allauth versions ask for the password once more before an
authenticator is added, whatever the sign-in was; that prompt is allauth's
own security rule and is kept.)
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services, tokens
from accounts.error_codes import AccountErrorCode as Code
from accounts.forms import ClaimForm
from core.client_ip import client_ip
from core.errors import DomainError
from core.views_forms import run_action

CLAIM_SESSION_KEY = "accounts.claim_token"


def _invalid(request: HttpRequest, error: DomainError) -> HttpResponse:
    request.session.pop(CLAIM_SESSION_KEY, None)
    return render(
        request, "accounts/claim_invalid.html", {"message": error.message, "code": error.code}, status=error.status
    )


@never_cache
def claim(request: HttpRequest, token: str) -> HttpResponse:
    def claiming(_: Any) -> HttpResponse:
        if request.user.is_authenticated:
            logout(request)  # someone else's session in this browser must not survive a claim
        request.session[CLAIM_SESSION_KEY] = token
        return redirect("accounts:claim_set_password")

    return run_action(
        lambda: tokens.claim_token_user(token=token), success=claiming, failure=lambda exc: _invalid(request, exc)
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def claim_set_password(request: HttpRequest) -> HttpResponse:
    token = request.session.get(CLAIM_SESSION_KEY)
    if not token:
        return _invalid(
            request,
            DomainError(Code.INVITATION_MISSING, "Open the link from your invitation e-mail to claim an account."),
        )
    return run_action(
        lambda: tokens.claim_token_user(token=token),
        success=lambda person: _set_password(request, token, person),
        failure=lambda exc: _invalid(request, exc),
    )


def _set_password(request: HttpRequest, token: str, person: Any) -> HttpResponse:
    form = ClaimForm(person, request.POST if request.method == "POST" else None)

    def claimed(user: Any) -> HttpResponse:
        request.session.pop(CLAIM_SESSION_KEY, None)
        login = LoginForm(data={"login": user.email, "password": form.cleaned_data["new_password1"]}, request=request)
        if not login.is_valid():  # e.g. allauth's sign-in rate limit: the account is claimed, sign in normally
            return redirect("account_login")
        return login.login(request, redirect_url=reverse("accounts:dashboard"))

    if request.method != "POST" or not form.is_valid():
        return render(request, "accounts/claim.html", {"form": form, "person": person})
    return run_action(
        lambda: services.invitation_claim(
            token=token, password=form.cleaned_data["new_password1"], ip_address=client_ip(request)
        ),
        success=claimed,
        failure=lambda exc: _invalid(request, exc),
    )

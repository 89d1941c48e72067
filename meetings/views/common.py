"""Helpers shared by the meetings views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core.views_forms import run_action
from governance.models import Unit


def unit_or_404(slug: str) -> Unit:
    return get_object_or_404(Unit, slug=slug)


def act(request: HttpRequest, action: Callable[[], Any], *, success: str, back: str) -> HttpResponse:
    """Run a service for a POST; its refusal becomes an error message on the
    page the member came from, never a 500."""

    def accepted(_: Any) -> HttpResponse:
        if success:
            messages.success(request, success)
        return redirect(back)

    return run_action(action, success=accepted, failure=lambda exc: redirect(back), request=request)

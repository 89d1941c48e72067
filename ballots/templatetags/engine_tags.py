"""The counting engine's archive on the result page (the recount instructions)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ballots.engine_package import engine_archive

register = template.Library()


@register.simple_tag(takes_context=True)
def counting_engine(context: dict[str, Any]) -> dict[str, str]:
    """Name, version, SHA-256 and absolute address of the engine's archive."""
    archive = engine_archive()
    path = reverse("ballots:engine", args=[archive.filename])
    request = context.get("request")
    return {
        "filename": archive.filename,
        "version": archive.version,
        "sha256": archive.sha256,
        "url": request.build_absolute_uri(path) if request is not None else path,
    }

"""The counting engine's source archive, for observers who recount a result
(``ballots/engine_package.py`` says what is in it and why)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from ballots.engine_package import engine_archive


@require_safe
def engine_download(request: HttpRequest, filename: str) -> HttpResponse:
    """The archive, by its versioned name; its SHA-256 is its ETag, so a
    client that has it gets a 304 and the bytes never change under a name."""
    archive = engine_archive()
    if filename != archive.filename:
        raise Http404(f"There is no {filename}; the engine of this server is {archive.filename}.")
    etag = f'"{archive.sha256}"'
    response = HttpResponse(archive.data, content_type="application/gzip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return get_conditional_response(request, etag=etag, response=response) or response

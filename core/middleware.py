"""Response headers Django does not set itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from psycopg_pool import PoolTimeout


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (django-csp writes the
    Content-Security-Policy, from ``settings.CONTENT_SECURITY_POLICY``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class ApiErrorsAsJsonMiddleware:
    """Under ``/api/``, answer errors Django itself raises (a URL that
    matches no route, say ``/api/ballots/-1/``) with ``{code, message}`` like
    every other API refusal, not with the HTML error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        codes = {
            400: ("invalid", "The request is not valid."),
            403: ("permission_denied", "You may not do this."),
            404: ("not_found", "Not found."),
            405: ("method_not_allowed", "Method not allowed."),
        }
        code, message = codes.get(
            response.status_code,
            ("server_error", "Something went wrong.") if response.status_code >= 500 else ("error", "Refused."),
        )
        json_response = JsonResponse({"code": code, "message": message}, status=response.status_code)
        for header in ("Allow", "Content-Security-Policy", "Permissions-Policy", "Vary"):
            if header in response:
                json_response[header] = response[header]
        return json_response


class RequestBodyLimitMiddleware:
    """Refuse a body longer than the site accepts before anything reads it:
    413 with the limit in the reason. ``multipart/form-data`` (the roll
    upload) may be up to ``REQUEST_UPLOAD_MAX_BYTES``, anything else up to
    ``REQUEST_BODY_MAX_BYTES``. Under WSGI a body without ``Content-Length``
    reads as empty, and the API's JSON parser reads no more than the limit
    whatever the header says (``core.api.parsers``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unparseable length as no body, too
        upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit: int = settings.REQUEST_UPLOAD_MAX_BYTES if upload else settings.REQUEST_BODY_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        message = f"The request body is larger than {limit:,} bytes."
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "payload_too_large", "message": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


BUSY_RETRY_AFTER_S = 5
BUSY_MESSAGE = "The server is busy: nothing you sent was recorded. Please try again in a few seconds."


def _pool_exhausted(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, PoolTimeout):
            return True
        exc = exc.__cause__ if isinstance(exc, OperationalError) else None
    return False


class DatabaseBusyMiddleware(MiddlewareMixin):
    """Every connection of the process's pool busy past ``DB_POOL_TIMEOUT``
    (a national conference's phones all asking at once) is the server being
    busy, not broken: the request never had a connection, so it wrote
    nothing, and it gets a 503 that says so, with ``Retry-After``, instead of
    "something went wrong". The exception is passed here by Django itself,
    on the thread that raised it (a ``handler500`` would read it from
    ``sys.exc_info()``, which under ASGI is another thread's)."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _pool_exhausted(exception):
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"code": "busy", "message": BUSY_MESSAGE}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": BUSY_MESSAGE}), status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_S)
        return response

"""The site's answer to an error no view caught (``handler500``).

One error is not the server's fault and passes by itself: every database
connection of the process's pool busy for longer than ``DB_POOL_TIMEOUT``
(a national conference's phones all asking at once). That request never
had a connection, so it wrote nothing; it gets a 503 that says so, with
``Retry-After``, instead of "something went wrong". Anything else is the
plain 500 page, which does not depend on the database."""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from psycopg_pool import PoolTimeout

BUSY_RETRY_AFTER_S = 5
BUSY_MESSAGE = "The server is busy: nothing you sent was recorded. Please try again in a few seconds."


def _pool_exhausted(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, PoolTimeout):
            return True
        exc = exc.__cause__ if isinstance(exc, OperationalError) else None
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    if _pool_exhausted(sys.exc_info()[1]):
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"code": "busy", "message": BUSY_MESSAGE}, status=503)
        else:
            body = loader.get_template("503.html").render({"message": BUSY_MESSAGE})
            response = HttpResponse(body, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_S)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)

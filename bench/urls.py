"""The platform's URLs plus ``/bench/bare-insert/``: the floor any Django view
that writes one row pays (request parsing, one INSERT, a JSON response)."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as platform_urls


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare (payload) VALUES (%s)", [request.body.decode()[:200]])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/bare-insert/", bare_insert), *platform_urls]

"""ASGI entry point (uvicorn): HTTP goes to Django as before; WebSockets
under /ws/ go to the consumers, with the session's user, and only from
pages served by this site's own hosts (a page elsewhere cannot open a
socket with a member's cookie). On PostgreSQL, the process's database
connections come from a pool of DB_POOL_MAX_SIZE (default 8)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Each request's views run in a thread of their own here, so connections come
# from a bounded pool per process (config/settings/base.py, DB_POOL_MAX_SIZE).
os.environ.setdefault("DB_POOL_MAX_SIZE", "8")
django_application = get_asgi_application()  # sets Django up before the consumers import models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from meetings.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

"""Settings for the test suite: the same as base, with fast hashing.

The database, Redis and SMTP addresses still come from the environment, which
``scripts/test.sh`` points at real PostgreSQL, Redis and a loopback SMTP sink.
"""

import os
import re

# Under pytest-xdist each worker process has its own test database (pytest-django
# adds a suffix) and here its own Redis database, so the Celery workers that one
# test process starts never take another's tasks, nor flush its cache.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _url = os.environ["REDIS_URL"]
    _match = re.search(r"/(\d+)$", _url)
    _db = (int(_match.group(1)) if _match else 0) + 1 + int(_xdist_worker[2:])
    # Redis has 16 databases unless configured otherwise; a base number of 16
    # or more says this one has more, and wrapping would share a database.
    _base = int(_match.group(1)) if _match else 0
    os.environ["REDIS_URL"] = (_url[: _match.start()] if _match else _url.rstrip("/")) + (
        f"/{_db % 16}" if _base < 16 else f"/{_db}"
    )

# A random key for this run, set in the environment so that the worker and
# beat processes the integration tests start (which inherit it) open the
# papers this process seals.
import secrets  # noqa: E402

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False  # type: ignore[no-redef]
# Every test client is 127.0.0.1: the page limits' own tests set a low rate.
PAGE_THROTTLE_RATES = {"public_pages": "100000/min", "result_downloads": "100000/min"}

# In the test process itself tasks run inline; the integration tests start a
# real worker and beat (with base settings) for the paths that need them.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

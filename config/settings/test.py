"""Settings for the test suite: the same as base, with fast hashing.

The database, Redis and SMTP addresses still come from the environment, which
``scripts/test.sh`` points at real PostgreSQL, Redis and a loopback SMTP sink.
"""

from .base import *  # noqa: F403
from .base import env

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

# In the test process itself tasks run inline; the integration tests start a
# real worker and beat (with base settings) for the paths that need them.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

"""Production: base settings with HTTPS flags, and refusing to start without
the variables that must never take a default (secret key, hosts, database,
broker, mail)."""

from django.core.exceptions import ImproperlyConfigured

from config.secret_key import GENERATE, secret_key_problem

from .base import *  # noqa: F403
from .base import env

REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")
_missing = [name for name in REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(f"Production settings need these environment variables: {', '.join(_missing)}")

SECRET_KEY = env.str("SECRET_KEY")
# Refused whatever the database (base.py refuses it only with a database server).
if problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(f"SECRET_KEY is not usable: {problem}. Generate one with: {GENERATE}")
DEBUG = False
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is hard to undo and is the operator's decision, not a default.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Django's deploy check nags (W021) until preloading is on; off is deliberate here.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

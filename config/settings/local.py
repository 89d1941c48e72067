"""Local development and ``make run``: the embedded default, with debug on
unless told otherwise.

With no ``SECRET_KEY`` given, the installation makes its own, random, in
``VAR_DIR/secret_key`` (owner-only) the first time and keeps it, so sessions
survive a restart and the papers of an open ballot stay readable to this
installation alone (``config/secret_key.py``)."""

from django.core.exceptions import ImproperlyConfigured

from config.secret_key import installation_secret_key

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
if not SECRET_KEY:
    try:
        SECRET_KEY = installation_secret_key(VAR_DIR / "secret_key")
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"No SECRET_KEY given and none could be kept in {VAR_DIR}: {exc}") from exc

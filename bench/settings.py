"""Settings for benchmarks: base settings plus a bare-insert view to compare against."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
CONN_MAX_AGE = 60
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The API's rate limits stay on, as in production: the vote endpoint counts
# its own in-process (core/api/throttling.py), so it needs no Redis.

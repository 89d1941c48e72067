"""Settings for benchmarks: base settings plus a bare-insert view to compare against."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
CONN_MAX_AGE = 60
# Warnings and errors (a 500's traceback) to the server's log, which a bench names when it stops.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"level": "WARNING", "handlers": ["console"]},
}
# The API's rate limits stay on, as in production: the vote endpoint counts
# its own in-process (core/api/throttling.py), so it needs no Redis.

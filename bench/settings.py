"""Settings for benchmarks: base settings plus a bare-insert view to compare against."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
CONN_MAX_AGE = 60
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405 - measure voting, not throttling

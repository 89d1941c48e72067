"""Project configuration. Importing it loads the Celery app so that
``shared_task`` binds to it and ``delay_on_commit`` works from Django code."""

from .celery_app import app as celery_app

__all__ = ("celery_app",)

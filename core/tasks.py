"""Thin Celery wrappers around core services."""

from celery import shared_task

from core.emails import outbox_send_pending


@shared_task(name="core.send_pending_outbox")
def send_pending_outbox() -> int:
    """Send what is due in the outbox; safe to run any number of times at once."""
    total = 0
    while (sent := outbox_send_pending(limit=500)) > 0:
        total += sent
    return total

"""Thin Celery wrappers around core services."""

from celery import shared_task

from core.emails import outbox_send_pending

BATCH = 500


@shared_task(name="core.send_pending_outbox", soft_time_limit=120, time_limit=150)
def send_pending_outbox() -> int:
    """Send one bounded batch of what is due in the outbox, and queue another
    run if the batch was full. A long queue (100,000 result e-mails) thus goes
    out as many short tasks, between which the worker takes a ballot's close
    or tally, instead of one task that holds a worker until the queue is
    empty. Safe to run any number of times at once (rows are claimed)."""
    sent = outbox_send_pending(limit=BATCH)
    if sent >= BATCH:
        send_pending_outbox.apply_async()
    return sent

"""Thin Celery wrappers around accounts' services."""

from celery import shared_task

from accounts.digest import attention_digests_send


@shared_task(name="accounts.send_attention_digests", soft_time_limit=1800, time_limit=1900)
def send_attention_digests() -> int:
    """Beat's daily sweep: the "needs your attention" e-mail, to whoever has something new."""
    return attention_digests_send()

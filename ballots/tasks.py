"""Thin Celery tasks: they take ids and call services, and are safe to run twice."""

import time

from celery import shared_task
from django.conf import settings

from ballots.services import lifecycle, nominations, reminders, tallying


@shared_task(name="ballots.open_due_ballots")
def open_due_ballots() -> int:
    return lifecycle.ballots_open_due()


@shared_task(name="ballots.close_due_nominations")
def close_due_nominations() -> int:
    return nominations.ballots_nominations_close_due()


@shared_task(name="ballots.close_due_ballots")
def close_due_ballots() -> int:
    return lifecycle.ballots_close_due()


@shared_task(name="ballots.tally_ballot", acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def tally_ballot(ballot_id: int) -> str:
    if settings.BALLOTS_TALLY_DELAY_SECONDS:
        time.sleep(settings.BALLOTS_TALLY_DELAY_SECONDS)
    return tallying.ballot_tally(ballot_id=ballot_id)


@shared_task(name="ballots.send_due_reminders")
def send_due_reminders() -> int:
    return reminders.reminders_enqueue_due()

"""Thin Celery tasks: they take ids and call services, and are safe to run twice.

Every task has a soft and a hard time limit sized to its work, so a stuck
call (a database lock, a silent SMTP server) frees the worker; the sweeps
are idempotent and beat runs them again."""

from celery import shared_task

from ballots.services import lifecycle, nominations, publishing, reminders, tallying, verifiable_trustees


@shared_task(name="ballots.open_due_ballots", soft_time_limit=120, time_limit=150)
def open_due_ballots() -> int:
    return lifecycle.ballots_open_due()


@shared_task(name="ballots.close_due_nominations", soft_time_limit=120, time_limit=150)
def close_due_nominations() -> int:
    return nominations.ballots_nominations_close_due()


# Closing shuffles every paper of a ballot into its final table: 100,000 papers take ~2 s.
@shared_task(name="ballots.close_due_ballots", soft_time_limit=300, time_limit=360)
def close_due_ballots() -> int:
    return lifecycle.ballots_close_due()


# A 100,000-paper STV count takes under a second; the limit leaves room for 1M papers on a busy host.
@shared_task(
    name="ballots.tally_ballot",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    soft_time_limit=300,
    time_limit=360,
)
def tally_ballot(ballot_id: int) -> str:
    return tallying.ballot_tally(ballot_id=ballot_id)


@shared_task(name="ballots.send_due_reminders", soft_time_limit=120, time_limit=150)
def send_due_reminders() -> int:
    return reminders.reminders_enqueue_due()


# A 60,000-voter BLT takes under a second to build; a ballot has a few files per question.
@shared_task(
    name="ballots.publish_result_files",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    soft_time_limit=300,
    time_limit=360,
)
def publish_result_files(ballot_id: int) -> int:
    return publishing.result_files_build(ballot_id=ballot_id)


@shared_task(name="ballots.publish_missing_result_files", soft_time_limit=300, time_limit=360)
def publish_missing_result_files() -> int:
    return publishing.result_files_build_missing(limit=5)


@shared_task(name="ballots.verifiable_trustee_reminders", soft_time_limit=120, time_limit=150)
def verifiable_trustee_reminders() -> int:
    return verifiable_trustees.verifiable_trustee_reminders()

"""Governance tasks: thin, taking ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="governance.roll_import_process")
def roll_import_process(roll_import_id: int) -> str:
    """Import one uploaded roll (see ``services.roll_jobs.roll_import_run``)."""
    from governance.services.roll_jobs import roll_import_run

    return str(roll_import_run(roll_import_id=roll_import_id).state)


@shared_task(name="governance.roll_imports_resume")
def roll_imports_resume() -> int:
    """Beat: re-queue roll imports whose message was lost or whose worker died."""
    from governance.services.roll_jobs import roll_imports_resume as resume

    return resume()

"""Roll imports uploaded by officers and run by the Celery worker.

The upload is stored with the job, the worker imports it in one transaction
and reports progress through the cache (a transaction's own writes are not
visible to the page polling it until it commits). The job row keeps the
outcome: a summary, or the row errors by line.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from governance import roll_csv
from governance.error_codes import GovernanceErrorCode
from governance.gate import Act, require
from governance.models import RollImport, Unit
from governance.services.roll_import import RollRowsInvalid, roll_import

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(minutes=15)


def _cache() -> Any:
    return caches[getattr(settings, "GOVERNANCE_PROGRESS_CACHE", "default")]


def _progress_key(roll_import_id: int) -> str:
    return f"governance:roll-import:{roll_import_id}"


def roll_import_progress_get(*, roll_import: RollImport) -> dict[str, Any]:
    """``{"state", "phase", "done", "total", "percent"}`` for the progress page."""
    data: dict[str, Any] = {"phase": "", "done": 0, "total": roll_import.total_rows}
    if roll_import.state == RollImport.State.RUNNING:
        data.update(_cache().get(_progress_key(roll_import.pk)) or {})
    elif roll_import.is_finished:
        data.update(phase="finished", done=roll_import.total_rows)
    total = data["total"] or 0
    percent = 100 if roll_import.is_finished else (int(100 * data["done"] / total) if total else 0)
    return {"state": roll_import.state, **data, "percent": percent}


def roll_import_request(
    *, unit: Unit, uploaded_by: Any, filename: str, data: bytes, dry_run: bool = False
) -> RollImport:
    """Store an uploaded roll and queue its import once this transaction commits.

    Refuses at once a file too large or not UTF-8, so the officer sees that on
    the form; everything else is reported row by row by the import.
    """
    require(uploaded_by, Act.MANAGE_UNIT, unit, doing="import its roll")
    limit = getattr(settings, "GOVERNANCE_ROLL_MAX_BYTES", 50 * 1024 * 1024)
    if len(data) > limit:
        raise DomainError(
            GovernanceErrorCode.ROLL_FILE_TOO_LARGE, f"The file is larger than {limit // (1024 * 1024)} MB."
        )
    if not data.strip():
        raise DomainError(GovernanceErrorCode.ROLL_FILE_EMPTY, "The file is empty.")
    try:
        text = roll_csv.decode(data)
    except ValueError as exc:
        raise DomainError(GovernanceErrorCode.ROLL_FILE_NOT_UTF8, str(exc)) from None
    job = RollImport.objects.create(
        unit=unit,
        uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
        filename=filename[:200],
        content=text,
        dry_run=dry_run,
        total_rows=max(text.count("\n") - 1, 0),
    )
    from governance.tasks import roll_import_process

    # robust: a broker outage must not fail the upload; the sweep below queues it later.
    transaction.on_commit(lambda: roll_import_process.delay(job.pk), robust=True)
    return job


def roll_imports_resume(*, now: dt.datetime | None = None) -> int:
    """Queue again the jobs nobody started (their message was lost) and the
    jobs whose worker died (stale); ``roll_import_run`` ignores duplicates."""
    from governance.tasks import roll_import_process

    now = now or timezone.now()
    waiting = RollImport.objects.filter(state=RollImport.State.PENDING, created_at__lt=now - dt.timedelta(minutes=1))
    stale = RollImport.objects.filter(state=RollImport.State.RUNNING, started_at__lt=now - STALE_AFTER)
    ids = list(waiting.values_list("pk", flat=True)) + list(stale.values_list("pk", flat=True))
    for job_id in ids:
        roll_import_process.delay(job_id)
    return len(ids)


def roll_import_run(*, roll_import_id: int) -> RollImport:
    """Run one queued import. Safe to call twice: a job already finished, or
    running in another worker, is left alone (a job whose worker died is
    taken over once it is stale; its transaction rolled back, so nothing of
    it was written)."""
    with transaction.atomic():
        job = (
            RollImport.objects.select_for_update(of=("self",))
            .select_related("unit", "uploaded_by")
            .get(pk=roll_import_id)
        )
        stale = job.started_at is not None and job.started_at < timezone.now() - STALE_AFTER
        if job.is_finished or (job.state == RollImport.State.RUNNING and not stale):
            return job
        job.state = RollImport.State.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
    key = _progress_key(job.pk)

    def progress(phase: str, done: int, total: int) -> None:
        _cache().set(key, {"phase": phase, "done": done, "total": total}, timeout=3600)

    try:
        summary = roll_import(
            unit=job.unit, data=job.content, dry_run=job.dry_run, actor=job.uploaded_by, progress=progress
        )
    except RollRowsInvalid as exc:
        job.state = RollImport.State.REJECTED
        job.errors = [e.as_dict() for e in exc.errors]
        job.summary = {"message": exc.message}
    except DomainError as exc:
        job.state = RollImport.State.FAILED
        job.errors = [{"line": 0, "reason": exc.message}]
        job.summary = {"message": exc.message}
    else:
        job.state = RollImport.State.SUCCEEDED
        job.total_rows = summary.rows
        job.summary = summary.as_dict()
    job.content = ""  # the roll is the record; do not keep personal data twice
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "errors", "summary", "content", "finished_at", "total_rows"])
    _cache().delete(key)
    logger.info("roll import %s into %s: %s", job.pk, job.unit.slug, job.state)
    return job

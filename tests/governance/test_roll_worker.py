"""A roll upload is imported by a real Celery worker process, through Redis."""

from __future__ import annotations

import pytest

from governance.models import Membership, RollImport
from governance.services.roll_jobs import roll_import_request
from tests.conftest import wait_until
from tests.factories import HoldingFactory, OfficeFactory, UnitFactory
from tests.governance.conftest import person_row, roll_csv

pytestmark = [pytest.mark.integration]


def test_worker_imports_an_uploaded_roll(celery_processes, monkeypatch: pytest.MonkeyPatch) -> None:
    from config.celery_app import app

    monkeypatch.setattr(app.conf, "task_always_eager", False)
    unit = UnitFactory(slug="stockport")
    officer = HoldingFactory(office=OfficeFactory(unit=unit)).person  # the gate: an officer uploads
    celery_processes.start_worker()
    job = roll_import_request(
        unit=unit, uploaded_by=officer, filename="roll.csv", data=roll_csv([person_row(i) for i in range(500)])
    )  # autocommit: the task is queued at once

    def finished() -> RollImport | None:
        job.refresh_from_db()
        return job if job.is_finished else None

    wait_until(finished, timeout=90, what="the worker to import the roll")
    assert job.state == RollImport.State.SUCCEEDED, celery_processes.log("worker")
    assert job.summary["memberships_created"] == 500 and job.content == ""
    assert Membership.objects.filter(unit=unit).count() == 500
    assert "governance.roll_import_process" in celery_processes.log("worker")  # the worker ran it, not this process

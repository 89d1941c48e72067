"""The whole stack with real processes: a member votes over HTTP, beat closes
the ballot when its time passes, the worker tallies and declares it, the
result e-mail reaches the SMTP sink, and an anonymous observer sees the result."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import Ballot, Result
from ballots.services import lifecycle
from tests.conftest import CeleryProcesses, SmtpSink, closing_time_passes, text_body, wait_until
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = pytest.mark.integration


def test_vote_close_by_beat_tally_by_worker_email_and_public_result(
    celery_processes: CeleryProcesses, smtp_sink: SmtpSink
) -> None:
    ballot = BallotFactory(closes_at=timezone.now() + dt.timedelta(hours=1), declare_automatically=True)
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(4)]
    question = motion_question(ballot, title="Support the hospital campaign")
    lifecycle.ballot_open(ballot_id=ballot.pk)

    member = Client()
    member.force_login(voters[0])
    response = member.post(f"/ballots/{ballot.pk}/", {f"choice-{question.pk}": option(question, "For").pk})
    assert response.status_code == 200, response.content[:500]
    assert b"Your vote is recorded" in response.content
    for voter, label in zip(voters[1:3], ["For", "Against"], strict=True):
        client = Client()
        client.force_login(voter)
        assert (
            client.post(f"/ballots/{ballot.pk}/", {f"choice-{question.pk}": option(question, label).pk}).status_code
            == 200
        )

    closing_time_passes(ballot)
    celery_processes.start_worker()
    celery_processes.start_beat()

    wait_until(
        lambda: Ballot.objects.get(pk=ballot.pk).state == Ballot.State.DECLARED,
        timeout=90,
        what=lambda: "beat to close and the worker to tally and declare:\n" + celery_processes.log("beat")[-2000:],
    )
    result = Result.objects.get(question=question)
    assert (result.count_sheet["votes_for"], result.count_sheet["votes_against"]) == (2, 1)
    assert result.count_sheet["carried"] is True

    mails = smtp_sink.wait_for(lambda m: "Result declared" in m["Subject"], timeout=60, count=len(voters))
    recipients = {m["X-Envelope-To"] for m in mails}
    assert recipients == {v.email for v in voters}, celery_processes.log("worker")[-3000:]
    body = text_body(mails[0])
    assert "Support the hospital campaign: Carried" in body

    page = Client().get(f"/ballots/{ballot.pk}/result/")
    assert page.status_code == 200
    assert b"Carried" in page.content and b'id="turnout">3<' in page.content

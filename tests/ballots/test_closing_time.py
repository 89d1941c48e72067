"""The returning officer's dashboard and changing the closing time: only
before it passes, only by the returning officer (or a national
administrator), with a reason, audited, and every voter on the roll told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import Ballot
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from ballots.services.closing_time import ballot_closing_time_change
from core.emails import outbox_send_pending
from core.errors import DomainError
from core.models import AuditEntry, OutboxEmail
from tests.factories import BallotFactory, HoldingFactory, MembershipFactory, OfficeFactory, motion_question, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_ballot() -> dict:
    ballot = BallotFactory(title="Affiliation ballot")
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(4)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    vote_cast(ballot_id=ballot.pk, voter=voters[0], answers={question.pk: [option(question, "For").pk]})
    return {"ballot": ballot, "voters": voters}


def test_the_returning_officer_moves_the_close_and_the_roll_is_told(open_ballot: dict) -> None:
    ballot = open_ballot["ballot"]
    outbox_send_pending()  # the notice of poll has gone out (one still queued would carry the change instead)
    later = timezone.now() + dt.timedelta(days=3)
    ballot_closing_time_change(ballot_id=ballot.pk, actor=ballot.returning_officer, closes_at=later, reason="Flooded")
    assert Ballot.objects.get(pk=ballot.pk).closes_at == later
    entry = AuditEntry.objects.get(action="ballot_closing_time_changed", object_id=str(ballot.pk))
    assert entry.detail["reason"] == "Flooded" and entry.detail["to"] == later.isoformat()
    told = OutboxEmail.objects.filter(key__startswith=f"ballot-closing-time:{ballot.pk}:")
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted(v.email for v in open_ballot["voters"])
    assert all("Flooded" in mail.body_text for mail in told)


def test_others_the_past_and_nonsense_are_refused(open_ballot: dict) -> None:
    ballot = open_ballot["ballot"]
    officer = HoldingFactory(office=OfficeFactory(unit=ballot.unit)).person  # an officer, not the returning officer
    soon = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(DomainError) as exc:
        ballot_closing_time_change(ballot_id=ballot.pk, actor=officer, closes_at=soon, reason="Because")
    assert exc.value.status == 403
    ro = ballot.returning_officer
    with pytest.raises(DomainError, match="at least five minutes"):
        ballot_closing_time_change(
            ballot_id=ballot.pk, actor=ro, closes_at=timezone.now() + dt.timedelta(minutes=1), reason="x"
        )
    with pytest.raises(DomainError, match="Say why"):
        ballot_closing_time_change(ballot_id=ballot.pk, actor=ro, closes_at=soon, reason="  ")
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError, match="Voting closed at"):
        ballot_closing_time_change(ballot_id=ballot.pk, actor=ro, closes_at=soon, reason="Too late")
    assert not AuditEntry.objects.filter(action="ballot_closing_time_changed").exists()


def test_the_dashboard_shows_turnout_so_far_and_the_next_step(open_ballot: dict) -> None:
    ballot = open_ballot["ballot"]
    client = Client()
    client.force_login(ballot.returning_officer)
    page = client.get(f"/ballots/{ballot.pk}/manage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="turnout-so-far">1 of 4 on the roll' in html
    assert "Voting is open until" in html and "Change the closing time" in html
    assert "votes_for" not in html and "1 for" not in html  # a count of voters, never running totals
    later = timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    changed = client.post(
        f"/ballots/{ballot.pk}/manage/closing-time/", {"closing-closes_at": later, "closing-reason": "Extended"}
    )
    assert changed.status_code == 302
    refused = client.post(f"/ballots/{ballot.pk}/manage/closing-time/", {"closing-closes_at": later})
    assert refused.status_code == 400 and b"There is a problem" in refused.content

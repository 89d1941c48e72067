"""Amendments: seconded like motions, friendly or voted first, changes marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, NotPermitted
from meetings.diffing import text_diff_html
from meetings.models import Amendment, Motion
from meetings.services import amendments as svc
from meetings.services import meetings as meeting_services
from meetings.services.votes import meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def test_diff_marks_deleted_and_inserted_words_and_sanitises() -> None:
    """The diff is of the rendered text (issue 24): allowed markup is kept as
    markup, anything else removed as the sanitiser removes it."""
    html = text_diff_html(
        before="We back all <b>renters</b>.", after='We back most <b onclick="x()">renters</b><img src=x>.'
    )
    assert "<del>all</del>" in html and "<ins>most</ins>" in html
    assert "<b>renters</b>" in html and "onclick" not in html and "<img" not in html


def test_amending_after_the_deadline_is_refused(branch) -> None:
    meeting = meeting_services.meeting_schedule(
        unit=branch.unit,
        actor=branch.secretary,
        kind="general",
        title="GM",
        starts_at=timezone.now() + dt.timedelta(days=10),
    )
    motion = in_order_motion(branch, meeting=meeting)
    with pytest.raises(DomainError) as exc:
        svc.amendment_propose(
            motion_id=motion.pk, proposer=branch.members[3], summary="s", text="changed",
            now=meeting.amendments_close_at + dt.timedelta(seconds=1),
        )  # fmt: skip
    assert exc.value.code == "deadline_passed"
    assert not Amendment.objects.exists()


def test_unchanged_text_and_own_seconding_refused(branch) -> None:
    motion = in_order_motion(branch)
    with pytest.raises(DomainError):
        svc.amendment_propose(motion_id=motion.pk, proposer=branch.members[3], summary="s", text=motion.text)
    a = svc.amendment_propose(motion_id=motion.pk, proposer=branch.members[3], summary="s", text="We back it fully.")
    with pytest.raises(DomainError):
        svc.amendment_second(amendment_id=a.pk, seconder=branch.members[3])
    svc.amendment_second(amendment_id=a.pk, seconder=branch.members[4])
    assert Amendment.objects.get(pk=a.pk).state == Amendment.State.SECONDED
    with pytest.raises(Conflict):
        svc.amendment_second(amendment_id=a.pk, seconder=branch.members[5])


def test_friendly_amendment_changes_the_text_and_others_fall(branch) -> None:
    motion = in_order_motion(branch)
    a = svc.amendment_propose(motion_id=motion.pk, proposer=branch.members[3], summary="a", text="We back it fully.")
    b = svc.amendment_propose(motion_id=motion.pk, proposer=branch.members[4], summary="b", text="We oppose it.")
    with pytest.raises(NotPermitted):
        svc.amendment_accept_friendly(amendment_id=a.pk, actor=branch.members[5])
    svc.amendment_accept_friendly(amendment_id=a.pk, actor=branch.members[0])
    motion.refresh_from_db()
    assert motion.text == "We back it fully." and motion.original_text == "We back it."
    assert Amendment.objects.get(pk=b.pk).state == Amendment.State.FALLEN


def test_seconded_amendment_is_voted_before_the_motion(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=6)
    a = svc.amendment_propose(motion_id=motion.pk, proposer=branch.members[3], summary="a", text="We back it fully.")
    svc.amendment_second(amendment_id=a.pk, seconder=branch.members[4])
    with pytest.raises(Conflict) as exc:
        meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    assert exc.value.code == "pending_amendments"
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", amendment=a)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=4, votes_against=1, abstentions=1)
    motion.refresh_from_db()
    assert motion.text == "We back it fully."
    assert Amendment.objects.get(pk=a.pk).state == Amendment.State.CARRIED
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=3, votes_against=3, abstentions=0)
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.LOST

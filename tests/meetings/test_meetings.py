"""Meetings: notice, attendance, quorum, in-meeting votes, minutes, requisitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ballots.models import BallotPaper, Participation, RollEntry
from core.errors import Conflict, DomainError, NotPermitted
from core.models import OutboxEmail
from meetings import tasks
from meetings.models import Meeting, MeetingVote, Minutes, Motion, OpenVoteCast, Requisition
from meetings.selectors import live_state
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_in, attendance_check_in_by_officer
from meetings.services.minutes import minutes_approve, minutes_edit
from meetings.services.requisitions import requisition_sign, requisition_start
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.factories import MembershipFactory, UserFactory
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def test_agm_needs_fourteen_clear_days_notice(branch) -> None:
    with pytest.raises(DomainError) as exc:
        svc.meeting_schedule(
            unit=branch.unit,
            actor=branch.secretary,
            kind="agm",
            title="AGM",
            starts_at=timezone.now() + dt.timedelta(days=14),
        )
    assert exc.value.code == "notice_too_short"
    with pytest.raises(NotPermitted):
        svc.meeting_schedule(
            unit=branch.unit,
            actor=branch.members[0],
            kind="agm",
            title="AGM",
            starts_at=timezone.now() + dt.timedelta(days=30),
        )


def test_notice_task_sends_when_due_to_eligible_members_only_and_twice_is_harmless(branch) -> None:
    lapsed = MembershipFactory(unit=branch.unit, status="lapsed").person
    supporter = MembershipFactory(unit=branch.unit, kind="supporter").person
    meeting = svc.meeting_schedule(
        unit=branch.unit,
        actor=branch.secretary,
        kind="agm",
        title="AGM",
        starts_at=timezone.now() + dt.timedelta(days=30),
    )
    motion = in_order_motion(branch)
    svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    assert tasks.send_due_notices() == 0  # notice period has not begun
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + dt.timedelta(days=15) - dt.timedelta(hours=1)
    )
    assert tasks.send_due_notices() == 1
    assert tasks.send_due_notices() == 0
    rows = OutboxEmail.objects.filter(key__startswith=f"meeting-notice:{meeting.pk}:")
    addresses = {r.to_address for r in rows}
    assert addresses == {p.email for p in [branch.secretary, *branch.members]}
    assert lapsed.email not in addresses and supporter.email not in addresses
    assert motion.title in rows[0].body_text and "Notice of meeting" in rows[0].subject
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.NOTICE_SENT


def test_check_in_code_twice_and_eligibility(branch) -> None:
    meeting = running_meeting(branch, present=1)
    member = branch.members[0]
    with pytest.raises(DomainError) as wrong:
        attendance_check_in(meeting_id=meeting.pk, person=member, room_code="WRONG1")
    assert wrong.value.code == "wrong_room_code"
    attendance_check_in(meeting_id=meeting.pk, person=member, room_code=meeting.room_code.lower())
    with pytest.raises(Conflict) as twice:
        attendance_check_in(meeting_id=meeting.pk, person=member, room_code=meeting.room_code)
    assert twice.value.code == "already_checked_in"
    with pytest.raises(NotPermitted) as outsider:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=UserFactory(), actor=branch.secretary)
    assert outsider.value.code == "not_eligible"
    assert live_state(meeting=meeting)["present"] == 2


def test_quorum_indicator(branch) -> None:
    meeting = running_meeting(branch, present=2)
    assert live_state(meeting=meeting)["quorate"] is False
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=branch.members[5], actor=branch.secretary)
    state = live_state(meeting=meeting)
    assert state["present"] == 3 and state["quorate"] is True


def test_open_vote_records_names_and_refuses_absent_and_double_voters(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    with pytest.raises(NotPermitted) as absent:
        meeting_vote_cast(vote_id=vote.pk, voter=branch.members[6], choice="for")
    assert absent.value.code == "not_checked_in"
    with pytest.raises(Conflict):
        meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", title="Another")
    for person, choice in zip([branch.secretary, *branch.members[:3]], ["for", "for", "for", "against"], strict=True):
        meeting_vote_cast(vote_id=vote.pk, voter=person, choice=choice)
    with pytest.raises(Conflict) as twice:
        meeting_vote_cast(vote_id=vote.pk, voter=branch.secretary, choice="against")
    assert twice.value.code == "already_voted"
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.carried) == (3, 1, True)
    assert OpenVoteCast.objects.filter(vote=vote, voter=branch.members[2], choice="against").exists()
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.CARRIED


@pytest.mark.parametrize(("votes_for", "against", "state"), [(6, 3, "carried"), (5, 3, "lost")])
def test_constitutional_motion_needs_two_thirds(branch, votes_for, against, state) -> None:
    for i in range(4):
        MembershipFactory(unit=branch.unit, person=UserFactory(full_name=f"Extra {i}"))
    motion = in_order_motion(branch, amends_constitution=True)
    meeting = running_meeting(branch, present=9)
    vote = meeting_vote_open(
        meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion, threshold="simple"
    )
    assert vote.threshold == MeetingVote.Threshold.TWO_THIRDS
    meeting_vote_close(
        vote_id=vote.pk, actor=branch.secretary, votes_for=votes_for, votes_against=against, abstentions=0
    )
    assert Motion.objects.get(pk=motion.pk).state == state


def test_hands_figures_cannot_exceed_those_present(branch) -> None:
    meeting = running_meeting(branch, present=3)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", title="Accept the accounts")
    with pytest.raises(DomainError) as exc:
        meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=3, votes_against=1)
    assert exc.value.code == "bad_figures"
    with pytest.raises(DomainError):
        meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    assert MeetingVote.objects.get(pk=vote.pk).state == MeetingVote.State.OPEN


def test_secret_vote_uses_the_ballots_app_with_attendees_as_roll(branch, django_capture_on_commit_callbacks) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    roll = set(RollEntry.objects.filter(ballot=vote.ballot).values_list("voter_id", flat=True))
    assert roll == {p.pk for p in [branch.secretary, *branch.members[:3]]}
    assert not OutboxEmail.objects.filter(key__startswith=f"ballot-notice:{vote.ballot_id}").exists()
    receipt = meeting_vote_cast(vote_id=vote.pk, voter=branch.members[0], choice="for")
    assert receipt is not None and len(receipt.receipt) == 19
    meeting_vote_cast(vote_id=vote.pk, voter=branch.members[1], choice="against")
    meeting_vote_cast(vote_id=vote.pk, voter=branch.members[2], choice="for")
    with pytest.raises(Conflict):
        meeting_vote_cast(vote_id=vote.pk, voter=branch.members[0], choice="for")
    assert Participation.objects.filter(ballot=vote.ballot).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    from meetings.services.votes import meeting_vote_refresh

    vote = meeting_vote_refresh(vote_id=vote.pk)
    assert vote.state == MeetingVote.State.DECIDED
    assert (vote.votes_for, vote.votes_against, vote.carried) == (2, 1, True)
    assert BallotPaper.objects.filter(question__ballot=vote.ballot).count() == 3
    assert not OpenVoteCast.objects.exists()
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.CARRIED


def test_minutes_drafted_with_figures_versioned_and_approved_next_meeting(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=5)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=4, votes_against=1, abstentions=0)
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    minutes = Minutes.objects.get(meeting=meeting)
    text = minutes.versions.get(number=1).text
    assert "Present (5): " in text and "4 for, 1 against, 0 abstentions" in text and "carried" in text
    minutes_edit(minutes_id=minutes.pk, actor=branch.secretary, text=text + "\nApologies: none.", base_version=1)
    with pytest.raises(Conflict) as stale:
        minutes_edit(minutes_id=minutes.pk, actor=branch.secretary, text="overwrite", base_version=1)
    assert stale.value.code == "stale_version"
    assert list(minutes.versions.values_list("number", flat=True)) == [2, 1]
    with pytest.raises(DomainError):  # not at the same meeting
        minutes_approve(minutes_id=minutes.pk, actor=branch.secretary, at_meeting_id=meeting.pk)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=30))
    later = running_meeting(branch, present=3)
    minutes_approve(minutes_id=minutes.pk, actor=branch.secretary, at_meeting_id=later.pk)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.APPROVED and minutes.approved_at_meeting_id == later.pk
    with pytest.raises(Conflict):
        minutes_edit(minutes_id=minutes.pk, actor=branch.secretary, text="late change", base_version=2)


def test_requisition_met_by_signatures_calls_an_extraordinary_meeting(branch) -> None:
    requisition = requisition_start(unit=branch.unit, person=branch.members[0], purpose="Budget cuts")
    with pytest.raises(Conflict):
        requisition_sign(requisition_id=requisition.pk, person=branch.members[0])
    requisition_sign(requisition_id=requisition.pk, person=branch.members[1])
    assert Requisition.objects.get(pk=requisition.pk).state == Requisition.State.COLLECTING
    requisition_sign(requisition_id=requisition.pk, person=branch.members[2])
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.MET
    assert OutboxEmail.objects.filter(key=f"requisition-met:{requisition.pk}:{branch.secretary.pk}").exists()
    meeting = svc.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind="extraordinary", title="EGM",
        starts_at=timezone.now() + dt.timedelta(days=10), requisition=requisition,
    )  # fmt: skip
    assert meeting.requisition_id == requisition.pk
    assert Requisition.objects.get(pk=requisition.pk).state == Requisition.State.CALLED

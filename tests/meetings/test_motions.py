"""Motions: draft → submit → seconders → ruling → outcome, with bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, NotPermitted
from core.models import OutboxEmail
from meetings.markdown import markdown_render
from meetings.models import Motion
from meetings.selectors import motion_list
from meetings.services import meetings as meeting_services
from meetings.services import motions as svc
from tests.factories import UserFactory
from tests.meetings.conftest import in_order_motion

pytestmark = pytest.mark.django_db


def test_seconders_come_from_standing_orders_and_ruling_needs_them(branch) -> None:
    proposer, s1 = branch.members[:2]
    motion = svc.motion_create(unit=branch.unit, proposer=proposer, title="T", text="Text")
    assert motion.seconders_required == 2 and motion.state == Motion.State.DRAFT
    svc.motion_submit(motion_id=motion.pk, actor=proposer)
    svc.motion_second(motion_id=motion.pk, seconder=s1)
    with pytest.raises(DomainError) as exc:
        svc.motion_rule(motion_id=motion.pk, actor=branch.secretary, in_order=True)
    assert exc.value.code == "not_enough_seconders"
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.SUBMITTED


def test_cannot_second_own_motion_or_twice_or_as_non_member(branch) -> None:
    proposer, s1 = branch.members[:2]
    motion = svc.motion_create(unit=branch.unit, proposer=proposer, title="T", text="Text")
    with pytest.raises(Conflict):  # a draft is not open for seconding
        svc.motion_second(motion_id=motion.pk, seconder=s1)
    svc.motion_submit(motion_id=motion.pk, actor=proposer)
    with pytest.raises(DomainError) as own:
        svc.motion_second(motion_id=motion.pk, seconder=proposer)
    assert own.value.code == "cannot_second_own_motion"
    svc.motion_second(motion_id=motion.pk, seconder=s1)
    with pytest.raises(Conflict) as twice:
        svc.motion_second(motion_id=motion.pk, seconder=s1)
    assert twice.value.code == "already_seconded"
    with pytest.raises(NotPermitted):
        svc.motion_second(motion_id=motion.pk, seconder=UserFactory())
    assert motion.secondings.count() == 1


def test_out_of_order_needs_a_reason_and_only_officers_rule(branch) -> None:
    proposer = branch.members[0]
    motion = svc.motion_create(unit=branch.unit, proposer=proposer, title="T", text="Text")
    svc.motion_submit(motion_id=motion.pk, actor=proposer)
    with pytest.raises(NotPermitted):
        svc.motion_rule(motion_id=motion.pk, actor=branch.members[1], in_order=False, reason="no")
    with pytest.raises(DomainError) as exc:
        svc.motion_rule(motion_id=motion.pk, actor=branch.secretary, in_order=False, reason="  ")
    assert exc.value.code == "reason_required"
    ruled = svc.motion_rule(
        motion_id=motion.pk, actor=branch.secretary, in_order=False, reason="Not within our powers."
    )
    assert ruled.state == Motion.State.OUT_OF_ORDER and ruled.ruling_reason == "Not within our powers."
    with pytest.raises(Conflict):
        svc.motion_rule(motion_id=motion.pk, actor=branch.secretary, in_order=True)


def test_submission_deadline_relative_to_meeting(branch) -> None:
    meeting = meeting_services.meeting_schedule(
        unit=branch.unit,
        actor=branch.secretary,
        kind="general",
        title="GM",
        starts_at=timezone.now() + dt.timedelta(days=10),
    )
    motion = svc.motion_create(unit=branch.unit, proposer=branch.members[0], title="T", text="x", meeting=meeting)
    late = meeting.motions_close_at + dt.timedelta(minutes=1)
    with pytest.raises(DomainError) as exc:
        svc.motion_submit(motion_id=motion.pk, actor=branch.members[0], now=late)
    assert exc.value.code == "deadline_passed"
    svc.motion_submit(
        motion_id=motion.pk, actor=branch.members[0], now=meeting.motions_close_at - dt.timedelta(hours=1)
    )


def test_referral_appears_in_the_higher_bodys_list(branch) -> None:
    motion = in_order_motion(branch)
    svc.motion_decide(motion_id=motion.pk, actor=branch.secretary, outcome=Motion.State.REFERRED)
    national = branch.unit.parent
    referred = motion_list(unit=national).get()
    assert referred.referred_from_id == motion.pk and referred.state == Motion.State.SUBMITTED
    assert referred.title == motion.title
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.REFERRED


def test_withdraw_only_by_proposer_and_outcomes_are_final(branch) -> None:
    motion = in_order_motion(branch)
    with pytest.raises(NotPermitted):
        svc.motion_withdraw(motion_id=motion.pk, actor=branch.members[1])
    svc.motion_decide(
        motion_id=motion.pk, actor=branch.secretary, outcome=Motion.State.REMITTED, note="To the committee"
    )
    with pytest.raises(Conflict):
        svc.motion_withdraw(motion_id=motion.pk, actor=branch.members[0])
    with pytest.raises(DomainError):
        svc.motion_decide(motion_id=motion.pk, actor=branch.secretary, outcome="draft")


def test_followers_are_emailed_through_the_outbox_once_per_change(branch) -> None:
    motion = in_order_motion(branch)  # proposer + 2 seconders follow
    rows = OutboxEmail.objects.filter(key__startswith=f"motion:{motion.pk}:ruled:")
    assert sorted(r.to_address for r in rows) == sorted(p.email for p in branch.members[:3])
    assert "ruled it in order" in rows[0].body_text


def test_composite_merges_motions(branch) -> None:
    a = in_order_motion(branch, title="Rent caps")
    b = svc.motion_create(unit=branch.unit, proposer=branch.members[4], title="Rent controls", text="y")
    svc.motion_submit(motion_id=b.pk, actor=branch.members[4])
    composite = svc.motion_composite(motion_ids=[a.pk, b.pk], actor=branch.secretary, title="Housing", text="Both.")
    assert composite.state == Motion.State.IN_ORDER
    assert set(Motion.objects.filter(composited_into=composite).values_list("pk", flat=True)) == {a.pk, b.pk}


def test_markdown_is_rendered_and_sanitised() -> None:
    html = markdown_render("**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "onerror" not in html and "alert(1)</script>" not in html
    # markdown-it refuses the javascript: link (its text stays, inert); nh3 would also drop such an href.
    assert "href" not in html and "[x](javascript:alert(1))" in html

"""Issue 24, motions beyond the branch: a carried motion forwarded to a
meeting of a body above (the region, the national conference), keeping its
history and seconders; refusals each with their named reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import DomainError
from core.models import AuditEntry, OutboxEmail
from governance.models import Holding
from meetings import selectors
from meetings.models import Meeting, Motion, MotionFollow, MotionForwarding
from meetings.services import forwarding as fwd
from meetings.services import motions as svc
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory, UserFactory
from tests.meetings.conftest import Branch, in_order_motion

pytestmark = pytest.mark.django_db


@dataclass
class Tree:
    branch: Branch
    region: Any
    national: Any
    sibling: Any
    regional_secretary: Any
    conference: Meeting  # the region's, taking motions
    national_conference: Meeting
    branch_meeting: Meeting
    sibling_meeting: Meeting


def meeting(unit: Any, title: str, *, days: int = 30, state: str = Meeting.State.NOTICE_SENT, **extra: Any) -> Meeting:
    return Meeting.objects.create(
        unit=unit, kind=Meeting.Kind.GENERAL, title=title, starts_at=timezone.now() + dt.timedelta(days=days),
        state=state, notice_days=14, motion_deadline_days=7, quorum=5, created_by=UserFactory(), **extra,
    )  # fmt: skip


@pytest.fixture
def tree(branch: Branch) -> Tree:
    """National → North West → Stockport (the branch) and Salford (a sibling)."""
    national = branch.unit.parent
    region = UnitFactory(name="North West", slug="north-west", kind="region", parent=national)
    branch.unit.parent = region
    branch.unit.save()
    sibling = UnitFactory(name="Salford", slug="salford", parent=region)
    secretary = UserFactory(full_name="Rhea Regional", email="rhea@example.org")
    MembershipFactory(unit=region, person=secretary)
    Holding.objects.create(
        person=secretary, office=OfficeFactory(unit=region, title="Regional secretary"),
        starts_on=dt.date(2024, 1, 1), authority="Regional AGM",
    )  # fmt: skip
    return Tree(
        branch=branch, region=region, national=national, sibling=sibling, regional_secretary=secretary,
        conference=meeting(region, "North West regional conference"),
        national_conference=meeting(national, "National conference", days=60),
        branch_meeting=meeting(branch.unit, "Stockport general meeting"),
        sibling_meeting=meeting(sibling, "Salford general meeting"),
    )  # fmt: skip


def carried_motion(branch: Branch, **extra: Any) -> Motion:
    motion = in_order_motion(branch, **extra)
    return svc.motion_decide(
        motion_id=motion.pk, actor=branch.secretary, outcome=Motion.State.CARRIED, note="Carried: 9 for, 2 against."
    )


def refusal(call: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


# --- the service -------------------------------------------------------------


def test_a_carried_motion_goes_to_the_regional_conference_with_its_history(tree: Tree) -> None:
    branch = tree.branch
    motion = carried_motion(branch)
    forwarding = fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=branch.secretary)
    there = forwarding.forwarded
    assert there.unit == tree.region and there.meeting == tree.conference
    assert there.state == Motion.State.SUBMITTED and there.seconders_required == 0
    assert there.text == motion.text and there.title == motion.title
    assert forwarding.text_as_carried == motion.text
    assert forwarding.outcome_as_carried == "Carried: 9 for, 2 against."
    assert forwarding.carried_at == motion.decided_at and forwarding.forwarded_by == branch.secretary
    motion.refresh_from_db()
    assert motion.state == Motion.State.CARRIED  # the branch's decision stands
    # The history: the branch's seconders, read from the original.
    history = selectors.forwarding_history(motion=there)
    assert history["came_from"] == forwarding
    assert [s.seconder for s in history["came_from"].original.secondings.all()] == branch.members[1:3]
    assert selectors.forwarding_history(motion=motion)["went_to"] == [forwarding]
    # Audit: in the branch's log and in the region's.
    assert AuditEntry.objects.filter(action="motion_forwarded", unit=branch.unit, object_id=str(motion.pk)).exists()
    assert AuditEntry.objects.filter(action="motion_received", unit=tree.region, object_id=str(there.pk)).exists()
    # The region's officers are e-mailed; the original's followers follow it on and hear of it.
    mail = OutboxEmail.objects.get(key=f"motion-forwarded:{forwarding.pk}:{tree.regional_secretary.pk}")
    assert "North West regional conference" in mail.subject and f"/meetings/motions/{there.pk}/" in mail.body_text
    assert set(MotionFollow.objects.filter(motion=there).values_list("person", flat=True)) == set(
        MotionFollow.objects.filter(motion=motion).values_list("person", flat=True)
    )
    assert OutboxEmail.objects.filter(key__startswith=f"motion:{motion.pk}:forwarded:{tree.conference.pk}").exists()


def test_it_goes_to_the_region_and_the_nation_and_on_again_from_the_region(tree: Tree) -> None:
    branch = tree.branch
    motion = carried_motion(branch)
    fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=branch.secretary)
    fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.national_conference.pk, actor=branch.secretary)
    assert [f.meeting for f in motion.forwardings.order_by("id")] == [tree.conference, tree.national_conference]
    # At the region: ruled in order, carried, and forwarded on to the nation by the region's officer.
    regional = MotionForwarding.objects.get(original=motion, meeting=tree.conference).forwarded
    rhea = tree.regional_secretary
    svc.motion_rule(motion_id=regional.pk, actor=rhea, in_order=True)
    svc.motion_decide(motion_id=regional.pk, actor=rhea, outcome=Motion.State.CARRIED)
    other = meeting(tree.national, "Special national conference", days=40)
    on = fwd.motion_forward(motion_id=regional.pk, meeting_id=other.pk, actor=rhea)
    assert on.forwarded.unit == tree.national and on.original == regional


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("branch_meeting", "not_a_higher_body"),  # its own unit
        ("sibling_meeting", "not_a_higher_body"),  # beside it, not above
    ],
)
def test_only_to_a_unit_above(tree: Tree, target: str, code: str) -> None:
    motion = carried_motion(tree.branch)
    meeting_id = getattr(tree, target).pk
    error = refusal(lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=meeting_id, actor=tree.branch.secretary))
    assert error.code == code and error.status == 400
    assert not MotionForwarding.objects.exists()


def test_not_from_above_to_below(tree: Tree) -> None:
    """A region's carried motion cannot go down to a branch's meeting."""
    rhea = tree.regional_secretary
    motion = svc.motion_create(unit=tree.region, proposer=rhea, title="Regional", text="Text.")
    Motion.objects.filter(pk=motion.pk).update(state=Motion.State.CARRIED)
    error = refusal(lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.branch_meeting.pk, actor=rhea))
    assert error.code == "not_a_higher_body"


@pytest.mark.parametrize("state", [Motion.State.IN_ORDER, Motion.State.LOST, Motion.State.SUBMITTED])
def test_only_a_carried_motion(tree: Tree, state: str) -> None:
    motion = in_order_motion(tree.branch)
    Motion.objects.filter(pk=motion.pk).update(state=state)
    error = refusal(
        lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=tree.branch.secretary)
    )
    assert error.code == "not_carried" and error.status == 409


def test_not_twice_to_the_same_meeting(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=tree.branch.secretary)
    error = refusal(
        lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=tree.branch.secretary)
    )
    assert error.code == "already_forwarded" and error.status == 409
    assert MotionForwarding.objects.count() == 1 and Motion.objects.filter(unit=tree.region).count() == 1


@pytest.mark.parametrize("state", [Meeting.State.IN_PROGRESS, Meeting.State.CLOSED, Meeting.State.CANCELLED])
def test_not_to_a_meeting_that_takes_no_more_motions(tree: Tree, state: str) -> None:
    motion = carried_motion(tree.branch)
    Meeting.objects.filter(pk=tree.conference.pk).update(state=state)
    error = refusal(
        lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=tree.branch.secretary)
    )
    assert error.code == "motions_closed" and error.status == 409


def test_not_after_the_meetings_motion_deadline(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    soon = meeting(tree.region, "Regional meeting in five days", days=5)  # motions closed two days ago
    assert soon.motions_close_at < timezone.now()
    error = refusal(lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=soon.pk, actor=tree.branch.secretary))
    assert error.code == "deadline_passed"
    # The same meeting took motions until its deadline.
    before = soon.motions_close_at - dt.timedelta(hours=1)
    fwd.motion_forward(motion_id=motion.pk, meeting_id=soon.pk, actor=tree.branch.secretary, now=before)


def test_only_those_who_run_the_branch_forward(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    salford_secretary = UserFactory()
    Holding.objects.create(
        person=salford_secretary, office=OfficeFactory(unit=tree.sibling), starts_on=dt.date(2024, 1, 1), authority="x"
    )
    for who in (tree.branch.members[0], salford_secretary):
        error = refusal(
            lambda who=who: fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=who)
        )
        assert error.code == "not_an_officer" and error.status == 403
    # An officer of the region above the branch runs its meetings too (governance.authority).
    fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=tree.regional_secretary)


def test_no_such_meeting_is_a_404(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    error = refusal(lambda: fwd.motion_forward(motion_id=motion.pk, meeting_id=999_999, actor=tree.branch.secretary))
    assert error.code == "not_found" and error.status == 404


def test_targets_are_the_meetings_above_still_taking_motions(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    closed = meeting(tree.region, "Last year's conference", days=-300, state=Meeting.State.CLOSED)
    late = meeting(tree.region, "Regional meeting in five days", days=5)
    targets = selectors.forwarding_targets(motion=motion)
    assert targets == [tree.conference, tree.national_conference]
    assert closed not in targets and late not in targets
    fwd.motion_forward(motion_id=motion.pk, meeting_id=tree.conference.pk, actor=tree.branch.secretary)
    assert selectors.forwarding_targets(motion=motion) == [tree.national_conference]


def test_composite_for_a_meeting_takes_only_its_motions(tree: Tree) -> None:
    branch = tree.branch
    a = in_order_motion(branch, title="Rent controls", meeting=tree.branch_meeting)
    b = in_order_motion(branch, title="Council housing")
    ids = [a.pk, b.pk]
    error = refusal(
        lambda: svc.motion_composite(
            motion_ids=ids, actor=branch.secretary, title="Housing", text="Both.", meeting_id=tree.branch_meeting.pk
        )
    )
    assert error.code == "wrong_meeting"
    assert Motion.objects.get(pk=a.pk).state == Motion.State.IN_ORDER


# --- the pages ---------------------------------------------------------------


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_forward_page_lists_the_meetings_above_and_forwards(tree: Tree) -> None:
    branch = tree.branch
    motion = carried_motion(branch)
    url = f"/meetings/motions/{motion.pk}/forward/"
    c = client_for(branch.secretary)
    page = c.get(url).content.decode()
    assert "North West regional conference" in page and "National conference" in page
    assert "Salford general meeting" not in page and "Stockport general meeting" not in page
    detail = c.get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert url in detail  # the officer's link
    response = c.post(url, {"meeting": tree.conference.pk}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/meetings/motions/{motion.pk}/"
    there = MotionForwarding.objects.get(original=motion).forwarded
    assert "Forwarded to North West regional conference" in page
    assert f"/meetings/motions/{there.pk}/" in page  # the original shows where it went
    # The motion at the region: its history, with the branch, seconders, outcome and text as carried.
    page = Client().get(f"/meetings/motions/{there.pk}/").content.decode()
    assert "Forwarded by Stockport" in page and f"/meetings/motions/{motion.pk}/" in page
    for seconder in branch.members[1:3]:
        assert seconder.full_name in page
    assert "Carried: 9 for, 2 against." in page and "The text as carried" in page


def test_the_forward_page_shows_a_refusal_with_its_reason(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    c = client_for(tree.branch.secretary)
    response = c.post(f"/meetings/motions/{motion.pk}/forward/", {"meeting": tree.sibling_meeting.pk})
    assert response.status_code == 400
    assert "not above Stockport" in response.content.decode()
    response = c.post(f"/meetings/motions/{motion.pk}/forward/", {"meeting": "x"})
    assert response.status_code == 400 and not MotionForwarding.objects.exists()


def test_the_forward_page_of_a_motion_not_carried_says_so(tree: Tree) -> None:
    motion = in_order_motion(tree.branch)
    page = client_for(tree.branch.secretary).get(f"/meetings/motions/{motion.pk}/forward/").content.decode()
    assert "Only a carried motion can be forwarded" in page and "North West regional conference" not in page


def test_the_forward_page_is_for_the_branchs_officers(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    url = f"/meetings/motions/{motion.pk}/forward/"
    assert client_for(tree.branch.members[0]).get(url).status_code == 403
    assert client_for(tree.branch.members[0]).post(url, {"meeting": tree.conference.pk}).status_code == 403
    assert Client().get(url).status_code == 302  # to sign in
    assert not MotionForwarding.objects.exists()


def test_the_compositing_page_prefills_and_composites(tree: Tree) -> None:
    branch = tree.branch
    gm = tree.branch_meeting
    a = in_order_motion(branch, title="Rent controls", meeting=gm)
    Motion.objects.filter(pk=a.pk).update(text="Cap rents.")
    b = in_order_motion(branch, title="Council housing", meeting=gm)
    Motion.objects.filter(pk=b.pk).update(text="Build homes.")
    elsewhere = in_order_motion(branch, title="Not for this meeting")
    url = f"/meetings/{gm.pk}/composite/"
    c = client_for(branch.secretary)
    assert f"/meetings/{gm.pk}/composite/" in c.get(f"/meetings/{gm.pk}/").content.decode()
    page = c.get(url).content.decode()
    assert "Rent controls" in page and "Council housing" in page and "Not for this meeting" not in page
    page = c.get(f"{url}?motions={a.pk}&motions={b.pk}").content.decode()
    assert "Cap rents.\n\nBuild homes.</textarea>" in page
    assert 'value="Rent controls / Council housing"' in page
    response = c.post(url, {"motions": [a.pk, b.pk], "title": "Housing", "text": "Cap rents and build homes."})
    composite = Motion.objects.get(title="Housing")
    assert response.status_code == 302 and response["Location"] == f"/meetings/motions/{composite.pk}/"
    assert composite.meeting == gm and composite.state == Motion.State.IN_ORDER
    for source in (a, b):
        source.refresh_from_db()
        assert source.state == Motion.State.COMPOSITED and source.composited_into == composite
    page = c.get(f"/meetings/motions/{composite.pk}/").content.decode()
    assert "Composite of" in page
    assert f"/meetings/motions/{a.pk}/" in page and f"/meetings/motions/{b.pk}/" in page
    assert f"/meetings/motions/{composite.pk}/" in c.get(f"/meetings/motions/{a.pk}/").content.decode()
    assert Motion.objects.get(pk=elsewhere.pk).state == Motion.State.IN_ORDER


def test_the_compositing_page_refusals(tree: Tree) -> None:
    branch = tree.branch
    gm = tree.branch_meeting
    a = in_order_motion(branch, title="Rent controls", meeting=gm)
    b = in_order_motion(branch, title="Council housing", meeting=gm)
    other = in_order_motion(branch, title="Elsewhere")
    url = f"/meetings/{gm.pk}/composite/"
    c = client_for(branch.secretary)
    one = c.post(url, {"motions": [a.pk], "title": "Housing", "text": "Both."})
    assert one.status_code == 400 and "at least two motions" in one.content.decode()
    foreign = c.post(url, {"motions": [a.pk, other.pk], "title": "Housing", "text": "Both."})
    assert foreign.status_code == 400  # not one of this meeting's motions: the form's choices
    assert "Choose at least two motions." in c.get(f"{url}?motions={a.pk}").content.decode()
    member = client_for(branch.members[0])
    assert member.get(url).status_code == 403
    assert member.post(url, {"motions": [a.pk, b.pk], "title": "H", "text": "T"}).status_code == 403
    assert not Motion.objects.filter(state=Motion.State.COMPOSITED).exists()


def test_the_compositing_page_with_too_few_motions_says_so(tree: Tree) -> None:
    page = client_for(tree.branch.secretary).get(f"/meetings/{tree.branch_meeting.pk}/composite/").content.decode()
    assert "at least two are needed" in page


# --- the API -----------------------------------------------------------------


def api_for(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_the_api_lists_targets_forwards_and_refuses_with_codes(tree: Tree) -> None:
    motion = carried_motion(tree.branch)
    url = f"/api/meetings/motions/{motion.pk}/forward/"
    listed = APIClient().get(url).json()
    assert [t["id"] for t in listed["targets"]] == [tree.conference.pk, tree.national_conference.pk]
    assert listed["forwarded_from"] is None and listed["forwarded_to"] == []
    refused = api_for(tree.branch.members[0]).post(url, {"meeting": tree.conference.pk}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_an_officer"
    officer = api_for(tree.branch.secretary)
    made = officer.post(url, {"meeting": tree.conference.pk}, format="json")
    assert made.status_code == 201
    body = made.json()
    assert body["from_unit"] == "stockport" and body["to_unit"] == "north-west"
    assert body["seconders"] == [m.full_name for m in tree.branch.members[1:3]]
    again = officer.post(url, {"meeting": tree.conference.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_forwarded"
    sideways = officer.post(url, {"meeting": tree.sibling_meeting.pk}, format="json")
    assert sideways.status_code == 400 and sideways.json()["code"] == "not_a_higher_body"
    there = APIClient().get(f"/api/meetings/motions/{body['forwarded']}/forward/").json()
    assert there["forwarded_from"]["original"] == motion.pk and there["targets"] == []
    assert APIClient().post(url, {"meeting": tree.conference.pk}, format="json").status_code in (401, 403)

"""Pages render for each audience, refusals are 4xx never 500, and the API
is in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from meetings import demo
from meetings.models import Meeting, Motion
from meetings.services import motions as svc
from tests.factories import MembershipFactory
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_motion_pages_escape_and_sanitise(branch) -> None:
    motion = svc.motion_create(
        unit=branch.unit, proposer=branch.members[0], title="<script>x</script>", text="**ok** <script>bad()</script>"
    )
    svc.motion_submit(motion_id=motion.pk, actor=branch.members[0])
    page = Client().get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert "<strong>ok</strong>" in page and "<script>bad" not in page and "&lt;script&gt;x" in page
    assert Client().get("/meetings/motions/?unit=stockport").status_code == 200


@pytest.mark.parametrize("query", ["unit=%00", "unit=stock%00port", "unit=%C2%B2", "unit=a%20b"])
def test_a_unit_filter_that_is_not_a_slug_is_a_400_page_saying_why(branch, query: str) -> None:
    """A NUL reached PostgreSQL, which refuses it: the motions page was a 500."""
    response = Client().get(f"/meetings/motions/?{query}")
    page = response.content.decode()
    assert response.status_code == 400
    assert "is not the address of a unit" in page and "<h1>Motions</h1>" in page


def test_drafts_are_private_to_the_proposer(branch) -> None:
    motion = svc.motion_create(unit=branch.unit, proposer=branch.members[0], title="Draft", text="x")
    assert Client().get(f"/meetings/motions/{motion.pk}/").status_code == 404
    assert client_for(branch.members[0]).get(f"/meetings/motions/{motion.pk}/").status_code == 200


def test_seconding_own_motion_on_the_page_shows_an_error(branch) -> None:
    motion = svc.motion_create(unit=branch.unit, proposer=branch.members[0], title="T", text="x")
    svc.motion_submit(motion_id=motion.pk, actor=branch.members[0])
    c = client_for(branch.members[0])
    response = c.post(f"/meetings/motions/{motion.pk}/second/", follow=True)
    assert response.status_code == 200
    assert "You cannot second your own motion." in response.content.decode()
    assert c.post(f"/meetings/motions/{motion.pk}/nonsense/").status_code == 404


def test_propose_form_errors_are_400(branch) -> None:
    c = client_for(branch.members[0])
    assert c.post("/meetings/motions/new/stockport/", {"title": "", "text": ""}).status_code == 400
    r = c.post("/meetings/motions/new/stockport/", {"title": "Hi", "text": "Body", "submit": "1"})
    assert r.status_code == 302 and Motion.objects.get(title="Hi").state == Motion.State.SUBMITTED


def test_console_projector_and_live_json(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    c = client_for(branch.secretary)
    r = c.post(f"/meetings/{meeting.pk}/console/add-item/", {"kind": "motion", "motion": motion.pk}, follow=True)
    assert "Item added to the agenda." in r.content.decode()
    assert client_for(branch.members[0]).get(f"/meetings/{meeting.pk}/console/").status_code == 403
    page = c.get(f"/meetings/{meeting.pk}/console/")
    assert page.status_code == 200 and meeting.room_code in page.content.decode()
    live = Client().get(f"/meetings/{meeting.pk}/live.json").json()
    assert live["present"] == 3 and live["quorate"] is True
    assert Client().get(f"/meetings/{meeting.pk}/projector/").status_code == 404, "the projector needs its secret"
    projector = Client().get(f"/meetings/{meeting.pk}/projector/{meeting.projector_token}/")
    assert "<script>" not in projector.content.decode() and "projector.js" in projector.content.decode()
    r = c.post(f"/meetings/{meeting.pk}/console/close-vote/", {"vote": "999999"}, follow=True)
    assert r.status_code == 200 and "There is no such vote." in r.content.decode()


def test_vote_without_check_in_is_refused_on_the_page(branch) -> None:
    meeting = running_meeting(branch, present=2)
    c = client_for(branch.secretary)
    c.post(f"/meetings/{meeting.pk}/console/open-vote/", {"mode": "open", "title": "Accept the report"})
    vote = meeting.votes.get()
    r = client_for(branch.members[5]).post(f"/meetings/votes/{vote.pk}/cast/", {"choice": "for"}, follow=True)
    assert "Check in to the meeting before you vote." in r.content.decode()


def test_api_second_and_errors(branch) -> None:
    motion = svc.motion_create(unit=branch.unit, proposer=branch.members[0], title="T", text="x")
    svc.motion_submit(motion_id=motion.pk, actor=branch.members[0])
    api = APIClient()
    api.force_authenticate(branch.members[1])
    assert api.post(f"/api/meetings/motions/{motion.pk}/second/").status_code == 201
    again = api.post(f"/api/meetings/motions/{motion.pk}/second/")
    assert again.status_code == 409 and again.json()["code"] == "already_seconded"
    api.force_authenticate(branch.members[0])
    own = api.post(f"/api/meetings/motions/{motion.pk}/second/")
    assert own.status_code == 400 and own.json()["code"] == "cannot_second_own_motion"
    listed = APIClient().get("/api/meetings/motions/?unit=stockport").json()
    assert [m["id"] for m in listed] == [motion.pk]


def test_api_check_in_and_attendance(branch) -> None:
    meeting = running_meeting(branch, present=1)
    api = APIClient()
    api.force_authenticate(branch.members[3])
    assert api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": "nope"}).json()["code"] == "wrong_room_code"
    assert api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": meeting.room_code}).status_code == 201
    assert api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": meeting.room_code}).status_code == 409
    assert APIClient().get(f"/api/meetings/{meeting.pk}/attendance/").json() == {
        "present": 2,
        "quorum": 3,
        "quorate": False,
    }


def test_schema_lists_meetings_endpoints() -> None:
    schema = APIClient().get("/api/schema/").content.decode()
    for path in [
        "/api/meetings/motions/",
        "/api/meetings/{meeting_id}/check-in/",
        "/api/meetings/{meeting_id}/agenda/",
    ]:
        assert path in schema


def test_demo_loads_and_every_page_renders(branch) -> None:
    people = branch.members + [MembershipFactory(unit=branch.unit).person for _ in range(6)]
    demo.load_demo(unit=branch.unit, members=people, secretary=branch.secretary, chair=branch.secretary)
    demo.load_demo(unit=branch.unit, members=people, secretary=branch.secretary, chair=branch.secretary)
    assert Meeting.objects.filter(unit=branch.unit).count() == 2
    c = client_for(branch.secretary)
    pages = ["/meetings/", "/meetings/motions/", "/meetings/requisitions/stockport/", "/meetings/schedule/stockport/"]
    for m in Meeting.objects.all():
        pages += [
            f"/meetings/{m.pk}/",
            f"/meetings/{m.pk}/console/",
            f"/meetings/{m.pk}/projector/{m.projector_token}/",
        ]
    past = Meeting.objects.get(state="closed")
    pages.append(f"/meetings/{past.pk}/minutes/")
    for motion in Motion.objects.all():
        pages += [f"/meetings/motions/{motion.pk}/", f"/meetings/motions/{motion.pk}/amend/"]
    for url in pages:
        assert c.get(url).status_code == 200, url
    assert (
        "7 for, 1 against"
        in Client().get(f"/meetings/motions/{Motion.objects.get(state='carried').pk}/").content.decode()
    )

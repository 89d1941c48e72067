"""The room, live (issue 17): the projector at its secret address, the
check-in code shown only when the chair chooses, secret votes that are the
meeting's (decided by the close, no e-mail, not among the online ballots),
attendance by name with check-out, starting early only when confirmed, and
GET requests that write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ballots.services.reminders import reminders_enqueue_due
from core.errors import Conflict
from core.models import OutboxEmail
from meetings.models import Attendance, Meeting, MeetingVote, Motion, SpeakerRequest
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_out
from meetings.services.room import projector_token_rotate, room_code_rotate, room_code_show
from meetings.services.speakers import speaker_call_next, speaker_request
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def client_for(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _projector(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/projector/{meeting.projector_token}/"


def test_projector_needs_its_secret_and_the_secret_rotates(branch) -> None:
    meeting = running_meeting(branch, present=3)
    assert client_for().get(f"/meetings/{meeting.pk}/projector/").status_code == 404
    assert client_for().get(f"/meetings/{meeting.pk}/projector/wrong-token/").status_code == 404
    assert client_for().get(f"/meetings/{meeting.pk}/projector/wrong-token/live.json").status_code == 404
    old = _projector(meeting)
    page = client_for().get(old)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "<nav" not in html and "site.css" not in html, "the projector carries no site chrome"
    assert 'src="/static/js/projector.js"' in html and "<script>" not in html
    meeting = projector_token_rotate(meeting_id=meeting.pk, actor=branch.secretary)
    assert client_for().get(old).status_code == 404
    assert client_for().get(_projector(meeting)).status_code == 200
    other = Meeting.objects.exclude(pk=meeting.pk).first()
    assert other is None or other.projector_token != meeting.projector_token


def test_check_in_code_only_on_the_projector_and_only_when_shown(branch) -> None:
    meeting = running_meeting(branch, present=3)
    code = meeting.room_code
    live = client_for().get(_projector(meeting) + "live.json").json()
    assert live["room_code"] is None and code not in client_for().get(_projector(meeting)).content.decode()
    assert client_for().get(_projector(meeting) + "check-in.svg").status_code == 404

    room_code_show(meeting_id=meeting.pk, actor=branch.secretary, shown=True)
    assert client_for().get(_projector(meeting) + "live.json").json()["room_code"] == code
    svg = client_for().get(_projector(meeting) + "check-in.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    # No public page shows it, to anyone who is not running the meeting.
    for url in [f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/live.json", "/meetings/",
                f"/api/meetings/{meeting.pk}/attendance/", f"/meetings/{meeting.pk}/speak/"]:  # fmt: skip
        for who in (None, branch.members[6]):
            assert code not in client_for(who).get(url).content.decode(), url

    rotated = room_code_rotate(meeting_id=meeting.pk, actor=branch.secretary)
    assert rotated.room_code != code
    api = APIClient()
    api.force_authenticate(branch.members[6])
    assert api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": code}).json()["code"] == "wrong_room_code"
    assert api.post(f"/api/meetings/{meeting.pk}/check-in/", {"code": rotated.room_code}).status_code == 201
    room_code_show(meeting_id=meeting.pk, actor=branch.secretary, shown=False)
    assert client_for().get(_projector(meeting) + "live.json").json()["room_code"] is None


def test_meeting_page_prefills_the_code_from_the_qr_link_without_checking_in(branch) -> None:
    meeting = running_meeting(branch, present=1)
    page = client_for(branch.members[5]).get(f"/meetings/{meeting.pk}/?code={meeting.room_code}")
    assert f'value="{meeting.room_code}"' in page.content.decode()
    assert not Attendance.objects.filter(meeting=meeting, person=branch.members[5]).exists()


def test_secret_vote_is_the_meetings_decided_by_the_close_and_never_mailed(
    branch, django_capture_on_commit_callbacks
) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    OutboxEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    for person, choice in zip([branch.secretary, *branch.members[:3]], ["for", "for", "for", "against"], strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_vote_cast(vote_id=vote.pk, voter=person, choice=choice)

    # Not among the online ballots: the list page, /me/, the API, the unit page.
    member, ballot = branch.members[0], vote.ballot
    assert ballot is not None
    assert ballot.title not in client_for(member).get("/ballots/").content.decode()
    assert ballot.title not in client_for(member).get("/me/").content.decode()
    api = APIClient()
    api.force_authenticate(member)
    assert vote.ballot_id not in [b["id"] for b in api.get("/api/ballots/").json()]
    assert ballot.title not in client_for(member).get(f"/units/{branch.unit.slug}/").content.decode()
    # No reminder, even with the closing time near.
    assert reminders_enqueue_due(now=ballot.closes_at - dt.timedelta(minutes=5)) == 0

    with django_capture_on_commit_callbacks(execute=True):
        closed = meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    assert closed.state == MeetingVote.State.DECIDED and closed.carried is True
    assert (closed.votes_for, closed.votes_against, closed.abstentions) == (3, 1, 0)
    motion.refresh_from_db()
    assert motion.state == Motion.State.CARRIED, "the close itself decides the motion"
    assert (
        not OutboxEmail.objects.filter(to_address__in=[p.email for p in branch.members[:8]])
        .exclude(key__startswith=f"motion:{motion.pk}:")
        .exists()
    ), "nothing e-mailed to the roll for a meeting's vote"
    assert not OutboxEmail.objects.filter(key__contains=f"ballot-result:{vote.ballot_id}").exists()
    assert not OutboxEmail.objects.filter(key__contains=f"ballot-reminder:{vote.ballot_id}").exists()
    live = client_for().get(_projector(meeting) + "live.json").json()
    assert live["vote"]["outcome"] == "CARRIED" and live["vote"]["state"] == "decided"


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def test_get_of_every_meeting_page_writes_nothing(branch, django_capture_on_commit_callbacks) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    speaker_request(meeting_id=meeting.pk, person=branch.members[0], kind="against")
    speaker_request(meeting_id=meeting.pk, person=branch.members[1], kind="for")
    speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)
    room_code_show(meeting_id=meeting.pk, actor=branch.secretary, shown=True)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    for person in (branch.secretary, branch.members[0]):
        meeting_vote_cast(vote_id=vote.pk, voter=person, choice="for")
    # A vote closed but not yet decided (as if its count were still to
    # come): a GET must not decide it, as the old pages did.
    MeetingVote.objects.filter(pk=vote.pk).update(state=MeetingVote.State.CLOSED)

    clients = {
        "anonymous": client_for(),
        "member": client_for(branch.members[0]),
        "chair": client_for(branch.secretary),
    }
    base = f"/meetings/{meeting.pk}"
    urls = [
        "/meetings/", f"{base}/", f"{base}/?code=ABC", f"{base}/live.json", f"{base}/console/",
        f"{base}/console/?find=Memb", f"{base}/speak/", _projector(meeting), _projector(meeting) + "live.json",
        _projector(meeting) + "check-in.svg", f"{base}/projector/", f"/meetings/motions/{motion.pk}/",
        f"/api/meetings/{meeting.pk}/attendance/", f"/api/meetings/{meeting.pk}/agenda/",
    ]  # fmt: skip
    before = _row_counts()
    for who, client in clients.items():
        for url in urls:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                response = client.get(url)
            assert response.status_code < 500, (who, url, response.status_code)
            assert callbacks == [], f"GET {url} as {who} queued work"
    after = _row_counts()
    assert {t: (before[t], after[t]) for t in before if before[t] != after.get(t)} == {}
    assert MeetingVote.objects.get(pk=vote.pk).state == MeetingVote.State.CLOSED


def test_check_in_by_name_names_who_did_it_and_check_out_drops_quorum(branch) -> None:
    meeting = running_meeting(branch, present=3)  # quorum 3
    chair = client_for(branch.secretary)
    found = chair.get(f"/meetings/{meeting.pk}/console/?find=member 6").content.decode()
    found = found[found.index('id="found"') :].split("</ul>")[0]
    assert "Member 6" in found and "Member 1<" not in found, "only matching members not yet here are offered"
    target = branch.members[5]
    r = chair.post(f"/meetings/{meeting.pk}/console/check-in-person/", {"person": target.pk}, follow=True)
    html = r.content.decode()
    assert "Checked in." in html and f"checked in by {branch.secretary}" in html
    assert "by the secretary" not in html

    r = chair.post(f"/meetings/{meeting.pk}/console/check-out/", {"person": target.pk}, follow=True)
    assert "Checked out." in r.content.decode()
    member = client_for(branch.members[1])
    r = member.post(f"/meetings/{meeting.pk}/check-out/", follow=True)
    assert "You have checked out." in r.content.decode()
    console = chair.get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert 'id="quorum-warning"' in console and "Not quorate: 2 present" in console
    assert client_for().get(f"/meetings/{meeting.pk}/live.json").json()["quorate"] is False
    # Back again: a late arrival, counted again.
    svc.agenda_item_take(
        item_id=svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="aob", title="AOB").pk,
        actor=branch.secretary,
    )
    chair.post(f"/meetings/{meeting.pk}/console/check-in-person/", {"person": branch.members[1].pk})
    assert Attendance.objects.get(meeting=meeting, person=branch.members[1]).checked_out_at is None
    chair.post(f"/meetings/{meeting.pk}/console/check-in-person/", {"person": branch.members[7].pk})
    assert Attendance.objects.get(meeting=meeting, person=branch.members[7]).late is True
    # A member may not check someone else out; nor vote once they left.
    with pytest.raises(Exception, match="check members out"):
        attendance_check_out(meeting_id=meeting.pk, person=branch.members[7], actor=branch.members[1])
    attendance_check_out(meeting_id=meeting.pk, person=branch.members[7], actor=branch.members[7])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", title="Accept the report")
    assert vote.present == 3
    with pytest.raises(Exception, match="Check in"):
        meeting_vote_cast(vote_id=vote.pk, voter=branch.members[7], choice="for")


def test_starting_before_the_day_needs_the_chairs_confirmation(branch) -> None:
    meeting = svc.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind=Meeting.Kind.AGM, title="AGM",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    svc.meeting_notice_send(meeting_id=meeting.pk, actor=branch.secretary)
    with pytest.raises(Conflict, match="tick the box"):
        svc.meeting_start(meeting_id=meeting.pk, actor=branch.secretary)
    chair = client_for(branch.secretary)
    page = chair.get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert 'name="confirm_early"' in page
    r = chair.post(f"/meetings/{meeting.pk}/console/start/", follow=True)
    assert "tick the box" in r.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.NOTICE_SENT
    chair.post(f"/meetings/{meeting.pk}/console/start/", {"confirm_early": "yes"})
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.IN_PROGRESS


def test_members_cannot_work_the_console(branch) -> None:
    meeting = running_meeting(branch, present=3)
    speaker_request(meeting_id=meeting.pk, person=branch.members[0], kind="for")
    member = client_for(branch.members[1])
    token = meeting.projector_token
    for action in ["code-show", "code-rotate", "projector-rotate", "speaker-next", "next-item"]:
        r = member.post(f"/meetings/{meeting.pk}/console/{action}/", follow=True)
        assert "Only" in r.content.decode() or r.status_code == 403, action
    meeting.refresh_from_db()
    assert not meeting.room_code_shown and meeting.projector_token == token
    assert not SpeakerRequest.objects.filter(meeting=meeting, state="speaking").exists()


def test_console_controls_are_labelled_buttons(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    speaker_request(meeting_id=meeting.pk, person=branch.members[0], kind="for")
    html = client_for(branch.secretary).get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert 'class="link"' not in html
    for label in ["Take the next item", "Take this item", "Open the vote", "Show the code on the projector",
                  "New code", "Call the next speaker", "Check out", "Open the projector"]:  # fmt: skip
        assert label in html, label


def test_the_minutes_page_of_a_closed_meeting_without_a_draft_writes_nothing_on_get(branch) -> None:
    """GET offers to draft; only the POST drafts."""
    from django.test import Client

    from meetings.models import Meeting, Minutes
    from tests.meetings.conftest import running_meeting

    meeting = running_meeting(branch)
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CLOSED)
    Minutes.objects.filter(meeting=meeting).delete()
    client = Client()
    client.force_login(branch.secretary)
    page = client.get(f"/meetings/{meeting.pk}/minutes/")
    assert page.status_code == 200 and b"Draft the minutes" in page.content
    assert not Minutes.objects.filter(meeting=meeting).exists()
    drafted = client.post(f"/meetings/{meeting.pk}/minutes/", {"draft_only": "1"})
    assert drafted.status_code == 302 and Minutes.objects.filter(meeting=meeting).count() == 1
    assert Minutes.objects.get(meeting=meeting).versions.count() == 1  # drafting saved no empty edit

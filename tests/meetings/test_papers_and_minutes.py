"""The AGM's papers as PDF (agenda, motions book, approved minutes), the
minutes' record of the previous minutes' approval, and the editor's preview."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting, Minutes
from meetings.services import amendments as amendment_services
from meetings.services import meetings as svc
from meetings.services.minutes import minutes_approve
from meetings.services.votes import meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion

pytestmark = pytest.mark.django_db


def running_meeting(branch, *, present: int = 5, kind: str = Meeting.Kind.GENERAL) -> Meeting:
    """A meeting whose day has come, in progress, with the secretary and
    ``present - 1`` members checked in."""
    from meetings.services.attendance import attendance_check_in_by_officer

    meeting = svc.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind=kind, title="General meeting",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    svc.meeting_notice_send(meeting_id=meeting.pk, actor=branch.secretary)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    svc.meeting_start(meeting_id=meeting.pk, actor=branch.secretary)
    for person in [branch.secretary, *branch.members][:present]:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=branch.secretary)
    meeting.refresh_from_db()
    return meeting


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_text(data: bytes, tmp_path) -> str:
    assert data.startswith(b"%PDF-")
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the papers"
    out = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def agm_with_a_carried_amended_motion(branch) -> tuple[Meeting, object]:
    """An AGM where an amendment is lost and the motion carried on hands, closed."""
    motion = in_order_motion(branch, title="Back the renters' union")
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[3], summary="Add the tenants' federation",
        text="We back it, and the tenants' federation.",
    )  # fmt: skip
    amendment_services.amendment_second(amendment_id=amendment.pk, seconder=branch.members[4])
    meeting = running_meeting(branch, present=5, kind=Meeting.Kind.AGM)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", amendment=amendment)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=1, votes_against=3, abstentions=1)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=4, votes_against=1, abstentions=0)
    return meeting, motion


def test_motions_book_and_agenda_pdf_carry_the_motion_amendment_and_result(branch, tmp_path) -> None:
    meeting, _ = agm_with_a_carried_amended_motion(branch)
    response = Client().get(f"/meetings/{meeting.pk}/papers/motions.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="meeting-{meeting.pk}-motions.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert "Motions book: General meeting" in text
    assert "Back the renters' union" in text and "We back it." in text
    assert "State: Carried" in text and "carried, 4 for, 1 against, 0 abstentions" in text
    assert "Add the tenants' federation" in text and "Lost: 1 for, 3 against, 1 abstention" in text
    assert "Page 1 of 1" in text
    agenda = Client().get(f"/meetings/{meeting.pk}/papers/agenda.pdf")
    assert agenda.status_code == 200
    assert "1. Back the renters' union" in pdf_text(agenda.content, tmp_path).replace("1.  ", "1. ")


def test_minutes_pdf_only_once_approved_and_records_the_approval(branch, tmp_path) -> None:
    meeting, _ = agm_with_a_carried_amended_motion(branch)
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    minutes = Minutes.objects.get(meeting=meeting)
    assert Client().get(f"/meetings/{meeting.pk}/papers/minutes.pdf").status_code == 404
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=30))
    later = running_meeting(branch, present=3)
    item = svc.agenda_item_add(meeting_id=later.pk, actor=branch.secretary, kind="minutes", previous_minutes=minutes)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    minutes_approve(minutes_id=minutes.pk, actor=branch.secretary, at_meeting_id=later.pk)
    item.refresh_from_db()
    assert item.decision == "The minutes of General meeting were approved as a true record."
    svc.meeting_close(meeting_id=later.pk, actor=branch.secretary)
    drafted = Minutes.objects.get(meeting=later).versions.get(number=1).text
    section = drafted.split("## 1. Minutes of General meeting", 1)[1]
    assert "approved as a true record" in section and "No decision recorded" not in section
    page = Client().get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/papers/minutes.pdf" in page and f"/meetings/{meeting.pk}/papers/motions.pdf" in page
    text = pdf_text(Client().get(f"/meetings/{meeting.pk}/papers/minutes.pdf").content, tmp_path)
    assert "Approved as a true record at General meeting" in text
    assert "Back the renters' union" in text and "4 for, 1 against, 0 abstentions" in text


def test_unknown_paper_is_404_and_missing_weasyprint_is_503(branch, monkeypatch) -> None:
    meeting = running_meeting(branch, present=1)
    assert Client().get(f"/meetings/{meeting.pk}/papers/budget.pdf").status_code == 404
    assert Client().get("/meetings/999999/papers/agenda.pdf").status_code == 404
    assert Client().post(f"/meetings/{meeting.pk}/papers/agenda.pdf").status_code == 405
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now raises ImportError
    response = Client().get(f"/meetings/{meeting.pk}/papers/agenda.pdf")
    assert response.status_code == 503
    assert "WeasyPrint or the Pango library it needs is not installed" in response.content.decode()


def test_minutes_preview_is_sanitised_for_officers_only_and_writes_nothing(branch) -> None:
    meeting = running_meeting(branch, present=1)
    url = f"/meetings/{meeting.pk}/minutes/preview/"
    secretary = client_for(branch.secretary)
    response = secretary.post(url, {"text": "## Item\n\n**carried** <script>bad()</script> [x](javascript:evil)"})
    body = response.content.decode()
    assert response.status_code == 200 and "<strong>carried</strong>" in body and "<h2>Item</h2>" in body
    assert "<script" not in body and "href" not in body  # the javascript: link is refused, its text inert
    assert secretary.post(url, {"text": "x" * 200_001}).status_code == 400
    assert secretary.get(url).status_code == 405
    assert client_for(branch.members[0]).post(url, {"text": "x"}).status_code == 403
    assert Client().post(url, {"text": "x"}).status_code == 302  # to sign in


def test_minutes_editor_is_wide_with_a_preview_and_external_script(branch) -> None:
    meeting = running_meeting(branch, present=1)
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    page = client_for(branch.secretary).get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert 'class="form-control font-monospace minutes-text"' in page
    assert f'data-preview-url="/meetings/{meeting.pk}/minutes/preview/"' in page
    assert 'id="minutes-preview"' in page and "js/minutes-preview.js" in page
    assert "<script>" not in page


def test_drafted_minutes_record_the_speakers_and_decisions(branch) -> None:
    from meetings.services.speakers import speaker_call_next, speaker_finish, speaker_request

    meeting, motion = agm_with_a_carried_amended_motion(branch)
    speaker_request(meeting_id=meeting.pk, person=branch.members[1], kind="against")
    speaker_request(meeting_id=meeting.pk, person=branch.members[2], kind="for")
    speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)
    speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)
    speaker_finish(meeting_id=meeting.pk, actor=branch.secretary)
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    text = Minutes.objects.get(meeting=meeting).versions.get(number=1).text
    section = text.split(f"## 1. {motion.title}", 1)[1]
    assert "Speakers: Member 1 (against, 0:00); Member 2 (for, 0:00)." in section
    assert "Back the renters' union: **carried**, 4 for, 1 against, 0 abstentions" in section

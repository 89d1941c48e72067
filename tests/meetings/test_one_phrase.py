"""Issue 26: one state, one phrase. The motion list, the motion's page, the
member's page, the unit's page, the e-mail and the API word a motion's state
the same way; counts agree in number ("1 abstention"); the audit log and
the count sheet use words people use."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import Client

from accounts.audit_sentences import audit_lines
from accounts.selectors import audit_entries_for_unit
from core.models import OutboxEmail
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from meetings.services.minutes import minutes_text_draft
from meetings.services.votes import meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import Branch, in_order_motion, running_meeting

SECONDED = "Seconded, awaiting the secretary&#x27;s ruling"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_seconded_motion_is_worded_alike_everywhere(branch: Branch) -> None:
    proposer, s1, s2 = branch.members[:3]
    motion = motion_services.motion_create(unit=branch.unit, proposer=proposer, title="Back the strike", text="x")
    motion_services.motion_submit(motion_id=motion.pk, actor=proposer)
    motion_services.motion_follow(motion=motion, person=proposer)
    motion_services.motion_second(motion_id=motion.pk, seconder=s1)
    motion_services.motion_second(motion_id=motion.pk, seconder=s2)
    client = _client(proposer)
    pages = {
        "list": client.get(f"/meetings/motions/?unit={branch.unit.slug}"),
        "page": client.get(f"/meetings/motions/{motion.pk}/"),
        "unit": client.get(f"/units/{branch.unit.slug}/"),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert SECONDED in html, name
        assert "seeking seconders" not in html.split("Back the strike")[1][:400], name
    me = client.get("/me/").content.decode()
    assert "seconded, awaiting the secretary&#x27;s ruling" in me
    api = client.get(f"/api/meetings/motions/{motion.pk}/").json()
    assert api["state"] == "submitted" and api["state_phrase"] == "Seconded, awaiting the secretary's ruling"
    mail = OutboxEmail.objects.filter(recipient=proposer).order_by("-id").first()
    assert mail is not None and "seconded, awaiting the secretary's ruling" in mail.body_text


def test_one_abstention_is_singular_on_every_page_and_in_the_minutes(branch: Branch) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=3, votes_against=0, abstentions=1)
    secretary = _client(branch.secretary)
    page = secretary.get(f"/meetings/motions/{motion.pk}/").content.decode()
    console = secretary.get(f"/meetings/{meeting.pk}/console/").content.decode()
    minutes = minutes_text_draft(meeting=meeting)
    pdf_html = render_to_string(
        "meetings/pdf/motions.html", {"meeting": meeting, "motions": [motion], "amendments": []}
    )
    for where, text in {"page": page, "console": console, "minutes": minutes, "pdf": pdf_html}.items():
        assert "3 for, 0 against, 1 abstention" in text, where
        assert "1 abstentions" not in text, where
    motion.refresh_from_db()
    assert "1 abstention " in motion.outcome_note or "1 abstention" in motion.outcome_note


def test_the_audit_log_names_things_in_words(branch: Branch) -> None:
    first = running_meeting(branch)
    meeting_services.meeting_close(meeting_id=first.pk, actor=branch.secretary)
    second = running_meeting(branch)
    meeting_services.agenda_item_add(
        meeting_id=second.pk, actor=branch.secretary, kind="aob", title="Any other business"
    )
    motion = in_order_motion(branch)
    vote = meeting_vote_open(meeting_id=second.pk, actor=branch.secretary, mode="hands", motion=motion)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=3, votes_against=1, abstentions=0)
    text = " ".join(f"{line.verb} {line.object_name}" for line in audit_lines(audit_entries_for_unit(unit=branch.unit)))
    assert "the minutes of the minutes" not in text and "drafted the minutes of the meeting" in text
    assert "agendaitem" not in text and "meetingvote" not in text
    assert "agenda item" in text


def test_re_open_nominations_is_never_elected() -> None:
    sheet = {
        "method": "irv", "seats": 1, "candidates": ["Nia", "Re-open nominations"], "elected": ["Re-open nominations"],
        "stages": [{"number": 1, "votes": {"Nia": 1, "Re-open nominations": 2}}],
    }  # fmt: skip
    html = render_to_string("ballots/_count_sheet.html", {"sheet": sheet})
    assert "Re-open nominations (elected)" not in html and "re-opened" in html

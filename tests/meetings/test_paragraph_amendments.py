"""Amendments to one paragraph of a motion, as OpenSlides does them (issue
24): the paragraph's number, old and new text stored; amendments to other
paragraphs re-based when one carries, falling (with the reason) only when
their own paragraph changed; the diff of just that paragraph everywhere; the
motion as amended voted on, the original kept."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.errors import Conflict, DomainError
from meetings.diffing import amendment_diff_html, text_changes
from meetings.markdown import markdown_numbered
from meetings.models import Amendment, Motion
from meetings.papers import paper_html
from meetings.paragraphs import paragraph_replace, paragraphs_join, paragraphs_split
from meetings.room import projector_live
from meetings.services import amendments as svc
from meetings.services import meetings as meeting_services
from meetings.services.votes import meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion, running_meeting

A = Amendment.State
THREE = "We back the **renters' union**.\n\nWe give it £100 a year.\r\n\r\n\r\nThe secretary writes to say so."


def _motion(branch, text: str = THREE) -> Motion:
    motion = in_order_motion(branch)
    motion.text = motion.original_text = text
    motion.save(update_fields=["text", "original_text"])
    return motion


def _propose(branch, motion: Motion, *, paragraph: int | None, text: str, who: int = 3, **extra) -> Amendment:
    return svc.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[who], summary=f"Change {paragraph}", text=text,
        paragraph=paragraph, **extra,
    )  # fmt: skip


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# The paragraphs, pure.


def test_paragraphs_are_the_blocks_between_blank_lines_and_keep_their_indent() -> None:
    text = "One\nstill one.\n\n\n  \n- a list\n  - indented\n\n    code kept indented\r\n\r\nLast  "
    assert paragraphs_split(text) == ["One\nstill one.", "- a list\n  - indented", "    code kept indented", "Last"]
    assert paragraphs_split(paragraphs_join(paragraphs_split(text))) == paragraphs_split(text)
    assert paragraphs_split("  \n\n ") == []


def test_replacing_a_paragraph_says_how_many_it_became() -> None:
    assert paragraph_replace("A\n\nB\n\nC", number=2, new="B1\n\nB2") == ("A\n\nB1\n\nB2\n\nC", 2)
    assert paragraph_replace("A\n\nB\n\nC", number=2, new="") == ("A\n\nC", 0)


# Proposing.


def test_a_paragraph_amendment_stores_what_it_changes_and_the_motion_as_amended(branch) -> None:
    motion = _motion(branch)
    a = _propose(branch, motion, paragraph=2, text="We give it £200 a year.", old_paragraph="We give it £100 a year.")
    a.refresh_from_db()
    assert (a.paragraph, a.old_paragraph, a.new_paragraph) == (2, "We give it £100 a year.", "We give it £200 a year.")
    assert a.base_text == THREE
    assert paragraphs_split(a.text) == [
        "We back the **renters' union**.", "We give it £200 a year.", "The secretary writes to say so.",
    ]  # fmt: skip


@pytest.mark.parametrize("number", [0, 4, 99])
def test_a_paragraph_out_of_range_is_refused_with_the_count(branch, number: int) -> None:
    motion = _motion(branch)
    with pytest.raises(DomainError) as exc:
        _propose(branch, motion, paragraph=number, text="x")
    assert exc.value.code == "no_such_paragraph" and exc.value.status == 400
    assert "has 3 paragraphs" in exc.value.message and f"no paragraph {number}" in exc.value.message
    assert not Amendment.objects.exists()


def test_a_paragraph_changed_since_it_was_read_is_refused_saying_how_it_reads(branch) -> None:
    motion = _motion(branch)
    with pytest.raises(Conflict) as exc:
        _propose(branch, motion, paragraph=2, text="We give it £50.", old_paragraph="We give it £80 a year.")
    assert exc.value.code == "paragraph_changed" and exc.value.status == 409
    assert "We give it £100 a year." in exc.value.message


def test_an_unchanged_paragraph_and_deleting_the_whole_motion_are_refused(branch) -> None:
    motion = _motion(branch)
    with pytest.raises(DomainError) as exc:
        _propose(branch, motion, paragraph=2, text="We give it £100 a year.\r\n")
    assert exc.value.code == "amendment_unchanged"
    single = in_order_motion(branch, title="Short")
    with pytest.raises(DomainError) as exc:
        _propose(branch, single, paragraph=1, text="")
    assert "delete the whole motion" in exc.value.message


# Carrying: re-based or fallen.


def test_amendments_to_different_paragraphs_both_carry_one_after_the_other(branch) -> None:
    motion = _motion(branch)
    first = _propose(branch, motion, paragraph=1, text="We back the **tenants' union**.", who=3)
    second = _propose(branch, motion, paragraph=3, text="The chair writes to say so.", who=4)
    svc.amendment_accept_friendly(amendment_id=first.pk, actor=branch.members[0])
    second.refresh_from_db()
    assert second.state == A.SUBMITTED, "an amendment to another paragraph does not fall"
    assert second.paragraph == 3 and "tenants'" in second.base_text and "tenants'" in second.text
    svc.amendment_accept_friendly(amendment_id=second.pk, actor=branch.members[0])
    motion.refresh_from_db()
    assert paragraphs_split(motion.text) == [
        "We back the **tenants' union**.", "We give it £100 a year.", "The chair writes to say so.",
    ]  # fmt: skip
    assert motion.original_text == THREE and motion.is_amended


def test_an_amendment_to_the_paragraph_changed_first_falls_saying_why(branch) -> None:
    motion = _motion(branch)
    first = _propose(branch, motion, paragraph=2, text="We give it £200 a year.", who=3)
    rival = _propose(branch, motion, paragraph=2, text="We give it £150 a year.", who=4)
    whole = svc.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[5], summary="Rewrite", text="We back it. That is all."
    )
    svc.amendment_accept_friendly(amendment_id=first.pk, actor=branch.members[0])
    rival.refresh_from_db()
    whole.refresh_from_db()
    assert rival.state == A.FALLEN and rival.decided_at is not None
    assert rival.outcome_note == "Fell: the amendment “Change 2” changed paragraph 2 first."
    assert whole.state == A.FALLEN and "rewrote the whole text" in whole.outcome_note


def test_paragraphs_added_or_deleted_above_move_a_later_amendment(branch) -> None:
    motion = _motion(branch)
    split = _propose(branch, motion, paragraph=1, text="We back the renters' union.\n\nWe join it.", who=3)
    later = _propose(branch, motion, paragraph=3, text="The chair writes.", who=4)
    earlier_gone = _propose(branch, motion, paragraph=2, text="", who=5)
    svc.amendment_accept_friendly(amendment_id=split.pk, actor=branch.members[0])
    later.refresh_from_db()
    earlier_gone.refresh_from_db()
    assert later.paragraph == 4 and later.old_paragraph == "The secretary writes to say so."
    assert earlier_gone.paragraph == 3 and earlier_gone.state == A.SUBMITTED
    svc.amendment_accept_friendly(amendment_id=earlier_gone.pk, actor=branch.members[0])  # deletes £100
    later.refresh_from_db()
    assert later.paragraph == 3
    svc.amendment_accept_friendly(amendment_id=later.pk, actor=branch.members[0])
    motion.refresh_from_db()
    assert paragraphs_split(motion.text) == ["We back the renters' union.", "We join it.", "The chair writes."]


def test_a_whole_text_amendment_carried_keeps_amendments_to_paragraphs_it_left_alone(branch) -> None:
    motion = _motion(branch)
    untouched = _propose(branch, motion, paragraph=3, text="The chair writes.", who=3)
    touched = _propose(branch, motion, paragraph=2, text="We give it £5.", who=4)
    whole = svc.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[5], summary="Preamble",
        text="Conference notes rents are rising.\n\n" + THREE.replace("£100", "£300"),
    )  # fmt: skip
    svc.amendment_accept_friendly(amendment_id=whole.pk, actor=branch.members[0])
    untouched.refresh_from_db()
    touched.refresh_from_db()
    assert untouched.state == A.SUBMITTED and untouched.paragraph == 4
    assert touched.state == A.FALLEN and "changed paragraph 2 first" in touched.outcome_note


def test_a_seconded_paragraph_amendment_is_voted_then_the_motion_as_amended(branch) -> None:
    motion = _motion(branch)
    meeting = running_meeting(branch, present=6)
    a = _propose(branch, motion, paragraph=2, text="We give it £200 a year.")
    svc.amendment_second(amendment_id=a.pk, seconder=branch.members[4])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", amendment=a)
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=4, votes_against=1, abstentions=1)
    motion.refresh_from_db()
    assert "£200" in motion.text and "£100" in motion.original_text
    assert Amendment.objects.get(pk=a.pk).state == A.CARRIED
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    assert vote.motion is not None and vote.motion.text == motion.text  # the substantive motion, as amended


def test_a_carried_amendment_whose_paragraph_was_edited_otherwise_is_refused(branch) -> None:
    motion = _motion(branch)
    a = _propose(branch, motion, paragraph=2, text="We give it £200 a year.")
    Motion.objects.filter(pk=motion.pk).update(text=THREE.replace("£100", "£90"))
    with pytest.raises(Conflict) as exc:
        svc.amendment_accept_friendly(amendment_id=a.pk, actor=branch.members[0])
    assert exc.value.code == "paragraph_changed"
    assert Amendment.objects.get(pk=a.pk).state == A.SUBMITTED


# The diff of just the paragraph, rendered.


def test_the_diff_is_of_the_paragraph_alone_with_its_number(branch) -> None:
    motion = _motion(branch)
    a = _propose(branch, motion, paragraph=1, text="We back the **tenants' union**.")
    html = str(amendment_diff_html(a))
    assert "Paragraph 1" in html and "<del>" in html and "<ins>" in html and "<strong>" in html
    assert "**" not in html and "£100" not in html and "secretary" not in html
    gone = _propose(branch, motion, paragraph=2, text="", who=4)
    assert "Paragraph 2, deleted" in str(amendment_diff_html(gone))


def test_a_whole_text_amendment_shows_only_the_paragraphs_it_changes() -> None:
    changes = text_changes(before=THREE, after=THREE.replace("£100", "£300") + "\n\nAnd a new one.")
    assert [c.where for c in changes] == ["Paragraph 2", "New paragraph after paragraph 3"]
    assert "renters" not in _text(str(changes[0].html))


def test_the_numbered_text_numbers_every_paragraph_and_keeps_a_list_numbered() -> None:
    html = str(markdown_numbered("First.\n\n1. one\n\n2. two"))
    assert html.count('class="numbered-paragraph"') == 3 and 'id="paragraph-3"' in html
    assert '<ol start="2">' in html


# Pages, the API, the projector, the motions book.


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_amend_page_lists_paragraphs_then_amends_one(branch) -> None:
    motion = _motion(branch)
    member = _client(branch.members[3])
    page = member.get(f"/meetings/motions/{motion.pk}/amend/").content.decode()
    assert "Amend paragraph 3" in page and "Or replace the whole text" in page
    shown = re.sub(r"<textarea.*?</textarea>", "", page, flags=re.DOTALL)  # the field edits Markdown, of course
    assert "**" not in shown and "<strong>renters' union</strong>" in shown
    page = member.get(f"/meetings/motions/{motion.pk}/amend/?paragraph=2").content.decode()
    assert "Paragraph 2 as amended" in page and "You are amending paragraph 2" in page
    response = member.post(
        f"/meetings/motions/{motion.pk}/amend/",
        {"summary": "More money", "text": "We give it £200 a year.", "paragraph": "2",
         "old_paragraph": "We give it £100 a year."},
    )  # fmt: skip
    assert response.status_code == 302
    a = Amendment.objects.get()
    assert (a.paragraph, a.new_paragraph) == (2, "We give it £200 a year.")
    detail = _client(branch.members[5]).get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert "Paragraph 2" in detail and "<ins>£200</ins>" in detail and 'id="paragraph-3"' in detail
    assert "**" not in detail


@pytest.mark.parametrize("query", ["paragraph=9", "paragraph=0", "paragraph=two", "paragraph=%00"])
def test_asking_for_a_paragraph_that_is_not_there_is_a_400_saying_why(branch, query: str) -> None:
    motion = _motion(branch)
    response = _client(branch.members[3]).get(f"/meetings/motions/{motion.pk}/amend/?{query}")
    assert response.status_code == 400
    assert "The motion has 3 paragraphs" in response.content.decode()


def test_posting_a_stale_or_missing_paragraph_gives_the_form_back_with_the_reason(branch) -> None:
    motion = _motion(branch)
    member = _client(branch.members[3])
    stale = member.post(
        f"/meetings/motions/{motion.pk}/amend/",
        {"summary": "s", "text": "We give it £1.", "paragraph": "2", "old_paragraph": "We give it £80 a year."},
    )
    assert stale.status_code == 409 and "has changed since you opened it" in stale.content.decode()
    missing = member.post(f"/meetings/motions/{motion.pk}/amend/", {"summary": "s", "text": "x", "paragraph": "7"})
    assert missing.status_code == 400 and "there is no paragraph 7" in missing.content.decode()
    assert not Amendment.objects.exists()


def test_the_api_proposes_a_paragraph_amendment_and_refuses_with_codes(branch) -> None:
    motion = _motion(branch)
    api = APIClient()
    api.force_authenticate(branch.members[3])
    url = f"/api/meetings/motions/{motion.pk}/amendments/"
    made = api.post(url, {"summary": "More", "text": "We give it £200 a year.", "paragraph": 2}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["paragraph"] == 2 and body["old_paragraph"] == "We give it £100 a year."
    assert "Paragraph 2" in body["diff_html"] and "<ins>£200</ins>" in body["diff_html"]
    out = api.post(url, {"summary": "x", "text": "y", "paragraph": 8}, format="json")
    assert out.status_code == 400 and out.json()["code"] == "no_such_paragraph"
    stale = api.post(url, {"summary": "x", "text": "y", "paragraph": 1, "old_paragraph": "Old."}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "paragraph_changed"
    bad = api.post(url, {"summary": "x", "text": "y", "paragraph": -1}, format="json")
    assert bad.status_code == 400
    listed = api.get(url).json()
    assert [a["paragraph"] for a in listed] == [2]
    numbered = api.get(f"/api/meetings/motions/{motion.pk}/").json()["paragraphs"]
    assert numbered[1] == "We give it £100 a year." and len(numbered) == 3


def test_projector_and_motions_book_show_the_numbered_paragraph_diff(branch) -> None:
    meeting = running_meeting(branch, present=4)
    motion = _motion(branch)
    item = meeting_services.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    meeting_services.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    a = _propose(branch, motion, paragraph=2, text="We give it £200 a year.")
    svc.amendment_second(amendment_id=a.pk, seconder=branch.members[4])
    live = projector_live(meeting=meeting)["motion"]
    assert live["amendments"][0]["paragraph"] == 2 and "Paragraph 2" in live["amendments"][0]["diff_html"]
    assert 'id="paragraph-3"' in live["text_html"] and not live["amended"]
    svc.amendment_accept_friendly(amendment_id=a.pk, actor=branch.members[0])
    assert projector_live(meeting=meeting)["motion"]["amended"]
    book = paper_html(meeting=meeting, paper="motions")
    assert str(amendment_diff_html(Amendment.objects.get(pk=a.pk))) in book
    assert "The motion as amended" in book and "Changes from the motion as submitted" in book
    assert "**" not in book

"""An amendment's changes, rendered: no raw Markdown, spaces kept between a
deleted and an inserted word, the same diff on phones, the console, the
projector and the motions book (issue 24)."""

from __future__ import annotations

import re

import pytest

from meetings.diffing import amendment_diff_html, text_diff_html
from meetings.papers import paper_html
from meetings.room import projector_live
from meetings.services import amendments as amendment_services
from meetings.services import meetings as svc
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_diff_shows_rendered_text_not_raw_markdown() -> None:
    html = text_diff_html(
        before="We will **affiliate to the trades council**.", after="We will **affiliate to the trades** council."
    )
    assert "**" not in html and "\\*" not in html
    assert "<strong>" in html
    assert _text(html).count("council") == 2  # once struck out, once inserted


def test_a_replaced_word_does_not_run_into_its_replacement() -> None:
    html = text_diff_html(before="Elect a delegate.", after="Elect two delegate.")
    assert "<del>a</del>" in html and "<ins>two</ins>" in html
    assert "atwo" not in _text(html) and "a two" in _text(html)


def test_the_diff_is_sanitised() -> None:
    html = text_diff_html(before="We back all renters.", after="We back <script>alert(1)</script> most renters.")
    assert "<script" not in html and "alert(1)" not in html
    assert "<ins>most</ins>" in html or "most" in _text(html)


def test_projector_and_motions_book_print_the_same_clean_diff(branch) -> None:
    meeting = running_meeting(branch, present=4)
    motion = in_order_motion(branch)
    motion.text = "We will **affiliate to the trades council**."
    motion.save(update_fields=["text"])
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk,
        proposer=branch.members[3],
        summary="Leave the council out",
        text="We will **affiliate to the trades** council.",
    )
    amendment_services.amendment_second(amendment_id=amendment.pk, seconder=branch.members[4])
    expected = str(amendment_diff_html(amendment))
    assert str(text_diff_html(before=amendment.base_text, after=amendment.text)) in expected  # the one diff
    shown = projector_live(meeting=meeting)["motion"]["amendments"][0]["diff_html"]
    assert shown == expected and "**" not in shown and "Paragraph 1" in shown
    book = paper_html(meeting=meeting, paper="motions")
    assert expected in book, "the motions book prints each amendment's text with its changes"

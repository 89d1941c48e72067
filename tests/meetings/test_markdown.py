"""Markdown renders once per text version, and pathological text renders.

A motion's text, an amendment, a discussion post and the minutes are
rendered on every view of a public page. The HTML is cached under a hash of
the text and the renderer's version, so a page view after the first serves
the cached HTML; a changed text is a new key, rendered afresh. The
renderer's cost is linear in the text (figures in ``bench/markdown_render.py``).
"""

from __future__ import annotations

import uuid
from typing import Any

import nh3
import pytest
from django.test import Client

from meetings.markdown import markdown_render
from meetings.services import discussion as discussion_svc
from meetings.services import motions as svc

pytestmark = pytest.mark.django_db


def _count_sanitiser_calls(monkeypatch: pytest.MonkeyPatch, marker: str) -> list[str]:
    """Every render ends in ``nh3.clean`` (old and new code alike); count the
    calls whose HTML carries ``marker``, letting the real sanitiser run."""
    calls: list[str] = []
    clean = nh3.clean

    def counting(html: str, **kwargs: Any) -> str:
        if marker in html:
            calls.append(html)
        return clean(html, **kwargs)

    monkeypatch.setattr(nh3, "clean", counting)
    return calls


def test_a_motion_page_renders_its_text_once_however_often_it_is_viewed(branch, monkeypatch) -> None:
    marker = uuid.uuid4().hex  # a text no earlier run has cached
    motion = svc.motion_create(
        unit=branch.unit, proposer=branch.members[0], title="Rent", text=f"**Rent** controls {marker}\n\n- one\n- two"
    )
    svc.motion_submit(motion_id=motion.pk, actor=branch.members[0])
    calls = _count_sanitiser_calls(monkeypatch, marker)
    for _ in range(3):
        page = Client().get(f"/meetings/motions/{motion.pk}/").content.decode()
        assert f"<strong>Rent</strong> controls {marker}" in page and "<li>two</li>" in page
    assert len(calls) == 1


def test_a_new_version_of_the_text_is_rendered_anew(monkeypatch) -> None:
    marker = uuid.uuid4().hex
    calls = _count_sanitiser_calls(monkeypatch, marker)
    first = markdown_render(f"*{marker}* first")
    second = markdown_render(f"*{marker}* second")
    assert f"<p><em>{marker}</em> first</p>" in first and f"<em>{marker}</em> second" in second
    assert markdown_render(f"*{marker}* first") == first
    assert len(calls) == 2


def test_discussion_posts_are_rendered_once_for_every_member_viewing_the_thread(branch, monkeypatch) -> None:
    marker = uuid.uuid4().hex
    motion = svc.motion_create(unit=branch.unit, proposer=branch.members[0], title="Rent", text="x")
    svc.motion_submit(motion_id=motion.pk, actor=branch.members[0])
    calls = _count_sanitiser_calls(monkeypatch, marker)  # from the start: a post's e-mail may render it first
    for n in range(2):
        discussion_svc.discussion_post_create(motion_id=motion.pk, author=branch.members[1], text=f"**{marker}** {n}")
    for member in branch.members[2:5]:
        client = Client()
        client.force_login(member)
        page = client.get(f"/meetings/motions/{motion.pk}/").content.decode()
        assert f"<strong>{marker}</strong> 0" in page and f"<strong>{marker}</strong> 1" in page
    assert len(calls) == 2


@pytest.mark.parametrize("char", ["[", "*", "_", "`", ">", "!["])
def test_runs_of_markdown_punctuation_render_as_text(char: str) -> None:
    """``"[" * 20000`` cost Python-Markdown 76 s of CPU a view; the text
    must still come back, as text (``>`` is a nesting of quotes, bounded)."""
    text = char * (20_000 // len(char))
    html = str(markdown_render(text))
    assert html.strip()
    if char in "[!":
        assert html.count(char) == text.count(char)
    if char == ">":
        assert "<blockquote>" in html and html.count("<blockquote>") < 100

"""An amendment's changes, marked word by word on the *rendered* text: the
one home of the diff that phones, the console, the projector and the PDFs
all show.

Whole words are compared, not characters, because that is how a meeting
reads an amendment: "delete 'all' and insert 'most'". The words compared are
those of the rendered Markdown (``meetings.markdown.markdown_render``, cached), not of
the source: a member reads "affiliate to the trades council" in bold, never
``**affiliate…**``. The markup kept is the amended text's own (every tag of
the new text, in order, and none of the deleted one), so the result is
always well formed; deleted words are set in ``<del>`` where they stood,
inserted ones in ``<ins>``, and a deleted word and the word replacing it are
kept apart by a space. The result goes through the same sanitiser again.

An amendment is shown by the paragraphs it changes (``amendment_changes``),
each numbered as the motion numbers it (``meetings.paragraphs``): the meeting
reads "Paragraph 3" and the diff of that paragraph, not the whole motion
again.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Protocol

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from meetings.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, markdown_render
from meetings.paragraphs import paragraphs_join, paragraphs_split


class AmendmentLike(Protocol):
    """What the diff needs of an amendment (``meetings.models.Amendment``)."""

    paragraph: int | None
    old_paragraph: str
    new_paragraph: str
    base_text: str
    text: str


# A tag, a run of whitespace, or a word (anything else up to the next space or tag).
_TOKEN = re.compile(r"<[^>]*>|\s+|[^\s<]+")


def _is_tag(token: str) -> bool:
    return token.startswith("<")


def _wrap(tokens: list[str], tag: str) -> str:
    """Words and spaces in ``<tag>``, tags left outside (so nesting holds);
    leading and trailing spaces stay unmarked. ``tag`` "" keeps words only
    and drops tags (a deleted run's markup is the old text's)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        run.clear()
        core = text.strip()
        if not core:
            out.append(text if tag != "del" else "")
            return
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        out.append(f"{lead}<{tag}>{core}</{tag}>{trail}")

    for token in tokens:
        if _is_tag(token):
            flush()
            if tag != "del":
                out.append(token)
        else:
            run.append(token)
    flush()
    return "".join(out)


def text_diff_html(*, before: str, after: str) -> SafeString:
    """The amended text rendered from Markdown, with ``<del>`` and ``<ins>``
    around the words changed; sanitised like any member's text."""
    a = _TOKEN.findall(str(markdown_render(before)))  # cached: every state of the room shows the diffs
    b = _TOKEN.findall(str(markdown_render(after)))
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append("".join(a[i1:i2]))
            continue
        deleted = _wrap(a[i1:i2], "del") if op in {"delete", "replace"} else ""
        inserted = _wrap(b[j1:j2], "ins") if op in {"insert", "replace"} else ""
        if deleted and inserted and not deleted[-1].isspace() and not inserted[0].isspace():
            deleted += " "  # "<del>a</del> <ins>two</ins>", never "atwo"
        parts.append(deleted + inserted)
    html = nh3.clean(
        "".join(parts),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(html.strip())  # noqa: S308 - sanitised by nh3 on the line above


@dataclass(frozen=True)
class Change:
    """One place a text changes: where, in the words the meeting uses
    ("Paragraph 3"), and the rendered diff of just that part."""

    where: str
    html: SafeString


def _where(i1: int, i2: int, j1: int, j2: int) -> str:
    if i1 == i2:  # only inserted
        count = "New paragraph" if j2 - j1 == 1 else f"{j2 - j1} new paragraphs"
        return f"{count} after paragraph {i1}" if i1 else f"{count} before paragraph 1"
    span = f"Paragraph {i1 + 1}" if i2 - i1 == 1 else f"Paragraphs {i1 + 1}–{i2}"
    return f"{span}, deleted" if j1 == j2 else span


def text_changes(*, before: str, after: str) -> list[Change]:
    """The paragraphs ``after`` changes in ``before``, each numbered as in
    ``before`` with its diff: the paragraphs left alone are not repeated."""
    a, b = paragraphs_split(before), paragraphs_split(after)
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            html = text_diff_html(before=paragraphs_join(a[i1:i2]), after=paragraphs_join(b[j1:j2]))
            changes.append(Change(where=_where(i1, i2, j1, j2), html=html))
    return changes


def amendment_changes(amendment: AmendmentLike) -> list[Change]:
    """What an amendment changes: its paragraph, or, for one that rewrites
    the whole text, each paragraph it changes."""
    if amendment.paragraph is None:
        return text_changes(before=amendment.base_text, after=amendment.text)
    n = amendment.paragraph
    where = f"Paragraph {n}, deleted" if not amendment.new_paragraph else f"Paragraph {n}"
    return [Change(where=where, html=text_diff_html(before=amendment.old_paragraph, after=amendment.new_paragraph))]


def changes_html(changes: list[Change]) -> SafeString:
    """The changes as one block of HTML, each headed by its place: what the
    motion page, the projector and the motions book show."""
    parts = [
        f'<div class="diff-part"><p class="diff-where">{escape(c.where)}</p><div class="diff">{c.html}</div></div>'
        for c in changes
    ]
    return mark_safe("".join(parts))  # noqa: S308 - each diff sanitised by text_diff_html, the place escaped


def amendment_diff_html(amendment: AmendmentLike) -> SafeString:
    return changes_html(amendment_changes(amendment))

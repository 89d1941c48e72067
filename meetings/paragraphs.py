"""A motion's text as numbered paragraphs: what a member amends and what the
meeting refers to ("in paragraph 3, delete 'all'").

A paragraph is a Markdown block: the text between blank lines, as the
renderer itself sees paragraphs, list blocks and headings. Numbering is by
the source, not by rendered lines, so every screen (a phone, the projector,
the printed motions book) gives the same paragraph the same number whatever
its width; OpenSlides numbers wrapped lines, which differ between a phone and
a projector. Splitting then joining keeps every paragraph as written (the
indentation of a list's continuation too) and normalises only the blank
lines between them, which the rendered motion does not show.

Pure Python: the services check amendments with it, the templates number the
motion with it.
"""

from __future__ import annotations

import re

# One or more blank (or whitespace-only) lines; the next paragraph's indent is kept.
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)*\n")


def paragraph_normalise(text: str) -> str:
    """``text`` with Windows line ends made plain and the ends trimmed:
    what a form posts and what is stored compare equal."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def paragraphs_split(text: str) -> list[str]:
    """The paragraphs of ``text``, in order, none empty."""
    body = paragraph_normalise(text)
    if not body:
        return []
    return [part.rstrip() for part in _BLANK_LINES.split(body) if part.strip()]


def paragraphs_join(paragraphs: list[str]) -> str:
    """The text the paragraphs make, one blank line between each."""
    return "\n\n".join(p for p in paragraphs if p.strip())


def paragraph_replace(text: str, *, number: int, new: str) -> tuple[str, int]:
    """``text`` with paragraph ``number`` (1-based) replaced by ``new``, and
    how many paragraphs ``new`` is (0 when it deletes the paragraph, 2 when it
    adds one after it): the paragraphs after it move by that count less one.
    The caller has checked that ``number`` is in range."""
    paragraphs = paragraphs_split(text)
    replacement = paragraphs_split(new)
    paragraphs[number - 1 : number] = replacement
    return paragraphs_join(paragraphs), len(replacement)

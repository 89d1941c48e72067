"""The amended text with its changes marked, word by word (``difflib``).

Whole words are compared, not characters, because that is how a meeting
reads an amendment: "delete 'all' and insert 'most'".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Change:
    """One run of the diff: ``op`` is "equal", "delete" or "insert"."""

    op: str
    text: str


def text_changes(*, before: str, after: str) -> list[Change]:
    """The runs that turn ``before`` into ``after``."""
    a = _TOKEN.findall(before)
    b = _TOKEN.findall(after)
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            changes.append(Change("equal", "".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            changes.append(Change("delete", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            changes.append(Change("insert", "".join(b[j1:j2])))
    return changes


def text_diff_html(*, before: str, after: str) -> SafeString:
    """HTML with ``<del>`` and ``<ins>`` around the changes; everything escaped."""
    parts = []
    for change in text_changes(before=before, after=after):
        text = escape(change.text)
        if change.op == "delete":
            parts.append(f"<del>{text}</del>")
        elif change.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        else:
            parts.append(text)
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above

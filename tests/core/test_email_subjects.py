"""Every e-mail subject is plain text: a title with & or ' arrives as typed,
not as HTML entities (subjects are not HTML, so escaping them is a bug)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from core.emails import render_subject

HOSTILE = 'Tom & Jerry\'s <Party> "Vote"'
TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "emails").rglob("*.subject.txt"))
# A subject with no variable (the lockout notice) has nothing to escape.
TEMPLATES_WITH_VALUES = [path for path in TEMPLATES if "{{" in path.read_text()]


def _context(source: str) -> dict[str, Any]:
    """A context giving every ``{{ a.b.c }}`` in the template the hostile
    text (a date where it is shown with ``|date``, a list with ``|length``)."""
    context: dict[str, Any] = {}
    for path, filters in re.findall(r"{{\s*([\w.]+)\s*((?:\|[^}]*)?)}}", source):
        value: Any = HOSTILE
        if filters.startswith("|date"):
            value = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)
        elif filters.startswith("|length"):
            value = [HOSTILE]
        *parents, leaf = path.split(".")
        node = context
        for name in parents:
            node = node.setdefault(name, {})
        node.setdefault(leaf, value)
    return context


def _texts(node: Any) -> int:
    """How many values in the (nested) context are the hostile text."""
    if isinstance(node, dict):
        return sum(_texts(value) for value in node.values())
    return int(node == HOSTILE)


def test_there_are_subject_templates() -> None:
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("path", TEMPLATES_WITH_VALUES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_subject_is_not_html_escaped(path: Path) -> None:
    source = path.read_text()
    context = _context(source)
    assert _texts(context), f"{path} shows no text from its context"
    name = str(path.relative_to(Path(settings.BASE_DIR) / "templates" / "emails")).removesuffix(".subject.txt")
    subject = render_subject(name, context)
    assert "&amp;" not in subject and "&#x27;" not in subject and "&lt;" not in subject and "&quot;" not in subject
    assert "&" in subject and "'" in subject and "<" in subject

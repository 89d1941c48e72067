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
"""

from __future__ import annotations

import difflib
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

from meetings.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, markdown_render

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

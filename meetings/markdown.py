"""Markdown for motions, amendments, reports and minutes, made safe.

Members write Markdown; ``markdown`` turns it into HTML and ``nh3`` (the Rust
``ammonia`` sanitiser) then removes anything but a small set of formatting
tags, so a motion cannot carry a script, a style or an event handler into
every member's browser. Links get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "del", "ins", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def markdown_render(text: str) -> SafeString:
    """Render ``text`` as sanitised HTML, safe to put in a page unescaped."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above

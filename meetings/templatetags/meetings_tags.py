"""Template filters: safe Markdown, an amendment's changes marked, a speech clock."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from meetings.diffing import AmendmentLike, amendment_diff_html, changes_html, text_changes
from meetings.markdown import markdown_numbered, markdown_render

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return markdown_render(text)


@register.filter(name="numbered")
def numbered_filter(text: str) -> SafeString:
    """The motion with its paragraphs numbered, as amendments refer to them."""
    return markdown_numbered(text)


@register.simple_tag
def amendment_diff(amendment: AmendmentLike) -> SafeString:
    """Just the paragraphs the amendment changes, numbered, words marked."""
    return amendment_diff_html(amendment)


@register.simple_tag
def text_changes_diff(before: str, after: str) -> SafeString:
    """The paragraphs ``after`` changes in ``before``, numbered, words marked."""
    return changes_html(text_changes(before=before, after=after))


@register.filter(name="speech_clock")
def speech_clock(seconds: int | None) -> str:
    """Seconds left of a speech as the clocks show them: ``1:05``, or
    ``+0:12`` once over time (the same as ``static/js/projector.js``)."""
    if seconds is None:
        return ""
    whole = abs(int(seconds))
    return f"{'+' if seconds < 0 else ''}{whole // 60}:{whole % 60:02d}"

"""Template filters: safe Markdown, and an amendment's changes marked."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from meetings.diffing import text_diff_html
from meetings.markdown import markdown_render

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return markdown_render(text)


@register.simple_tag
def text_diff(before: str, after: str) -> SafeString:
    return text_diff_html(before=before, after=after)

"""Markdown for motions, amendments, reports and minutes, made safe and cheap.

Members write Markdown; ``markdown-it-py`` (CommonMark, plus GFM tables and
strikethrough) turns it into HTML and ``nh3`` (the Rust ``ammonia``
sanitiser) then removes anything but a small set of formatting tags, so a
motion cannot carry a script, a style or an event handler into every
member's browser. Links get ``rel="noopener noreferrer nofollow"``.

**Cost.** Any member's text is rendered on public pages, so the renderer's
cost must be linear in the text: Python-Markdown, used before, was
quadratic on runs of ``[`` (a 20,000-character motion of ``[`` cost 76 s of
CPU a view). markdown-it follows the CommonMark reference's linear
algorithms and caps nesting (``maxNesting``), so 50,000 characters of any
punctuation render in well under a second (``bench/markdown_render.py``).

**Cache.** The sanitised HTML is cached under a hash of the text and
``RENDERER_VERSION``: a page view after the first serves it without
rendering again, a changed text is a new key, and a new renderer or rule
set (bump ``RULES``) misses every old key. Nothing needs invalidating.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version

import nh3
from django.core.cache import cache
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from meetings.paragraphs import paragraphs_split

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "del", "ins", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# ``start``: a numbered list continued in a later paragraph (the motion is
# rendered a paragraph at a time, numbered) keeps its numbers.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

# Raw HTML is parsed as HTML (as Python-Markdown did) and left to nh3, so
# ``<br>`` or ``<ins>`` written by hand still work and everything else goes.
PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# Bump when the options above or the allowed tags change: old cached HTML then misses.
RULES = 2
RENDERER_VERSION = f"markdown-it-py {version('markdown-it-py')}, nh3 {version('nh3')}, rules {RULES}"
CACHE_SECONDS = 7 * 24 * 3600


def markdown_html(text: str) -> str:
    """``text`` rendered and sanitised, every time (no cache): for a live
    preview, whose every keystroke would otherwise fill the cache."""
    return nh3.clean(
        PARSER.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_cache_key(text: str) -> str:
    """The cache key of ``text``'s HTML: the renderer's version and the
    text's SHA-256, so equal texts share one entry and nothing goes stale."""
    digest = hashlib.sha256(f"{RENDERER_VERSION}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"markdown:{digest}"


def markdown_render(text: str) -> SafeString:
    """Render ``text`` as sanitised HTML, safe to put in a page unescaped;
    from the cache when this text was rendered before."""
    if not text:
        return mark_safe("")
    key = markdown_cache_key(text)
    html = cache.get(key)
    if not isinstance(html, str):
        html = markdown_html(text)
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 in markdown_html (cached as it came out)


def markdown_numbered(text: str) -> SafeString:
    """``text`` rendered a paragraph at a time, each with its number in the
    margin (as OpenSlides numbers a motion's lines): the numbers amendments
    and speakers refer to. Each paragraph is cached like any text."""
    rows = ((n, n, markdown_render(paragraph)) for n, paragraph in enumerate(paragraphs_split(text), start=1))
    return format_html(
        '<div class="numbered-text">{}</div>',
        format_html_join(
            "",
            '<div class="numbered-paragraph" id="paragraph-{}"><span class="paragraph-number"><span class="visually-hidden">Paragraph </span>{}</span>'
            '<div class="paragraph-body">{}</div></div>',
            rows,
        ),
    )

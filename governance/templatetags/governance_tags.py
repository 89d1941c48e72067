"""Authority texts as readers should see them: a link, not a raw address.

A handover writes its authority as text with the result's address in
brackets ("Declared result of ballot “X” (https://…/ballots/3/result/)"),
so the text still says where it came from in an export or the audit log.
On a page the address belongs in a link: ``authority_label`` drops it and
``authority_link`` makes the rest of the text the link to it (a relative
link for the site's own addresses, so a page never prints its host).
"""

from __future__ import annotations

import re

from django import template
from django.conf import settings
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString

register = template.Library()

_ADDRESS = re.compile(r"\s*\((https?://[^\s()<>\"']+)\)")


def _split(text: str) -> tuple[str, str]:
    """(text without the bracketed address, the address or "")."""
    match = _ADDRESS.search(text or "")
    if match is None:
        return text or "", ""
    return (text[: match.start()] + text[match.end() :]).strip(), match.group(1)


@register.filter
def authority_label(text: str) -> str:
    return _split(text)[0]


@register.filter
def authority_link(text: str) -> SafeString:
    label, address = _split(text)
    if not address:
        return SafeString(urlize(label, nofollow=True, autoescape=True))
    site = settings.SITE_URL.rstrip("/")
    href = address[len(site) :] if address.startswith(site + "/") else address
    return format_html('<a href="{}">{}</a>', href, label or address)

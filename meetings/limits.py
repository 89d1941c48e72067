"""How long the free text of motions, amendments, meetings and minutes may be.

One table, read by the forms (``max_length``, so the browser counts too) and
by the services (``core.text.text_within``, so the API meets the same limit
with the same message). The motion text limit is generous: a long policy
motion runs to a few thousand words.
"""

from __future__ import annotations

from django.conf import settings

from core.text import plain_name, text_within

TITLE = 200
MOTION_TEXT = 50_000
AMENDMENT_TEXT = MOTION_TEXT
REASON = 2_000
NOTE = 2_000
MEETING_PLACE = 200
AGENDA_NOTES = 5_000
MINUTES_TEXT = 200_000


def discussion_post() -> int:
    """A discussion post's limit, a setting (``MEETINGS_DISCUSSION_POST_MAX_CHARS``)."""
    return int(settings.MEETINGS_DISCUSSION_POST_MAX_CHARS)


def title(text: str, *, what: str, limit: int = TITLE) -> str:
    """A one-line name (``core.text.plain_name``) no longer than ``limit``."""
    return text_within(plain_name(text, what=what, code="invalid"), limit=limit, what=what)


def long_text(text: str, *, limit: int, what: str) -> str:
    """Free text, stripped, no longer than ``limit``, with a clear refusal."""
    return text_within(text, limit=limit, what=what)

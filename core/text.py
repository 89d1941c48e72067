"""Text that others will read elsewhere: names on one line, and cells a
spreadsheet will not run.

**Names.** Option labels, candidates' and members' names, titles of ballots,
questions, motions, units, bodies and offices are shown on papers, in
e-mail subjects, in published CSV and BLT files and on projectors. They
must be one line of printable text: no control characters (a newline breaks
a BLT file and a CSV row, a NUL breaks PostgreSQL), no line or paragraph
separators, and no bidirectional *controls* (embeddings, overrides,
isolates and marks, U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
with which "Ann" can be made to display as another name. Right-to-left
*letters* are welcome; only the invisible controls are refused. Every
service that stores such a name calls ``plain_name`` (one rule, one message).

**Cells.** A CSV cell starting with ``= + - @``, a tab or a carriage return
is a formula to Excel, LibreOffice and Google Sheets (CSV injection).
``spreadsheet_cell`` prefixes such a cell with an apostrophe, which
spreadsheets show as text; every CSV export writes its cells through it.
"""

from __future__ import annotations

import unicodedata

from core.errors import DomainError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name shown on one line, or None."""
    for char in text:
        category = unicodedata.category(char)
        if char in "\r\n\x0b\x0c\x85" or category in ("Zl", "Zp"):
            return "must be on one line (no line breaks)"
        if char in BIDI_CONTROLS:
            return f"contains an invisible text-direction control (U+{ord(char):04X}); type it without one"
        if category in ("Cc", "Cs", "Co", "Cn"):
            return f"contains a control or unassigned character (U+{ord(char):04X})"
    return None


def plain_name(text: str, *, what: str, code: str = "invalid_text") -> str:
    """``text`` stripped, or a ``DomainError`` (400, ``code``) saying what is
    wrong with it, e.g. "The candidate's name must be on one line"."""
    text = text.strip()
    problem = name_problem(text)
    if problem:
        raise DomainError(code, f"{what} {problem}.")
    return text


def spreadsheet_cell(value: object) -> object:
    """``value`` as a CSV cell no spreadsheet will evaluate: text starting
    with a formula character gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def text_within(text: str, *, limit: int, what: str, code: str = "too_long") -> str:
    """``text`` stripped, or a ``DomainError`` (400, ``code``) saying how long
    it may be, e.g. "The motion's text is 200,000 characters long; it may be
    at most 50,000." Every service storing free text calls it, so a form, the
    API and a management command meet the same limit with the same words."""
    text = (text or "").strip()
    if len(text) > limit:
        raise DomainError(code, f"{what} is {len(text):,} characters long; it may be at most {limit:,}.")
    return text

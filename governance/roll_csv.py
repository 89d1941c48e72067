"""The roll's CSV format, shared by import and export so a roll round-trips.

Parsing is pure Python (no database): it turns a file into typed rows and a
list of row errors naming the line and the reason, so that a bad file is
refused before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from core.text import FORMULA_STARTS, name_problem, spreadsheet_cell

COLUMNS = (
    "email",
    "full_name",
    "membership_number",
    "kind",
    "party_member",
    "joined_on",
    "status",
    "consent_to_contact",
)
REQUIRED = ("email", "joined_on")
ALIASES = {
    "e-mail": "email",
    "email_address": "email",
    "name": "full_name",
    "member_number": "membership_number",
    "membership_no": "membership_number",
    "number": "membership_number",
    "type": "kind",
    "labour_member": "party_member",
    "party": "party_member",
    "joined": "joined_on",
    "join_date": "joined_on",
    "joined_date": "joined_on",
    "consent": "consent_to_contact",
}
KINDS = {"member": "member", "supporter": "supporter"}
STATUSES = {"active", "lapsed", "suspended", "left"}
TRUE = {"yes", "y", "true", "t", "1"}
FALSE = {"no", "n", "false", "f", "0"}
MAX_ERRORS = 1000
# Every column at most twice over (aliases, duplicates): more is refused
# before any per-column work, so a hostile header costs nothing.
MAX_COLUMNS = 2 * len(COLUMNS)
# A cell starting with a formula character (core.text.FORMULA_STARTS) is
# quoted by the export with a leading apostrophe; the import takes it off.
_email = EmailValidator()


@dataclass(frozen=True)
class RowError:
    """One refused row: the file's line number (the header is line 1) and why."""

    line: int
    reason: str

    def as_dict(self) -> dict[str, int | str]:
        return {"line": self.line, "reason": self.reason}

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RollRow:
    """A valid row. ``None`` means the column was absent or empty: keep what is there."""

    line: int
    email: str
    full_name: str
    membership_number: str
    kind: str | None
    party_member: bool | None
    joined_on: dt.date
    status: str | None
    consent_to_contact: bool | None


@dataclass
class ParsedRoll:
    rows: list[RollRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    truncated_errors: bool = False

    def add_error(self, line: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, reason))
        else:
            self.truncated_errors = True


def _bool(value: str) -> bool | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ValueError(f"“{value}” is not yes or no")


def _date(value: str) -> dt.date:
    v = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(v, fmt).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def decode(data: bytes) -> str:
    """Decode an uploaded file as UTF-8 (with or without a byte-order mark).

    Raises ``ValueError`` naming the line of the first undecodable byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"line {line}: the file is not UTF-8 text (save it as “CSV UTF-8”)") from None


def parse(text: str, *, today: dt.date) -> ParsedRoll:
    """Parse a roll CSV into valid rows and row errors.

    Checks everything that needs no database: the header, each value, and
    that no e-mail address or membership number appears twice in the file.
    """
    result = ParsedRoll()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        result.add_error(1, "the file is empty; the first line must name the columns")
        return result
    except csv.Error as exc:
        result.add_error(1, f"the header is not valid CSV ({exc})")
        return result
    if len(header) > MAX_COLUMNS:
        result.add_error(
            1, f"the header has {len(header):,} columns; a roll has at most {MAX_COLUMNS}: {', '.join(COLUMNS)}"
        )
        return result
    names = [ALIASES.get(h.strip().lower().replace(" ", "_"), h.strip().lower().replace(" ", "_")) for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    if unknown:
        result.add_error(1, f"unknown column(s) {', '.join(repr(u) for u in unknown)}; expected {', '.join(COLUMNS)}")
    dupes = sorted(n for n, times in Counter(names).items() if times > 1)
    if dupes:
        result.add_error(1, f"column(s) named twice: {', '.join(dupes)}")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        result.add_error(1, f"missing required column(s): {', '.join(missing)}")
    if result.errors:
        return result
    result.columns = tuple(names)
    index = {n: i for i, n in enumerate(names)}
    width = len(names)
    seen_email: dict[str, int] = {}
    seen_number: dict[str, int] = {}
    line = 1
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines are harmless
            if len(record) != width:
                result.add_error(start, f"has {len(record)} values but the header has {width} columns")
                continue
            row = _parse_row(record, index, start, today, result)
            if row is None:
                continue
            if row.email in seen_email:
                result.add_error(start, f"e-mail {row.email} already appears on line {seen_email[row.email]}")
                continue
            seen_email[row.email] = start
            if row.membership_number:
                if row.membership_number in seen_number:
                    result.add_error(
                        start,
                        f"membership number {row.membership_number} already appears on line "
                        f"{seen_number[row.membership_number]}",
                    )
                    continue
                seen_number[row.membership_number] = start
            result.rows.append(row)
    except csv.Error as exc:
        result.add_error(line + 1, f"is not valid CSV ({exc})")
    return result


def _parse_row(
    record: list[str], index: dict[str, int], line: int, today: dt.date, result: ParsedRoll
) -> RollRow | None:
    def get(name: str) -> str:
        i = index.get(name)
        value = record[i].strip() if i is not None else ""
        return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value

    reasons: list[str] = []
    email = get("email").lower()
    if not email:
        reasons.append("e-mail is empty")
    else:
        try:
            _email(email)
        except ValidationError:
            reasons.append(f"“{email}” is not a valid e-mail address")
    raw_kind = get("kind").lower()
    kind = KINDS.get(raw_kind) if raw_kind else None
    if raw_kind and kind is None:
        reasons.append(f"kind “{raw_kind}” is not member or supporter")
    raw_status = get("status").lower()
    status = raw_status or None
    if status is not None and status not in STATUSES:
        reasons.append(f"status “{raw_status}” is not one of {', '.join(sorted(STATUSES))}")
    joined_on = None
    if not get("joined_on"):
        reasons.append("joined_on is empty")
    else:
        try:
            joined_on = _date(get("joined_on"))
            if joined_on > today:
                reasons.append(f"joined_on {joined_on.isoformat()} is in the future")
        except ValueError as exc:
            reasons.append(f"joined_on {exc}")
    flags: dict[str, bool | None] = {}
    for name in ("party_member", "consent_to_contact"):
        try:
            flags[name] = _bool(get(name))
        except ValueError as exc:
            reasons.append(f"{name} {exc}")
    number = get("membership_number")
    if len(number) > 40:
        reasons.append("membership_number is longer than 40 characters")
    full_name = get("full_name")
    if len(full_name) > 150:
        reasons.append("full_name is longer than 150 characters")
    elif problem := name_problem(full_name):
        reasons.append(f"full_name {problem}")
    if reasons:
        result.add_error(line, "; ".join(reasons))
        return None
    if joined_on is None:  # pragma: no cover - an empty date is a reason above
        return None
    return RollRow(
        line=line,
        email=email,
        full_name=full_name,
        membership_number=number,
        kind=kind,
        party_member=flags["party_member"],
        joined_on=joined_on,
        status=status,
        consent_to_contact=flags["consent_to_contact"],
    )


def write(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text, a header line then one line per row, for streaming."""

    class _Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([_cell(v) for v in row])


def _cell(value: object) -> object:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return spreadsheet_cell(value)

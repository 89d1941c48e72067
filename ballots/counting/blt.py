"""Reading and writing the BLT ballot format (OpenSTV / ERS / Droop).

Layout::

    <candidates> <seats>
    [-<id> -<id> ...]              withdrawn candidates (optional line)
    <weight> <pref> <pref> ... 0   one line per (group of identical) paper(s)
    0                              end of ballots
    <name>                         one per candidate, quoted or not
    <title>                        quoted or not

Candidate ids in the file are 1-based; in :class:`Election` they are 0-based.
Most writers quote names and title, but the Scottish 2017 files do not, so an
unquoted line is taken whole as one name.  ``#`` starts a comment line.
Every error names the 1-based line number so a bad file can be fixed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ballots.counting.types import Ballot, CountingError, Election
from ballots.counting.validate import MAX_TOTAL_PAPERS

if TYPE_CHECKING:
    from collections.abc import Iterator

HEADER_FIELDS = 2  # "<candidates> <seats>"
MIN_BALLOT_FIELDS = 2  # "<weight> 0" at the least


class BltError(CountingError):
    """A BLT file that cannot be read; the message names the line."""

    def __init__(self, line: int, message: str) -> None:
        """Keep the line number available to callers (e.g. the CLI)."""
        super().__init__(f"line {line}: {message}")
        self.line = line


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-blank, non-comment lines with their 1-based numbers.

    Lines are split on ``\\n`` only (with any ``\\r`` before it), never on
    the other characters ``str.splitlines`` treats as line breaks, which
    may legitimately appear inside a quoted name.
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r").strip(" \t\r")
        if line and not line.startswith("#"):
            yield number, line


def _name_lines(text: str, after: int) -> Iterator[tuple[int, str]]:
    """Lines after line ``after`` (the ballots' closing ``0``), comments refused.

    In the names section an unquoted line starting with ``#`` could be a
    comment or a candidate called ``#...``; reading it either way could shift
    every later name by one, so such a file is refused.
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        if number <= after:
            continue
        line = raw.removesuffix("\r").strip(" \t\r")
        if not line:
            continue
        if line.startswith("#"):
            msg = "a line starting with '#' among the names: quote the name (\"#...\") or remove the comment"
            raise BltError(number, msg)
        yield number, line


def _ints(number: int, line: str) -> list[int]:
    try:
        return [int(tok) for tok in line.split()]
    except ValueError:
        raise BltError(number, f"expected whole numbers, got {line[:60]!r}") from None


def _strings(number: int, line: str) -> list[str]:
    """One unquoted name, or every quoted string on the line.

    Inside quotes ``\\"`` is a quote and ``\\\\`` a backslash; the text
    between the quotes is taken exactly (spaces included).
    """
    if not line.startswith('"'):
        return [line]
    out: list[str] = []
    i = 0
    while i < len(line):
        if line[i] in " \t":
            i += 1
            continue
        if line[i] != '"':
            raise BltError(number, f"bad quoting: text outside quotes at column {i + 1}")
        i += 1
        buf: list[str] = []
        while True:
            if i >= len(line):
                raise BltError(number, "bad quoting: a name has no closing quote")
            ch = line[i]
            if ch == "\\" and i + 1 < len(line) and line[i + 1] in '"\\':
                buf.append(line[i + 1])
                i += 2
                continue
            if ch == '"':
                i += 1
                break
            buf.append(ch)
            i += 1
        out.append("".join(buf))
    return out


def parse_blt(text: str) -> Election:
    """Parse BLT text into an :class:`Election` (raises :class:`BltError`).

    The file must name exactly as many candidates as its first line says,
    followed by the title: a missing or extra name would otherwise silently
    turn the title into a candidate (or a candidate into the title).
    """
    lines = list(_lines(text))
    if not lines:
        raise BltError(1, "empty file")
    it = iter(lines)
    number, line = next(it)
    header = _ints(number, line)
    if len(header) != HEADER_FIELDS:
        raise BltError(number, "first line must be '<candidates> <seats>'")
    n, seats = header
    if n < 1:
        raise BltError(number, "number of candidates must be positive")
    if seats < 1:
        raise BltError(number, "number of seats must be positive")
    ballots, withdrawn, end = _parse_ballots(it, n, lines[-1][0])
    if not ballots:
        raise BltError(end, "the file holds no ballots: there is nothing to count")
    strings: list[tuple[int, str]] = []
    last_number = end
    for number, line in _name_lines(text, end):
        strings.extend((number, s) for s in _strings(number, line))
        last_number = number
    if len(strings) < n + 1:
        found = len(strings)
        raise BltError(
            last_number,
            f"expected {n} candidate names and a title, found {found} string{'s' if found != 1 else ''}"
            + (" (the first line's candidate count may be wrong, or the title is missing)" if found == n else ""),
        )
    if len(strings) > n + 1:
        raise BltError(strings[n + 1][0], f"unexpected text after the title (the first line says {n} candidates)")
    names = tuple(s for _, s in strings[:n])
    for number, name in strings[:n]:
        if not name.strip():
            raise BltError(number, "a candidate name is empty")
    seen: dict[str, int] = {}
    for number, name in strings[:n]:
        if name in seen:
            raise BltError(number, f"candidate name {name!r} repeats line {seen[name]}")
        seen[name] = number
    return Election(
        candidates=names,
        ballots=tuple(ballots),
        seats=seats,
        withdrawn=frozenset(withdrawn),
        title=strings[n][1],
    )


def _parse_ballots(it: Iterator[tuple[int, str]], n: int, last_line: int) -> tuple[list[Ballot], set[int], int]:
    """Read the withdrawn line and ballot lines up to the closing ``0``."""
    withdrawn: set[int] = set()
    ballots: list[Ballot] = []
    total = 0
    first = True
    for number, raw in it:
        line = raw.split(")", 1)[1].strip() if raw.startswith("(") else raw
        values = _ints(number, line)
        if first and values and all(v < 0 for v in values):
            for v in values:
                if -v > n:
                    raise BltError(number, f"withdrawn candidate {-v} does not exist")
                withdrawn.add(-v - 1)
            first = False
            continue
        first = False
        if values == [0]:
            return ballots, withdrawn, number
        ballot = _ballot(number, values, n)
        total += ballot.weight
        if total > MAX_TOTAL_PAPERS:
            msg = f"total weight passes {MAX_TOTAL_PAPERS:,} papers, more than this engine counts exactly"
            raise BltError(number, msg)
        ballots.append(ballot)
    raise BltError(last_line, "missing '0' line ending the ballots")


def _ballot(number: int, values: list[int], n: int) -> Ballot:
    """One ``<weight> <prefs...> 0`` line as a :class:`Ballot`."""
    if len(values) < MIN_BALLOT_FIELDS or values[-1] != 0:
        raise BltError(number, "ballot line must be '<weight> <preferences...> 0'")
    weight, prefs = values[0], values[1:-1]
    if weight < 1:
        raise BltError(number, f"ballot weight must be positive, got {weight}")
    seen: set[int] = set()
    for p in prefs:
        if not 1 <= p <= n:
            raise BltError(number, f"candidate {p} does not exist (1..{n})")
        if p in seen:
            raise BltError(number, f"candidate {p} ranked twice")
        seen.add(p)
    return Ballot(tuple(p - 1 for p in prefs), weight)


def decode_blt(data: bytes) -> str:
    """Decode a BLT file's bytes as UTF-8 (a leading BOM is allowed).

    Anything else (Latin-1, binary) is refused with the line of the first
    bad byte rather than guessed at: a guessed encoding can change a name.
    """
    if b"\x00" in data:
        raise BltError(
            data[: data.index(b"\x00")].count(b"\n") + 1, "a NUL byte: binary data or UTF-16, not a UTF-8 BLT text file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BltError(line, f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8") from None


def read_blt(path: str | Path) -> Election:
    """Read a BLT file from disk (UTF-8)."""
    return parse_blt(decode_blt(Path(path).read_bytes()))


def _quote(text: str) -> str:
    if any(ch in text for ch in "\n\r"):
        msg = f"a name or title contains a line break, which BLT cannot hold: {text!r}"
        raise CountingError(msg)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_blt(election: Election) -> str:
    """Serialise ``election`` as BLT text (names and title quoted)."""
    out = [f"{len(election.candidates)} {election.seats}"]
    if election.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(election.withdrawn)))
    out.extend(" ".join([str(b.weight), *(str(c + 1) for c in b.ranking), "0"]) for b in election.ballots)
    out.append("0")
    out.extend(_quote(name) for name in election.candidates)
    out.append(_quote(election.title))
    return "\n".join(out) + "\n"


def write_blt(election: Election, path: str | Path) -> None:
    """Write ``election`` to ``path`` as BLT."""
    Path(path).write_text(to_blt(election), encoding="utf-8")

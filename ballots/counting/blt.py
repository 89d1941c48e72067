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

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from ballots.counting.types import Ballot, CountingError, Election

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
    """Non-blank, non-comment lines with their 1-based numbers."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def _ints(number: int, line: str) -> list[int]:
    try:
        return [int(tok) for tok in line.split()]
    except ValueError:
        raise BltError(number, f"expected whole numbers, got {line!r}") from None


def _strings(number: int, line: str) -> list[str]:
    """One unquoted name, or every quoted string on the line."""
    if not line.startswith('"'):
        return [line]
    try:
        return [s.strip() for s in shlex.split(line, posix=True)]
    except ValueError as exc:
        raise BltError(number, f"bad quoting ({exc})") from None


def parse_blt(text: str) -> Election:
    """Parse BLT text into an :class:`Election` (raises :class:`BltError`)."""
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
    ballots, withdrawn, number = _parse_ballots(it, n, lines[-1][0])
    strings: list[str] = []
    last_number = number
    for number, line in it:
        strings.extend(_strings(number, line))
        last_number = number
    if len(strings) < n:
        raise BltError(last_number, f"expected {n} candidate names, found {len(strings)}")
    if len(strings) > n + 1:
        raise BltError(last_number, "unexpected text after the title")
    names = tuple(strings[:n])
    if len(set(names)) != n:
        raise BltError(last_number, "candidate names must be unique")
    title = strings[n] if len(strings) > n else ""
    return Election(
        candidates=names,
        ballots=tuple(ballots),
        seats=seats,
        withdrawn=frozenset(withdrawn),
        title=title,
    )


def _parse_ballots(it: Iterator[tuple[int, str]], n: int, last_line: int) -> tuple[list[Ballot], set[int], int]:
    """Read the withdrawn line and ballot lines up to the closing ``0``."""
    withdrawn: set[int] = set()
    ballots: list[Ballot] = []
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
        ballots.append(_ballot(number, values, n))
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


def read_blt(path: str | Path) -> Election:
    """Read a BLT file from disk."""
    return parse_blt(Path(path).read_text(encoding="utf-8"))


def _quote(text: str) -> str:
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

"""BLT reader and writer: both quoting styles, withdrawals, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballots.counting import Ballot, BltError, CountingError, Election, parse_blt, to_blt
from ballots.counting.blt import read_blt, write_blt

DATA = Path(__file__).resolve().parents[2] / "data" / "elections"

QUOTED = """3 2
-2
4 1 2 0
2 3 0
1 2 3 1 0
0
"Alice Smith" "Bob Jones"
"Carol \\"CJ\\" King"
"A test election"
"""


def test_quoted_names_withdrawn_and_weights() -> None:
    """Several quoted names per line, escaped quotes, a withdrawn line."""
    e = parse_blt(QUOTED)
    assert e.candidates == ("Alice Smith", "Bob Jones", 'Carol "CJ" King')
    assert e.title == "A test election"
    assert e.seats == 2
    assert e.withdrawn == frozenset({1})
    assert e.ballots == (Ballot((0, 1), 4), Ballot((2,), 2), Ballot((1, 2, 0), 1))


def test_unquoted_scottish_file() -> None:
    """Scot2017 files name candidates unquoted, one per line."""
    e = read_blt(DATA / "scot2017" / "orkney_2017_ward1.blt")
    assert e.candidates[0] == "Mike BERSTON (Ind)"
    assert e.title == "Kirkwall East Ward"
    assert sum(b.weight for b in e.ballots) == 1627


def test_round_trip(tmp_path: Path) -> None:
    """Writing then reading gives back the same election."""
    e = Election(
        candidates=("A", 'B "b"', "C"),
        ballots=(Ballot((0, 2), 3), Ballot((1,), 1)),
        seats=2,
        withdrawn=frozenset({2}),
        title="T",
    )
    path = tmp_path / "x.blt"
    write_blt(e, path)
    assert read_blt(path) == e
    assert parse_blt(to_blt(e)) == e


def test_round_trip_real_file() -> None:
    """A real file survives a write/read cycle unchanged."""
    e = read_blt(DATA / "glasgow2007_droop" / "Canal-2007.blt")
    assert parse_blt(to_blt(e)) == e


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "empty"),
        ("x y\n", 1, "whole numbers"),
        ("3\n", 1, "first line"),
        ('2 1\n1 1 3 0\n0\n"a"\n"b"\n', 2, "candidate 3 does not exist"),
        ('2 1\n1 1 1 0\n0\n"a"\n"b"\n', 2, "ranked twice"),
        ('2 1\n1 1 2\n0\n"a"\n"b"\n', 2, "must be"),
        ('2 1\n0 1 0\n0\n"a"\n"b"\n', 2, "weight"),
        ("2 1\n1 1 0\n1 2 0\n", 3, "missing '0'"),
        ('2 1\n1 1 0\n0\n"a"\n', 4, "expected 2 candidate names"),
        ('2 1\n1 1 0\n0\n"a"\n"b"\n"t"\n"extra"\n', 7, "after the title"),
        ('2 1\n1 1 0\n0\n"a\n"b"\n', 4, "quoting"),
        ('2 1\n-3\n0\n"a"\n"b"\n', 2, "withdrawn candidate 3"),
        ('2 0\n0\n"a"\n"b"\n', 1, "seats"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    """Every malformed file raises BltError naming the offending line."""
    with pytest.raises(BltError) as info:
        parse_blt(text)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}:")
    assert fragment in str(info.value)
    assert isinstance(info.value, CountingError)
    assert isinstance(info.value, ValueError)


def test_comments_and_ballot_ids_ignored() -> None:
    """``#`` comment lines and ``(id)`` ballot prefixes are tolerated."""
    e = parse_blt('# c\n2 1\n(b1) 1 2 0\n0\n"a"\n"b"\n"t"\n')
    assert e.ballots == (Ballot((1,), 1),)

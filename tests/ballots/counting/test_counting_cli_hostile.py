"""Hostile and awkward input to the command line: exit 2 with the right line, never a traceback.

Also the published recount: a count decided by lot, recounted with the
seed (or the published sheet), reproduces the sheet exactly every time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ballots.counting`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "ballots.counting", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def refused(path: Path, line: int, fragment: str, method: str = "irv") -> str:
    """Assert the file is refused with exit 2 and one ``line N:`` message; return it."""
    proc = run(str(path), "--method", method)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert f": line {line}: " in message, message
    assert fragment in message, message
    return message


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        # Latin-1 "é" in the third name (line 6)
        (b'3 1\n1 1 0\n1 2 0\n0\n"Ana"\n"Ren\xe9e"\n"C"\n"t"\n', 6, "not UTF-8"),
        # binary junk on line 2
        (b"3 1\n\x00\x01\x02\n", 2, "NUL byte"),
        (b"\xff\xfe3\x001\x00\n", 1, "UTF-16"),
    ],
)
def test_undecodable_bytes(tmp_path: Path, data: bytes, line: int, fragment: str) -> None:
    """Bytes that are not UTF-8 text are refused at the line they appear, not guessed at."""
    path = tmp_path / "bad.blt"
    path.write_bytes(data)
    refused(path, line, fragment)


def test_weight_beyond_64_bits(tmp_path: Path) -> None:
    """A weight of 2**63 or more would overflow: refused at its line."""
    path = tmp_path / "big.blt"
    path.write_text(f'2 1\n1 1 0\n{2**63} 2 0\n0\n"a"\n"b"\n"t"\n', encoding="utf-8")
    refused(path, 3, "more than this engine counts exactly")


def test_total_weight_that_would_overflow(tmp_path: Path) -> None:
    """Weights each fine but together too many (the Scottish surplus overflow case): refused."""
    path = tmp_path / "big.blt"
    path.write_text('3 1\n900000000 1 2 0\n88650000 2 0\n1 3 0\n0\n"a"\n"b"\n"c"\n"t"\n', encoding="utf-8")
    refused(path, 2, "more than this engine counts exactly", method="scottish-stv")


def test_title_would_become_a_candidate(tmp_path: Path) -> None:
    """Header says 4 candidates, the file names 3 and a title: refused, not a phantom candidate."""
    path = tmp_path / "short.blt"
    path.write_text('4 1\n2 1 0\n1 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"Election"\n', encoding="utf-8")
    refused(path, 9, "expected 4 candidate names and a title, found 4 strings")


def test_extra_name_after_title(tmp_path: Path) -> None:
    """Header says 2 candidates, the file names 3 and a title: refused at the first extra string."""
    path = tmp_path / "long.blt"
    path.write_text('2 1\n2 1 0\n1 2 0\n0\n"A"\n"B"\n"C"\n"Election"\n', encoding="utf-8")
    refused(path, 8, "unexpected text after the title")


def test_unquoted_hash_name_is_refused(tmp_path: Path) -> None:
    """An unquoted ``#name`` would be read as a comment and shift every later name: refused."""
    path = tmp_path / "hash.blt"
    path.write_text("3 1\n5 2 0\n1 3 0\n1 1 0\n0\nAnn\n#Bea\nCal\nTitle\n", encoding="utf-8")
    refused(path, 7, "starting with '#'")


def test_quoted_hash_name_is_a_name(tmp_path: Path) -> None:
    """Quoted, the same name is read exactly and wins."""
    path = tmp_path / "hash.blt"
    path.write_text('3 1\n5 2 0\n1 3 0\n1 1 0\n0\n"Ann"\n"#Bea"\n"Cal"\n"Title"\n', encoding="utf-8")
    proc = run(str(path), "--method", "irv", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["elected"] == ["#Bea"]


def test_no_ballots(tmp_path: Path) -> None:
    """An election without a single ballot is refused at the closing 0."""
    path = tmp_path / "empty.blt"
    path.write_text('2 1\n0\n"a"\n"b"\n"t"\n', encoding="utf-8")
    refused(path, 2, "no ballots")


def test_only_empty_papers(tmp_path: Path) -> None:
    """Papers without a single preference elect nobody: the CLI refuses rather than draw lots."""
    path = tmp_path / "blank.blt"
    path.write_text('2 1\n3 0\n0\n"a"\n"b"\n"t"\n', encoding="utf-8")
    proc = run(str(path), "--method", "irv")
    assert proc.returncode == 2
    assert "nothing to count" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_sheet_refused(tmp_path: Path) -> None:
    """A --sheet that is not a count sheet is bad input too."""
    blt = tmp_path / "e.blt"
    blt.write_text('2 1\n1 1 0\n0\n"a"\n"b"\n"t"\n', encoding="utf-8")
    sheet = tmp_path / "s.json"
    sheet.write_text("not json", encoding="utf-8")
    proc = run(str(blt), "--sheet", str(sheet))
    assert proc.returncode == 2
    assert "not a JSON count sheet" in proc.stderr
    assert "Traceback" not in proc.stderr


TIE = '3 1\n1 1 0\n1 2 0\n1 3 0\n0\n"Nia Quayle"\n"Ben Singh"\n"Ola Reyes"\n"By-election"\n'


def test_lot_warns_without_seed_and_recount_reproduces(tmp_path: Path) -> None:
    """A 1-1-1 tie: the count warns that a lot was drawn; --sheet and --seed reproduce it 5/5."""
    blt = tmp_path / "tie.blt"
    blt.write_text(TIE, encoding="utf-8")
    first = run(str(blt), "--method", "irv", "--json")
    assert first.returncode == 0, first.stderr
    assert "warning: this count needed a lot" in first.stderr
    published = json.loads(first.stdout)
    assert published["seed"] is not None
    assert published["lots"], "the lot is on the sheet"
    assert "by lot" in published["lots"][0]
    sheet = tmp_path / "sheet.json"
    sheet.write_text(first.stdout, encoding="utf-8")
    for _ in range(5):
        again = run(str(blt), "--sheet", str(sheet), "--json")
        assert again.returncode == 0, again.stderr
        assert "warning" not in again.stderr
        assert json.loads(again.stdout) == published
        assert "reproduces" in again.stderr
    by_seed = run(str(blt), "--method", "irv", "--seed", published["seed"], "--json")
    assert json.loads(by_seed.stdout) == published


def test_sheet_mismatch_exits_1(tmp_path: Path) -> None:
    """A recount that does not reproduce the published sheet says so and exits 1."""
    blt = tmp_path / "tie.blt"
    blt.write_text(TIE, encoding="utf-8")
    published = json.loads(run(str(blt), "--method", "irv", "--json", "--seed", "1").stdout)
    published["elected"] = ["Somebody Else"]
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps(published), encoding="utf-8")
    proc = run(str(blt), "--sheet", str(sheet))
    assert proc.returncode == 1
    assert "MISMATCH" in proc.stderr


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        # the repeated name is on line 5 (the file's last line is 6)
        ('2 1\n1 1 0\n0\n"A"\n"A"\n"Title"\n', 5, "repeats line 4"),
        # the first string after the title is on line 6, not the last line (7)
        ('1 1\n1 1 0\n0\n"A"\n"Title"\n"X"\n"Y"\n', 6, "after the title"),
        # an empty name, quoted, on line 5
        ('2 1\n1 1 0\n0\n"A"\n""\n"Title"\n', 5, "empty"),
    ],
)
def test_errors_blame_the_right_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    """The line named is the one at fault, not the last line of the file."""
    path = tmp_path / "bad.blt"
    path.write_text(text, encoding="utf-8")
    refused(path, line, fragment)


@pytest.mark.parametrize("method", ["scottish-stv", "meek-nz", "ers97", "irv", "plurality"])
def test_engine_refuses_weights_it_cannot_count_exactly(method: str) -> None:
    """Called directly (not through a file), a weight of 2**63 is a CountingError, not a wrong count."""
    from ballots.counting import Ballot, CountingError, Election, count

    election = Election(candidates=("a", "b"), ballots=(Ballot((0,), 2**63), Ballot((1,), 1)), seats=1)
    with pytest.raises(CountingError, match="counts exactly"):
        count(method, election)

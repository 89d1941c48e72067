"""The command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "elections"
ORKNEY = DATA / "scot2017" / "orkney_2017_ward1.blt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ballots.counting`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "ballots.counting", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_table_output() -> None:
    """Without --json a readable stage table is printed."""
    proc = run(str(ORKNEY), "--method", "scottish-stv")
    assert proc.returncode == 0, proc.stderr
    assert "Stage 7" in proc.stdout
    assert "356.68833" in proc.stdout
    assert "Elected (in order): Steven HEDDLE (Ind), Gwenda SHEARER (Ind)" in proc.stdout


def test_json_output() -> None:
    """--json prints the count sheet with the agreed keys."""
    proc = run(str(ORKNEY), "--method", "scottish-stv", "--json")
    assert proc.returncode == 0, proc.stderr
    sheet = json.loads(proc.stdout)
    assert sheet["method"] == "scottish-stv"
    assert sheet["seats"] == 4
    assert sheet["quota"] == "326.00000"  # exact decimal string, never a float
    assert sheet["elected"][0] == "Steven HEDDLE (Ind)"
    assert sheet["stages"][6]["votes"]["DAVID DAWSON (Ind)"] == "356.68833"
    assert sheet["exhausted"] == "103.57047"


@pytest.mark.parametrize("method", ["meek-stv", "ers97", "plurality"])
def test_other_methods_and_seats(method: str) -> None:
    """Every STV rule set and plurality run from the CLI."""
    proc = run(str(ORKNEY), "--method", method, "--json", "--seats", "2")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["elected"]) == 2


def test_irv_with_seed() -> None:
    """IRV on one seat; the seed is echoed only when lot was needed."""
    proc = run(str(ORKNEY), "--method", "irv", "--seats", "1", "--json", "--seed", "7")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["elected"] == ["Steven HEDDLE (Ind)"]


def test_bad_file_exit_2(tmp_path: Path) -> None:
    """A bad file gives one line on stderr naming the line, and exit 2."""
    bad = tmp_path / "bad.blt"
    bad.write_text('3 1\n1 1 2 0\n1 1 9 0\n0\n"a"\n"b"\n"c"\n', encoding="utf-8")
    proc = run(str(bad), "--method", "irv")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "line 3" in lines[0]


def test_missing_file_exit_2(tmp_path: Path) -> None:
    """A missing file is bad input too."""
    proc = run(str(tmp_path / "nope.blt"), "--method", "irv")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1


def test_too_many_seats_exit_2() -> None:
    """Counting errors (not just parse errors) also exit 2."""
    proc = run(str(ORKNEY), "--method", "scottish-stv", "--seats", "20")
    assert proc.returncode == 2
    assert "seats" in proc.stderr


def test_import_pulls_in_no_django() -> None:
    """The engine must not import Django, directly or indirectly."""
    code = "import ballots.counting, sys; assert not any(m.startswith('django') for m in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr

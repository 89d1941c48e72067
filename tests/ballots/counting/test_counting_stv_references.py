"""ERS97 and NZ Meek against independent counters, every election, every figure.

References (``tests/data/elections/stv_references/``, copied unchanged from
the team's shared set; see its README for sources): OpenSTV 1.7's ERS97
method run unmodified, and a port of I.D. Hill's ``nzmeek`` (NZ rules).
The figures compared are theirs, never this engine's own output.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ballots.counting import count, read_blt

REFS = Path(__file__).resolve().parents[2] / "data" / "elections" / "stv_references"
ERS = sorted(p.name.removesuffix(".ers97.json") for p in (REFS / "ers97").glob("*.ers97.json"))
MEEK = sorted(p.name.removesuffix(".meek_nz.json") for p in (REFS / "meek_nz").glob("*.meek_nz.json"))


def _ref(folder: str, name: str, suffix: str) -> tuple[dict[str, Any], Path]:
    ref = json.loads((REFS / folder / f"{name}.{suffix}.json").read_text(encoding="utf-8"))
    blt = (REFS / folder / ref["blt"]).resolve()
    assert hashlib.sha256(blt.read_bytes()).hexdigest() == ref["blt_sha256"]
    return ref, blt


def test_every_reference_is_here() -> None:
    """All 298 ERS97 and 297 Meek references are tested (none silently missing)."""
    assert len(ERS) == 298
    assert len(MEEK) == 297


@pytest.mark.parametrize("name", ERS)
def test_ers97_reproduces_reference(name: str) -> None:
    """Winners, order, quotas, every stage's action, figures, non-transferable and elections."""
    ref, blt = _ref("ers97", name, "ers97")
    sheet = count("ers97", read_blt(blt))
    names = sheet.candidates
    assert sorted(sheet.elected_names) == ref["winners"]
    assert sheet.elected_names == ref["order"]
    assert sheet.extra["quota_initial"] == ref["quota"]["initial"]
    assert sheet.extra["quota_recalculated"] == ref["quota"]["recalculated"]
    assert len(sheet.stages) == len(ref["stages"])
    for stage, want in zip(sheet.stages, ref["stages"], strict=True):
        assert stage.kind == want["action"]["type"], stage.number
        moved = stage.excluded if stage.kind == "exclusion" else ([stage.subject] if stage.subject is not None else [])
        assert sorted(names[c] for c in moved) == sorted(want["action"]["candidates"]), stage.number
        assert {names[c]: f"{v:.2f}" for c, v in stage.votes.items()} == want["votes"], stage.number
        assert f"{stage.exhausted + stage.loss:.2f}" == want["non_transferable"], stage.number
        assert sorted(names[c] for c in stage.elected) == sorted(want["elected"]), stage.number
    ties = [
        {"stage": t.stage, "purpose": t.purpose, "tied": [names[c] for c in t.tied], "chosen": names[t.chosen]}
        for t in sheet.tie_breaks
    ]
    assert ties == [{k: t[k] for k in ("stage", "purpose", "tied", "chosen")} for t in ref["tie_breaks"]]
    assert all(t.method == "earlier-stage" for t in sheet.tie_breaks)  # no lot: the set excludes those


@pytest.mark.parametrize("name", MEEK)
def test_meek_nz_reproduces_reference(name: str) -> None:
    """Winners, order, exclusions (iteration and reason), iterations and the final table to 9 places."""
    ref, blt = _ref("meek_nz", name, "meek_nz")
    sheet = count("meek-nz", read_blt(blt))
    names = sheet.candidates
    assert sheet.method == "meek-nz"
    assert sorted(sheet.elected_names) == ref["winners"]
    assert sheet.elected_names == ref["order"]
    assert sheet.extra["excluded"] == ref["excluded"]
    assert sheet.extra["iterations"] == ref["iterations"]
    assert sheet.extra["final"] == ref["final"]
    assert sheet.quota == Decimal(ref["final"]["quota"])
    ties = [{"tied": [names[c] for c in t.tied], "chosen": names[t.chosen]} for t in sheet.tie_breaks]
    assert ties == [{"tied": t["tied"], "chosen": t["chosen"]} for t in ref["tie_breaks"]]


def test_meek_stv_name_counts_by_nz_rules() -> None:
    """Ballots stored as ``meek-stv`` (labelled NZ rules) are counted by exactly those rules."""
    ref, blt = _ref("meek_nz", "Govan-2007", "meek_nz")
    sheet = count("meek-stv", read_blt(blt))
    assert sheet.method == "meek-nz"
    assert sheet.extra["final"] == ref["final"]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ers97_quota_exact_min", "5.1.6"),
        ("ers97_bulk_exclusion_min", "5.2.5"),
        ("ers97_rule551_min", "5.5.1"),
    ],
)
def test_minimal_cases_show_their_rule(name: str, rule: str) -> None:
    """The three hand-made cases, checked against the reference's own description."""
    ref, blt = _ref("ers97", name, "ers97")
    sheet = count("ers97", read_blt(blt))
    if rule == "5.1.6":
        assert sheet.quota == Decimal("33.00")  # 99 / 3 exactly: no 0.01 added
    elif rule == "5.2.5":
        assert sheet.stages[1].excluded == (2, 3)  # C and D together, one stage
        assert sheet.elected_names == ["B"]
    else:
        assert len(sheet.stages) == 3  # B's papers are never transferred
        assert sheet.elected_names == ref["order"] == ["A", "C"]

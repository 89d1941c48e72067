"""What observers may see of a declared result, and in what form.

Figures are withheld when fewer than ``BALLOTS_MIN_BREAKDOWN_ELECTORATE``
people voted (a breakdown of three votes tells each voter how the other two
voted; ``ballots/thresholds.py``), and papers are published only where the
ballot allows it and enough people voted that a full ranking cannot
fingerprint a voter.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ballots import thresholds
from ballots.counting import blt
from ballots.models import Ballot, Question
from ballots.services.tallying import question_election, question_papers
from core.text import spreadsheet_cell


def breakdown_allowed(*, voters: int) -> bool:
    """Counts the turnout, not the roll: see ``ballots/thresholds.py``."""
    return thresholds.breakdown_allowed(voters=voters)


def papers_downloadable(*, ballot: Ballot, voters: int) -> bool:
    return (
        ballot.publish_papers
        and voters >= max(ballot.min_electorate_for_papers, 1)
        and thresholds.breakdown_allowed(voters=voters)
    )


def papers_blt(*, question: Question) -> str:
    """Ranked papers as a BLT file, identical rankings grouped, in canonical order."""
    return blt.to_blt(question_election(question=question))


def papers_csv(*, question: Question) -> str:
    """Unranked papers as CSV: one row per distinct paper with its count, in canonical order."""
    labels = {o.pk: o.label for o in question.options.all()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["count", "choices"])
    for paper, n in sorted(question_papers(question=question).items()):
        writer.writerow([n, spreadsheet_cell("; ".join(labels[x] for x in paper))])  # no formulas (CSV injection)
    return out.getvalue()


@dataclass(frozen=True)
class Bar:
    stage: int
    value: float
    y: int
    width: float


@dataclass(frozen=True)
class ChartRow:
    name: str
    elected: bool
    y: int
    bars: list[Bar]


CHART_WIDTH = 560
VALUE_WIDTH = 110  # room after the longest bar for its figure
NAME_HEIGHT = (
    26  # each candidate's name on its own line above their bars, never cut short (room for the phone's larger text)
)
BAR_HEIGHT = 10
ROW_GAP = 12


def stage_chart(sheet: dict[str, Any]) -> dict[str, Any]:
    """Geometry for an SVG bar chart of votes per candidate per stage, drawn
    server-side so it needs no script (the CSP allows none inline)."""
    stages = sheet.get("stages") or []
    peak = max((float(v) for s in stages for v in s["votes"].values()), default=0.0) or 1.0
    quota = float(sheet["quota"]) if sheet.get("quota") else None
    rows: list[ChartRow] = []
    y = 0
    for name in sheet.get("candidates", []):
        y += NAME_HEIGHT
        bars = []
        for s in stages:
            value = float(s["votes"].get(name, 0) or 0)
            bars.append(Bar(stage=s["number"], value=value, y=y, width=round(CHART_WIDTH * value / peak, 1)))
            y += BAR_HEIGHT
        rows.append(
            ChartRow(name=name, elected=name in sheet.get("elected", []), y=y - BAR_HEIGHT * len(stages), bars=bars)
        )
        y += ROW_GAP
    return {
        "rows": rows,
        "height": max(y, 1),
        "width": CHART_WIDTH + VALUE_WIDTH,
        "quota_x": round(CHART_WIDTH * quota / peak, 1) if quota else None,
        "stages": len(stages),
    }

"""Human-readable, stage-by-stage table of a count sheet (for the CLI).

Returning officers publish counts as a grid: one row per candidate, one
column per stage.  This renders the same grid as plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

    from ballots.counting.types import CountSheet


def _fmt(value: Decimal, precision: int) -> str:
    return f"{value:.{precision}f}"


def render(sheet: CountSheet) -> str:
    """Render ``sheet`` as a fixed-width text table with a summary."""
    p = sheet.precision
    names = sheet.candidates
    shown = [c for c in range(len(names)) if c not in sheet.withdrawn]
    width = max([len(names[c]) for c in shown] + [len("Non-transferable")])
    col = (
        max(
            10,
            max(
                (len(_fmt(v, p)) for s in sheet.stages for v in s.votes.values()),
                default=10,
            ),
        )
        + 1
    )
    lines = [
        f"Method: {sheet.method}    Seats: {sheet.seats}"
        f"    Valid votes: {sheet.total_valid}" + (f"    Quota: {sheet.quota}" if sheet.quota is not None else ""),
        "",
    ]
    lines.extend(f"Stage {s.number}: {s.action}" for s in sheet.stages)
    lines.append("")
    header = "Candidate".ljust(width) + "".join(f"{'Stage ' + str(s.number):>{col}}" for s in sheet.stages)
    lines.append(header)
    lines.append("-" * len(header))
    for c in shown:
        row = names[c].ljust(width)
        row += "".join(f"{_fmt(s.votes[c], p):>{col}}" for s in sheet.stages)
        lines.append(row)
    lines.append("Non-transferable".ljust(width) + "".join(f"{_fmt(s.exhausted, p):>{col}}" for s in sheet.stages))
    if any(s.loss for s in sheet.stages):
        lines.append("Loss by fractions".ljust(width) + "".join(f"{_fmt(s.loss, p):>{col}}" for s in sheet.stages))
    lines.append("")
    lines.append("Elected (in order): " + (", ".join(sheet.elected_names) or "nobody"))
    lines.extend(("Lot: " if t.by_lot else "Tie: ") + t.sentence(names) for t in sheet.tie_breaks)
    if sheet.seed is not None and any(t.by_lot for t in sheet.tie_breaks):
        lines.append(f"Seed for the lots: {sheet.seed}")
    notes = [
        *sheet.notes,
        *(f"stage {s.number}: {n}" for s in sheet.stages for n in s.notes),
    ]
    lines.extend(f"Note: {n}" for n in notes)
    return "\n".join(lines) + "\n"

"""Recount a counted or declared ballot from its stored papers and compare
with the stored result.

Why: anyone who doubts a declared result (a candidate, the returning
officer, an auditor) can have the count redone from the papers with the same
engine and the same seed for any lot drawn, and see every difference.
Exit status 1 when the recount differs.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ballots.models import Ballot, Result, RollEntry
from ballots.services.tallying import question_count


class Command(BaseCommand):
    help = "Recount a ballot from its stored papers and diff with the stored result."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("ballot_id", type=int)
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print the recounted count sheets as JSON."
        )

    def handle(self, *args: Any, ballot_id: int, as_json: bool = False, **options: Any) -> None:
        ballot = Ballot.objects.filter(pk=ballot_id).first()
        if ballot is None:
            raise CommandError(f"There is no ballot {ballot_id}.")
        if ballot.state not in {Ballot.State.COUNTED, Ballot.State.DECLARED}:
            raise CommandError(
                f"Ballot {ballot_id} is {ballot.state}; only counted or declared ballots can be recounted."
            )
        electorate = RollEntry.objects.filter(ballot=ballot).count()
        differences = 0
        sheets = {}
        for question in ballot.questions.prefetch_related("options"):
            stored = Result.objects.filter(question=question).first()
            if stored is None:
                raise CommandError(f"Question {question.pk} has no stored result to compare with.")
            sheet, outcome, _winners = question_count(question=question, electorate=electorate, seed=int(stored.seed))
            sheets[question.title] = sheet
            diffs = _diff(stored.count_sheet, sheet)
            if outcome != stored.outcome:
                diffs.insert(0, f"outcome: stored {stored.outcome!r}, recount {outcome!r}")
            if diffs:
                differences += len(diffs)
                self.stdout.write(self.style.ERROR(f"✗ {question.title}: {len(diffs)} difference(s)"))
                for line in diffs[:50]:
                    self.stdout.write(f"    {line}")
            else:
                self.stdout.write(self.style.SUCCESS(f"✓ {question.title}: recount identical ({outcome})"))
        if as_json:
            self.stdout.write(_json_dumps(sheets))
        if differences:
            raise SystemExit(1)


def _json_dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def _diff(stored: Any, recount: Any, path: str = "") -> list[str]:
    """Every leaf where two JSON documents differ, as 'path: stored → recount'."""
    if isinstance(stored, dict) and isinstance(recount, dict):
        out: list[str] = []
        for key in sorted(set(stored) | set(recount), key=str):
            out += _diff(stored.get(key), recount.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(stored, list) and isinstance(recount, list) and len(stored) == len(recount):
        out = []
        for i, (a, b) in enumerate(zip(stored, recount, strict=True)):
            out += _diff(a, b, f"{path}[{i}]")
        return out
    return [] if stored == recount else [f"{path}: {stored!r} → {recount!r}"]

"""Build the public files (BLT, CSV, count sheet, trackers) of declared ballots.

Why: declaring a result queues the build, and beat sweeps up any ballot
left without files, but results declared before files were stored, or an
operator who wants a ballot's files now, need a way that does not wait for
beat. Building twice writes nothing new. ``--dry-run`` lists what would be
built.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ballots.models import Ballot
from ballots.services.publishing import result_files_build, result_files_missing


class Command(BaseCommand):
    help = "Build and store the public files of declared ballots (all missing ones, or the ballots named)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "ballot_ids", nargs="*", type=int, help="Rebuild these ballots (default: every one missing)."
        )
        parser.add_argument("--dry-run", action="store_true", help="List the ballots, build nothing.")

    def handle(self, *args: Any, ballot_ids: list[int], dry_run: bool = False, **options: Any) -> None:
        if ballot_ids:
            declared = set(
                Ballot.objects.filter(pk__in=ballot_ids, state=Ballot.State.DECLARED).values_list("pk", flat=True)
            )
            if missing := [pk for pk in ballot_ids if pk not in declared]:
                raise CommandError(f"Not declared (or no such ballot): {', '.join(map(str, missing))}.")
        else:
            ballot_ids = result_files_missing()
        for ballot_id in ballot_ids:
            if dry_run:
                self.stdout.write(f"ballot {ballot_id}: would build")
                continue
            written = result_files_build(ballot_id=ballot_id)
            self.stdout.write(f"ballot {ballot_id}: {written} file(s) written")
        if not ballot_ids:
            self.stdout.write("Every declared ballot has its files.")

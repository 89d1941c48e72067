"""Import a unit's membership roll from a CSV file (``-`` reads stdin).

Why a command as well as the upload page: the national database of ~100,000
supporters is loaded by an operator, once, and re-loaded after changes; the
command shows a progress bar, and ``--dry-run`` checks the whole file (every
row, and the matches against the database) and reports, writing nothing.
Either every row is imported or none is; errors name the line and reason.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from core.errors import DomainError
from governance.models import Unit
from governance.services.roll_import import RollRowsInvalid, roll_import


class ProgressBar:
    """A one-line text progress bar, redrawn in place on a terminal.

    ``stream`` is a command's ``OutputWrapper``: each write passes
    ``ending=""`` so the bar is not broken by a newline per redraw."""

    def __init__(self, stream: OutputWrapper, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.last: tuple[str, int] | None = None
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if (phase, percent) == self.last:
            return
        self.last = (phase, percent)
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{phase:<8} [{bar}] {percent:3d}% {done:,}/{total:,}", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.last is not None:
            self.stream.write(f"  ({time.monotonic() - self.started:.1f} s)\n", ending="")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import a membership roll CSV into a unit: all rows or none. Use --dry-run to check first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", help="Path to the CSV file, or - for standard input.")
        parser.add_argument("--unit", required=True, help="Slug of the unit whose roll this is.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count everything, write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            unit = Unit.objects.get(slug=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"There is no unit with the slug “{options['unit']}”.") from None
        source = options["csv"]
        try:
            data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror}.") from None
        bar = ProgressBar(self.stderr)
        try:
            summary = roll_import(
                unit=unit,
                data=data,
                dry_run=options["dry_run"],
                progress=(lambda *a: None) if options["no_progress"] else bar,
            )
        except RollRowsInvalid as exc:
            bar.finish()
            for error in exc.errors:
                self.stderr.write(f"{source}: {error}")
            raise CommandError(exc.message) from None
        except DomainError as exc:
            bar.finish()
            raise CommandError(exc.message) from None
        bar.finish()
        verb = "Would import" if summary.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {summary.rows:,} rows into {unit.name}: {summary.people_created:,} new people, "
                f"{summary.memberships_created:,} new memberships, {summary.memberships_updated:,} updated, "
                f"{summary.memberships_unchanged:,} unchanged."
            )
        )
        if summary.dry_run:
            self.stdout.write("Dry run: nothing was written.")

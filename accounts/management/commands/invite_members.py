"""Invite everyone on a unit's roll who cannot sign in yet.

Why a command: roll imports arrive in bulk, and the operator should see who
would be mailed (``--dry-run``) before anything is queued. It calls the same
service as any other caller; e-mails go through the outbox, so running it
again never mails anyone twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import invitations_send
from governance.models import Unit


class Command(BaseCommand):
    help = "Queue invitation e-mails for active members of a unit who have no usable account yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Slug of the unit whose roll to invite.")
        parser.add_argument("--dry-run", action="store_true", help="List who would be invited; queue nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(slug=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No unit with slug {options['unit']!r}.")
        run = invitations_send(unit=unit, dry_run=options["dry_run"])
        if options["verbosity"] >= 2 or run.dry_run:
            for email in run.invited:
                self.stdout.write(f"  {email}")
        verb = "would invite" if run.dry_run else "invited"
        summary = f"{unit.name}: {verb} {len(run.invited)} people"
        if run.superseded:
            summary += f" ({run.superseded} expired invitations replaced)"
        self.stdout.write(self.style.SUCCESS(summary + "."))

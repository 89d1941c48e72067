"""Declaring a ballot hands its offices and bodies to the winners.

The ballot knows which question fills which office or body; governance owns
what holding an office means (``governance.services.handover_declare``).
Kept apart from the count, which never changes who holds office.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from ballots.models import Ballot, Option, Question
from governance.services import handover_declare


def handover_for_ballot(*, ballot: Ballot, actor: Any = None) -> None:
    """Seat the winners of every election question tied to an office or body."""
    for question in ballot.questions.select_related("office", "body", "result"):
        if question.kind != Question.Kind.ELECTION or not (question.office or question.body):
            continue
        winners = [
            o.candidate
            for o in Option.objects.filter(pk__in=question.result.winners).select_related("candidate")
            if o.candidate is not None
        ]
        handover_declare(
            office=question.office,
            body=question.body,
            winners=winners,
            declared_on=timezone.localdate(),
            question=question,
            actor=actor,
            authority=f"Declared result of ballot “{ballot.title}” ({settings.SITE_URL}/ballots/{ballot.pk}/result/)",
        )

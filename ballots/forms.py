"""Turning the voting form's POST into the answers ``vote_cast`` expects."""

from __future__ import annotations

import re

from django.http import QueryDict

from ballots.error_codes import BallotErrorCode
from ballots.models import Ballot
from core.errors import DomainError

# ASCII digits only (``str.isdigit`` also takes "²" and "٣", which ``int``
# refuses), and short: ``int`` of thousands of digits is refused or slow.
RANK = re.compile(r"[0-9]{1,4}")
OPTION_ID = re.compile(r"[0-9]{1,18}")


def answers_from_post(*, ballot: Ballot, data: QueryDict) -> dict[int, list[int]]:
    """Ranked questions post ``rank-<question>-<option>`` = 1, 2, …; the others
    post ``choice-<question>`` (one or several option ids)."""
    answers: dict[int, list[int]] = {}
    for question in ballot.questions.all():
        if question.is_ranked:
            ranked: list[tuple[int, int]] = []
            for option in question.options.all():
                raw = data.get(f"rank-{question.pk}-{option.pk}", "").strip()
                if not raw:
                    continue
                if not RANK.fullmatch(raw) or int(raw) < 1:
                    raise DomainError(BallotErrorCode.INVALID_PAPER, f"“{question.title}”: rankings must be 1, 2, 3…")
                ranked.append((int(raw), option.pk))
            ranked.sort()
            positions = [r for r, _ in ranked]
            if positions != list(range(1, len(positions) + 1)):
                raise DomainError(
                    BallotErrorCode.INVALID_PAPER,
                    f"“{question.title}”: number your choices 1, 2, 3… without gaps or repeats.",
                )
            answers[question.pk] = [option_id for _, option_id in ranked]
        else:
            values = data.getlist(f"choice-{question.pk}")
            if not all(OPTION_ID.fullmatch(v) for v in values):
                raise DomainError(BallotErrorCode.INVALID_PAPER, f"“{question.title}”: unknown choice.")
            answers[question.pk] = [int(v) for v in values]
    return answers

"""The small-turnout rule, in one place for every surface that shows figures.

A breakdown of three votes tells each of the three voters how the other two
voted, whatever the size of the roll: what counts is how many *voted*. Below
``BALLOTS_MIN_BREAKDOWN_ELECTORATE`` voters only the outcome is shown
(carried or not, who was elected), never a per-choice figure: not on the
result page, the count sheet, the API, the result e-mail, the outcome
sentence, nor, for secret votes in meetings, the console, the projector,
the live JSON or the minutes.
"""

from __future__ import annotations

from django.conf import settings


def breakdown_allowed(*, voters: int) -> bool:
    return voters >= settings.BALLOTS_MIN_BREAKDOWN_ELECTORATE


def outcome_sentence(*, outcome: str, voters: int) -> str:
    """The outcome as published: a motion's sentence loses the arithmetic
    after its colon ("Carried: 2 for, 1 against…" → "Carried") when the
    turnout is below the threshold; an election's names no figure."""
    if breakdown_allowed(voters=voters):
        return outcome
    head, sep, _ = outcome.partition(":")
    if sep and head in {"Carried", "Not carried"}:
        return head
    return outcome

"""Template words from ``core.glossary``: ``{{ motion|motion_state }}``,
``{{ ballot.state|ballot_state }}`` and ``{{ vote|vote_figures }}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from core import glossary

register = template.Library()


@register.filter
def motion_state(motion: Any) -> str:
    return glossary.motion_phrase(motion)


@register.filter
def ballot_state(state: str) -> str:
    return glossary.ballot_phrase(state)


@register.filter
def vote_figures(value: Any) -> str:
    """A meeting vote (``votes_for``, ``votes_against``, ``abstentions``), a
    count sheet with the same keys, or a by-proxy tally (``for``,
    ``against``, ``abstain``), in words with the right plurals."""
    if isinstance(value, Mapping):
        if "votes_for" in value:
            figures = (value["votes_for"], value["votes_against"], value["abstentions"])
        else:
            figures = (value.get("for", 0), value.get("against", 0), value.get("abstain", 0))
    else:
        figures = (value.votes_for, value.votes_against, value.abstentions)
    return glossary.vote_figures(*(int(f or 0) for f in figures))

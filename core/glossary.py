"""One state, one phrase: the words for motion and ballot states and for
vote figures, used by lists, pages, e-mails and the API alike.

A motion that is *submitted* is either still seeking seconders or, once it
has all it needs, awaiting the secretary's ruling. The database keeps one
state for both (the seconders are counted, not stored twice); the phrase is
worked out here, so a list and the motion's own page can never disagree.

Keyed by the stored state strings, so this module needs no model and sits
in ``core`` where every app can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import ngettext

MOTION_STATES: Mapping[str, str] = {
    "draft": "Draft",
    "submitted": "Submitted, seeking seconders",
    "seconded": "Seconded, awaiting the secretary's ruling",
    "in_order": "Ruled in order",
    "out_of_order": "Ruled out of order",
    "composited": "Composited",
    "carried": "Carried",
    "lost": "Lost",
    "withdrawn": "Withdrawn",
    "remitted": "Remitted",
    "referred": "Referred to a higher body",
}

BALLOT_STATES: Mapping[str, str] = {
    "draft": "Draft",
    "nominations": "Nominations open",
    "scheduled": "Scheduled",
    "open": "Open for voting",
    "closed": "Closed, being counted",
    "counted": "Counted, awaiting the returning officer's declaration",
    "declared": "Declared",
    "cancelled": "Cancelled",
}


def motion_stage(*, state: str, seconders: int, seconders_required: int) -> str:
    """The motion's state as people speak of it: ``seconded`` once a
    submitted motion has the seconders it needs, else the stored state."""
    if state == "submitted" and seconders >= seconders_required:
        return "seconded"
    return state


def motion_seconders(motion: Any) -> int:
    """The number of seconders, from an annotation when the list has one."""
    for name in ("seconder_count", "n_seconders"):
        value = getattr(motion, name, None)
        if value is not None:
            return int(value)
    return int(motion.secondings.count())


def motion_phrase(motion: Any) -> str:
    """The one phrase for a motion's state, wherever it is shown."""
    # Only a submitted motion's phrase depends on its seconders: count them
    # only then (an agenda of motions would otherwise cost a query each).
    seconders = motion_seconders(motion) if motion.state == "submitted" else 0
    stage = motion_stage(state=motion.state, seconders=seconders, seconders_required=motion.seconders_required)
    return MOTION_STATES.get(stage, stage)


def ballot_phrase(state: str) -> str:
    return BALLOT_STATES.get(state, state)


def counted(n: int, singular: str, plural: str) -> str:
    """``1 abstention``, ``2 abstentions``: a count with its noun, through ``ngettext``."""
    return ngettext(f"%(n)d {singular}", f"%(n)d {plural}", n) % {"n": n}


def vote_figures(votes_for: int, votes_against: int, abstentions: int) -> str:
    """``7 for, 1 against, 1 abstention``: the figures of a for/against vote."""
    return f"{votes_for} for, {votes_against} against, {counted(abstentions, 'abstention', 'abstentions')}"

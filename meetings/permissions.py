"""Who may do what with motions and meetings, in meetings' words: see
``governance.authority`` for the rule. Running a unit's meetings and motions
is for those who may manage the unit (its officers, officers above it,
administrators) and for the current members of its own bodies."""

from __future__ import annotations

from typing import Any

from governance import authority
from governance.models import Membership, Unit


def is_member(*, user: Any, unit: Unit) -> bool:
    """An active full member of the unit: may propose, second and amend."""
    return authority.is_member(user, unit, kinds=[Membership.Kind.MEMBER])


def is_officer(*, user: Any, unit: Unit) -> bool:
    """May run the unit's meetings and rule on its motions."""
    return authority.may_run_meetings(user, unit)


def may_see_open_vote_names(*, user: Any, unit: Unit, names_public: bool) -> bool:
    """Who may read how each person voted in an open vote: the unit's own
    members (of any kind) and those who run its meetings, or anyone where
    the standing orders publish the names (``names_public``). A show of
    hands is public in the room, not to the whole internet: members-only is
    the default because a name beside a choice, once crawled, outlives the
    meeting."""
    return names_public or authority.is_member(user, unit) or authority.may_run_meetings(user, unit)

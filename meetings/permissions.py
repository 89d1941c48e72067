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

"""Who may manage a unit, in governance's words: see ``governance.authority``
for the rule (officers of the unit or of a unit above it, and
administrators; holdings current today)."""

from __future__ import annotations

from typing import Any

from governance import authority
from governance.models import Unit

is_national_admin = authority.is_national_administrator


def is_unit_officer(*, user: Any, unit: Unit) -> bool:
    """Whether ``user`` may manage ``unit`` today."""
    return authority.may_manage_unit(user, unit)

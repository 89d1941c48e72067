"""Who may do what with a ballot, in ballots' words: see
``governance.authority`` for the rule (returning officer of the ballot;
officers of its unit or of a unit above it; administrators)."""

from __future__ import annotations

from typing import Any

from ballots.models import Ballot
from governance import authority


def can_declare(*, user: Any, ballot: Ballot) -> bool:
    """Only the ballot's returning officer declares; administrators cannot."""
    return authority.may_declare(user, ballot)


def can_create_ballot(*, user: Any, unit: Any) -> bool:
    """Those who may manage the unit set its ballots up."""
    return authority.may_manage_unit(user, unit)


def can_manage_ballot(*, user: Any, ballot: Ballot) -> bool:
    """The ballot's returning officer and those who may manage its unit edit
    it and run its lifecycle. Nobody gets a view of running totals or of who
    voted how from this: no such view exists."""
    return authority.may_run_ballot(user, ballot)


def can_change_returning_officer(*, user: Any, ballot: Ballot) -> bool:
    """Naming a different returning officer is for those who may manage the
    unit, not for the returning officer alone."""
    return authority.may_manage_unit(user, ballot.unit)

"""Who may do what with a ballot, in one place for views and API alike."""

from __future__ import annotations

from typing import Any

from ballots.models import Ballot


def can_declare(*, user: Any, ballot: Ballot) -> bool:
    """Only the ballot's returning officer declares; administrators cannot."""
    return bool(getattr(user, "is_authenticated", False) and ballot.returning_officer_id == user.pk)


def can_create_ballot(*, user: Any, unit: Any) -> bool:
    """Officers of the unit itself, and national administrators, set ballots up."""
    from accounts.roles import can_manage_unit

    return can_manage_unit(user, unit)


def can_manage_ballot(*, user: Any, ballot: Ballot) -> bool:
    """The ballot's returning officer and the unit's officers (and national
    administrators) edit it and run its lifecycle. Nobody gets a view of
    running totals or of who voted how from this: no such view exists."""
    from accounts.roles import can_manage_unit, is_returning_officer

    return is_returning_officer(user, ballot) or can_manage_unit(user, ballot.unit)


def can_change_returning_officer(*, user: Any, ballot: Ballot) -> bool:
    """Naming a different returning officer is for the unit's officers, not
    for the returning officer alone."""
    return can_create_ballot(user=user, unit=ballot.unit)

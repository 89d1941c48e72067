"""Who may do what with a ballot, in one place for views and API alike."""

from __future__ import annotations

from typing import Any

from ballots.models import Ballot


def can_declare(*, user: Any, ballot: Ballot) -> bool:
    """Only the ballot's returning officer declares; administrators cannot."""
    return bool(getattr(user, "is_authenticated", False) and ballot.returning_officer_id == user.pk)

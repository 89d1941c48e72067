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


def can_manage_ballot(*, user: Any, ballot: Ballot) -> bool:
    """The ballot's returning officer and those who may manage its unit edit
    it and run its lifecycle. Nobody gets a view of running totals or of who
    voted how from this: no such view exists."""
    return authority.may_run_ballot(user, ballot)


def can_see_ballot(*, user: Any, ballot: Ballot) -> bool:
    """A draft is its officers' work in progress (title, questions and
    candidates may all change), so only those who may run it see it; from
    nominations on a ballot has been announced and anyone may see it."""
    return ballot.state != Ballot.State.DRAFT or can_manage_ballot(user=user, ballot=ballot)


COUNT_IN_PROGRESS = "closed", "Closed, count in progress"


def public_state(*, user: Any, ballot: Ballot) -> tuple[str, str]:
    """The ballot's state as ``user`` may see it: (value, label).

    A counted ballot not yet declared is shown to the public as closed with
    the count in progress: "counted" would say a result exists and is being
    held, which is the returning officer's to announce. Those who may run
    the ballot, and its scrutineers, see the real state."""
    if ballot.state == Ballot.State.COUNTED and not (
        can_manage_ballot(user=user, ballot=ballot) or _is_scrutineer(user=user, ballot=ballot)
    ):
        return COUNT_IN_PROGRESS
    return ballot.state, ballot.get_state_display()


def _is_scrutineer(*, user: Any, ballot: Ballot) -> bool:
    from ballots.services.declaring import is_scrutineer

    return is_scrutineer(user=user, ballot=ballot)

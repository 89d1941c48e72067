"""A declared table of the states a model may move between.

Ballots, meetings and motions each move through a lifecycle; every step
locks the row, checks the state it comes from and moves on, or refuses with
a ``Conflict`` carrying the app's ``invalid_transition`` code. The table of
allowed steps is written once per model, beside its services, so a reader
sees the whole lifecycle in one place and no service can move a row along a
step the table does not name.

Callers hold the row's ``SELECT … FOR UPDATE`` lock (``lock_objects``) when
they call ``move``: the check and the write must see the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.db.models import TextChoices

from core.errors import Conflict


class StateMachine:
    """The allowed moves of one model's ``state``: ``{target: {from, …}}``."""

    def __init__(
        self,
        *,
        noun: str,
        states: type[TextChoices],
        code: StrEnum,
        moves: Mapping[str, Iterable[str]],
        on_move: Callable[[Any], None] | None = None,
    ) -> None:
        unknown = {str(s) for s in moves} | {str(s) for sources in moves.values() for s in sources}
        unknown -= set(states.values)
        if unknown:
            raise ValueError(f"Not states of {noun}: {sorted(unknown)}")
        self.noun = noun
        self.states = states
        self.code = code
        self.moves: dict[str, frozenset[str]] = {str(t): frozenset(str(s) for s in f) for t, f in moves.items()}
        self.on_move = on_move

    def may_move(self, state: str, target: str) -> bool:
        """Whether the table allows ``state`` → ``target``."""
        return state in self.moves.get(target, frozenset())

    def move(self, obj: Any, target: str) -> None:
        """Set ``obj.state`` to ``target`` (not saved), or raise ``Conflict``
        saying which state it is in and where it cannot go."""
        if target not in self.moves:
            raise ValueError(f"No move of a {self.noun} to {target!r} is declared.")
        if not self.may_move(obj.state, target):
            raise Conflict(
                self.code,
                f"A {self.noun} that is {self.states(obj.state).label.lower()} "
                f"cannot become {self.states(target).label.lower()}.",
            )
        obj.state = target
        if self.on_move is not None:
            self.on_move(obj)

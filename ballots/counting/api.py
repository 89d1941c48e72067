"""The single entry point the rest of the platform calls: :func:`count`.

Dispatching by method name keeps the Django side free of per-method imports
and lets a stored election record its method as a plain string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, overload

from ballots.counting.approval import count_approval
from ballots.counting.ers97 import count_ers97
from ballots.counting.irv import count_irv
from ballots.counting.meek_nz import count_meek_nz
from ballots.counting.motion import count_motion
from ballots.counting.plurality import count_plurality
from ballots.counting.scottish_stv import count_scottish_stv
from ballots.counting.types import (
    CountingError,
    CountSheet,
    Election,
    Motion,
    MotionResult,
)

Counter = Callable[..., CountSheet]

ELECTION_METHODS: dict[str, Counter] = {
    "plurality": count_plurality,
    "approval": count_approval,
    "irv": count_irv,
    "scottish-stv": count_scottish_stv,
    "meek-nz": count_meek_nz,
    "meek-stv": count_meek_nz,
    "ers97": count_ers97,
}
"""Candidate-election methods by name.

``meek-stv`` is the name stored on ballots created before ``meek-nz``
existed; their label always said "Meek, New Zealand rules", so it counts
by exactly those rules (the sheet says ``meek-nz``).
"""

METHODS: tuple[str, ...] = ("motion", *ELECTION_METHODS)
"""Every name :func:`count` accepts."""


@overload
def count(method: Literal["motion"], data: Motion, *, seed: int | None = None) -> MotionResult: ...


@overload
def count(method: str, data: Election, *, seed: int | None = None) -> CountSheet: ...


def count(method: str, data: Election | Motion, *, seed: int | None = None) -> CountSheet | MotionResult:
    """Count ``data`` by ``method`` (see :data:`METHODS`).

    ``seed`` fixes any drawing of lots so the count can be reproduced; when
    omitted and a lot is needed, a seed is generated and stored in the sheet.
    """
    if method == "motion":
        if not isinstance(data, Motion):
            msg = "method 'motion' needs a Motion"
            raise CountingError(msg)
        return count_motion(data)
    counter = ELECTION_METHODS.get(method)
    if counter is None:
        msg = f"unknown counting method {method!r}; choose from {', '.join(METHODS)}"
        raise CountingError(msg)
    if not isinstance(data, Election):
        msg = f"method {method!r} needs an Election"
        raise CountingError(msg)
    return counter(data, seed=seed)

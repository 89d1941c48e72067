"""Counting a motion: for / against / abstain against a pass threshold.

* ``simple-majority``: carried if *for* exceeds *against*; abstentions are
  not votes cast.  A tie is lost (the status quo stands).
* ``two-thirds``: carried if *for* is at least two thirds of the votes cast
  (for + against), i.e. ``3 * for >= 2 * cast``.
* ``absolute-majority``: carried if *for* is more than half the electorate,
  whoever turned out.
* Quorum: if a minimum turnout is set (absolute ``quorum`` and/or
  ``quorum_fraction`` of the electorate) and turnout (including abstentions)
  is below it, the motion is not carried whatever the tallies.

``required`` is the smallest *for* tally that would have carried the motion
given the other figures (``margin = for - required``). The explanation is a
plain sentence for members: "76 for, 30 against, 4 abstentions; a simple
majority needed 31 votes for".
"""

from __future__ import annotations

import math

from ballots.counting.types import CountingError, Motion, MotionResult, Threshold

THRESHOLD_WORDS = {
    Threshold.SIMPLE_MAJORITY: "a simple majority",
    Threshold.TWO_THIRDS: "a two-thirds majority",
    Threshold.ABSOLUTE_MAJORITY: "an absolute majority of the electorate",
}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _required(motion: Motion, cast: int) -> int:
    if motion.threshold is Threshold.SIMPLE_MAJORITY:
        return motion.votes_against + 1
    if motion.threshold is Threshold.TWO_THIRDS:
        # smallest f with 3f >= 2(f + against)  <=>  f >= 2 * against
        return max(1, 2 * motion.votes_against)
    if motion.electorate is None:
        msg = "an absolute majority needs the size of the electorate"
        raise CountingError(msg)
    del cast
    return motion.electorate // 2 + 1


def _quorum(motion: Motion) -> int | None:
    needs: list[int] = []
    if motion.quorum is not None:
        needs.append(motion.quorum)
    if motion.quorum_fraction is not None:
        if motion.electorate is None:
            msg = "a quorum fraction needs the size of the electorate"
            raise CountingError(msg)
        needs.append(math.ceil(motion.quorum_fraction * motion.electorate))
    return max(needs) if needs else None


def count_motion(motion: Motion) -> MotionResult:
    """Decide ``motion`` and explain the decision."""
    tallies = (motion.votes_for, motion.votes_against, motion.abstentions)
    if any(not isinstance(t, int) or t < 0 for t in tallies):
        msg = f"motion tallies must be non-negative integers, got {tallies}"
        raise CountingError(msg)
    turnout = sum(tallies)
    if motion.electorate is not None and turnout > motion.electorate:
        msg = f"turnout {turnout} exceeds the electorate {motion.electorate}"
        raise CountingError(msg)
    cast = motion.votes_for + motion.votes_against
    required = _required(motion, cast)
    quorum = _quorum(motion)
    quorate = quorum is None or turnout >= quorum
    margin = motion.votes_for - required
    carried = quorate and margin >= 0
    figures = (
        f"{motion.votes_for} for, {motion.votes_against} against, "
        f"{_plural(motion.abstentions, 'abstention', 'abstentions')}"
    )
    if not quorate:
        text = f"not quorate: {_plural(turnout, 'person', 'people')} voted and the quorum is {quorum}; the motion falls"
    else:
        text = f"{figures}; {THRESHOLD_WORDS[motion.threshold]} needed {_plural(required, 'vote', 'votes')} for"
    return MotionResult(
        carried=carried,
        quorate=quorate,
        threshold=motion.threshold,
        votes_for=motion.votes_for,
        votes_against=motion.votes_against,
        abstentions=motion.abstentions,
        votes_cast=cast,
        turnout=turnout,
        required=required,
        margin=margin,
        quorum_required=quorum,
        explanation=text,
    )

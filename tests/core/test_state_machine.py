"""The lifecycle tables: each model moves only along a step its table names,
and a refused step is a ``Conflict`` with the app's enum code."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ballots.error_codes import BallotErrorCode
from ballots.models import Ballot
from ballots.services.lifecycle import LIFECYCLE as BALLOT
from core.errors import Conflict
from core.state_machine import StateMachine
from meetings.models import Meeting, Motion
from meetings.services.meetings import LIFECYCLE as MEETING
from meetings.services.motions import LIFECYCLE as MOTION


def test_a_declared_move_is_made() -> None:
    ballot = SimpleNamespace(state=Ballot.State.SCHEDULED)
    BALLOT.move(ballot, Ballot.State.OPEN)
    assert ballot.state == Ballot.State.OPEN


def test_an_undeclared_move_is_refused_with_the_enum_code_and_the_states_named() -> None:
    ballot = SimpleNamespace(state=Ballot.State.DRAFT)
    with pytest.raises(Conflict) as exc:
        BALLOT.move(ballot, Ballot.State.OPEN)
    assert exc.value.code is BallotErrorCode.INVALID_TRANSITION
    assert exc.value.message == "A ballot that is draft cannot become open for voting."
    assert ballot.state == Ballot.State.DRAFT


def test_the_meeting_table_bumps_the_version_the_room_compares() -> None:
    meeting = SimpleNamespace(state=Meeting.State.SCHEDULED, version=3)
    MEETING.move(meeting, Meeting.State.NOTICE_SENT)
    assert (meeting.state, meeting.version) == (Meeting.State.NOTICE_SENT, 4)
    with pytest.raises(Conflict):
        MEETING.move(meeting, Meeting.State.CLOSED)
    assert meeting.version == 4


def test_every_motion_outcome_comes_only_from_in_order() -> None:
    for outcome in (Motion.State.CARRIED, Motion.State.LOST, Motion.State.REMITTED, Motion.State.REFERRED):
        assert MOTION.may_move(Motion.State.IN_ORDER, outcome)
        assert not MOTION.may_move(Motion.State.SUBMITTED, outcome)


def test_a_table_naming_a_state_the_model_lacks_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match="Not states of ballot"):
        StateMachine(
            noun="ballot", states=Ballot.State, code=BallotErrorCode.INVALID_TRANSITION, moves={"won": {"draft"}}
        )


def test_a_move_to_an_undeclared_target_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="No move"):
        BALLOT.move(SimpleNamespace(state=Ballot.State.DRAFT), Ballot.State.COUNTED)

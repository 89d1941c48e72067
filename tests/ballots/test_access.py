"""One call finds a ballot (or a unit) and authorises the
person through the gate: no such id is ``NotFound``, someone without
authority gets the gate's refusal, the right person gets the object; a
draft does not exist for anyone who may not run it."""

from __future__ import annotations

import pytest

from ballots.access import access_ballot, visible_ballot
from ballots.models import Ballot
from core.errors import NotFound, NotPermitted
from governance.access import access_unit
from governance.error_codes import AuthorityErrorCode
from governance.gate import Act
from tests.factories import BallotFactory, HoldingFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_access_ballot_finds_refuses_and_admits() -> None:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    with pytest.raises(NotFound):
        access_ballot(ballot.returning_officer, ballot.pk + 1000, Act.RUN_BALLOT)
    with pytest.raises(NotPermitted) as refused:
        access_ballot(UserFactory(), ballot.pk, Act.RUN_BALLOT)
    assert refused.value.code == AuthorityErrorCode.NOT_BALLOT_MANAGER
    assert access_ballot(ballot.returning_officer, ballot.pk, Act.RUN_BALLOT) == ballot


def test_a_draft_is_visible_only_to_those_who_run_it() -> None:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    with pytest.raises(NotFound):
        visible_ballot(UserFactory(), ballot)
    assert visible_ballot(ballot.returning_officer, ballot) == ballot
    ballot.state = Ballot.State.NOMINATIONS
    assert visible_ballot(UserFactory(), ballot) == ballot
    with pytest.raises(NotFound):
        visible_ballot(UserFactory(), None)


def test_access_unit_goes_through_the_gate() -> None:
    unit = UnitFactory()
    officer = HoldingFactory(office=OfficeFactory(unit=unit)).person
    with pytest.raises(NotFound):
        access_unit(officer, "no-such-unit", Act.MANAGE_UNIT)
    with pytest.raises(NotPermitted) as refused:
        access_unit(UserFactory(), unit.slug, Act.MANAGE_UNIT, refused_as="Only officers of {unit} may.")
    assert refused.value.code == AuthorityErrorCode.NOT_UNIT_OFFICER
    assert refused.value.message == f"Only officers of {unit.name} may."
    assert access_unit(officer, unit.slug, Act.MANAGE_UNIT) == unit

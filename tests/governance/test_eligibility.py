"""Eligibility rules: every criterion, sub-units, and one query at any size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import DomainError
from governance.eligibility import EligibilityRule
from governance.models import Membership, Unit
from governance.selectors import eligible_memberships
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Any]:
    national = UnitFactory(slug="national", kind=Unit.Kind.NATIONAL)
    region = UnitFactory(slug="region", kind=Unit.Kind.REGION, parent=national)
    branch = UnitFactory(slug="branch", parent=region)
    other = UnitFactory(slug="other-national", kind=Unit.Kind.NATIONAL)
    return {"national": national, "region": region, "branch": branch, "other": other}


def test_each_criterion_narrows_the_roll(tree: dict[str, Unit]) -> None:
    branch = tree["branch"]
    ok = MembershipFactory(unit=branch, kind="member", party_member=True, joined_on=dt.date(2016, 1, 1))
    MembershipFactory(unit=branch, kind="supporter", party_member=True, joined_on=dt.date(2016, 1, 1))
    MembershipFactory(unit=branch, kind="member", party_member=False, joined_on=dt.date(2016, 1, 1))
    MembershipFactory(unit=branch, kind="member", party_member=True, joined_on=dt.date(2016, 6, 1))
    for status in ("lapsed", "suspended", "left"):
        MembershipFactory(unit=branch, kind="member", party_member=True, joined_on=dt.date(2016, 1, 1), status=status)
    rule = EligibilityRule(
        unit=branch, kinds=("member",), party_member_required=True, joined_on_or_before=dt.date(2016, 3, 1)
    )
    assert list(rule.memberships()) == [ok]
    assert EligibilityRule(unit=branch).memberships().count() == 4  # all active, any kind


def test_subunits_are_included_only_when_asked(tree: dict[str, Unit]) -> None:
    in_branch = MembershipFactory(unit=tree["branch"])
    in_region = MembershipFactory(unit=tree["region"])
    in_national = MembershipFactory(unit=tree["national"])
    MembershipFactory(unit=tree["other"])
    assert set(EligibilityRule(unit=tree["region"]).memberships()) == {in_region}
    assert set(EligibilityRule(unit=tree["region"], include_subunits=True).memberships()) == {in_region, in_branch}
    assert set(EligibilityRule(unit=tree["national"], include_subunits=True).memberships()) == {
        in_national,
        in_region,
        in_branch,
    }


def test_people_are_counted_once_across_subunits(tree: dict[str, Unit]) -> None:
    m = MembershipFactory(unit=tree["branch"])
    MembershipFactory(unit=tree["national"], person=m.person)
    rule = EligibilityRule(unit=tree["national"], include_subunits=True)
    assert rule.memberships().count() == 2 and list(rule.people()) == [m.person]


def test_moving_a_unit_moves_its_members_between_rules(tree: dict[str, Unit]) -> None:
    m = MembershipFactory(unit=tree["branch"])
    branch = tree["branch"]
    branch.parent = tree["other"]
    branch.save()
    assert list(EligibilityRule(unit=tree["national"], include_subunits=True).people()) == []
    assert list(EligibilityRule(unit=tree["other"], include_subunits=True).people()) == [m.person]
    tree["other"].parent = branch
    with pytest.raises(ValueError, match="below itself"):
        tree["other"].save()


def test_evaluating_a_rule_is_one_query_whatever_the_size(tree: dict[str, Unit]) -> None:
    from tests.factories import UserFactory

    people = UserFactory.create_batch(300)
    Membership.objects.bulk_create(
        [
            Membership(person=p, unit=tree["branch"], joined_on=dt.date(2016, 1, 1), party_member=i % 2 == 0)
            for i, p in enumerate(people)
        ]
    )
    rule = EligibilityRule(unit=tree["national"], include_subunits=True, party_member_required=True)
    with CaptureQueriesContext(connection) as ctx:
        ids = list(rule.memberships().values_list("person_id", flat=True))
    assert len(ids) == 150 and len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        count = eligible_memberships(unit=tree["national"], include_subunits=True, kinds=["member"]).count()
    assert count == 300 and len(ctx.captured_queries) == 1


def test_rule_describes_itself_and_refuses_unknown_kinds(tree: dict[str, Unit]) -> None:
    rule = EligibilityRule(
        unit=tree["branch"],
        include_subunits=True,
        kinds=("member",),
        party_member_required=True,
        joined_on_or_before=dt.date(2016, 3, 1),
    )
    assert rule.describe() == (
        f"Active members of {tree['branch'].name} and its groups who are Labour Party members, "
        "joined on or before 1 March 2016."
    )
    with pytest.raises(DomainError) as exc:
        EligibilityRule(unit=tree["branch"], kinds=("comrade",))
    assert exc.value.code == "eligibility_unknown_kind"


def test_ballot_roll_freezes_from_the_rule(tree: dict[str, Unit]) -> None:
    from ballots.models import RollEntry
    from ballots.services.lifecycle import roll_freeze
    from tests.factories import BallotFactory

    m_branch = MembershipFactory(unit=tree["branch"], party_member=True)
    MembershipFactory(unit=tree["branch"], party_member=False)
    MembershipFactory(unit=tree["national"], person=m_branch.person, party_member=True)
    ballot = BallotFactory(unit=tree["national"], include_subunits=True, party_member_required=True)
    assert roll_freeze(ballot=ballot) == 1
    assert list(RollEntry.objects.filter(ballot=ballot).values_list("voter_id", flat=True)) == [m_branch.person_id]

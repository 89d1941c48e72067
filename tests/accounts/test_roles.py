"""The roles module: member, officer, returning officer, national admin, MFA demands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import roles
from accounts.models import UnitAccessPolicy
from governance.models import Membership, Unit
from tests.accounts.helpers import activate_totp, make_officer, verified_user
from tests.factories import BallotFactory, MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_member_needs_an_active_membership_of_that_unit() -> None:
    stockport, other = UnitFactory(), UnitFactory()
    member = MembershipFactory(unit=stockport).person
    lapsed = MembershipFactory(unit=stockport, status=Membership.Status.LAPSED).person
    supporter = MembershipFactory(unit=stockport, kind=Membership.Kind.SUPPORTER).person
    assert roles.is_member_of(member, stockport)
    assert not roles.is_member_of(member, other)
    assert not roles.is_member_of(lapsed, stockport)
    assert roles.is_member_of(supporter, stockport)
    assert not roles.is_member_of(supporter, stockport, kinds=[Membership.Kind.MEMBER])
    assert not roles.is_member_of(AnonymousUser(), stockport)


def test_officer_of_one_branch_is_not_officer_of_another_nor_of_the_parent() -> None:
    region = UnitFactory(kind=Unit.Kind.REGION)
    stockport, manchester = UnitFactory(parent=region), UnitFactory(parent=region)
    secretary = verified_user()
    make_officer(secretary, stockport)
    assert roles.is_officer_of(secretary, stockport)
    assert not roles.is_officer_of(secretary, manchester)
    assert not roles.is_officer_of(secretary, region)
    assert roles.can_view_audit_log(secretary, stockport)
    assert not roles.can_view_audit_log(secretary, manchester)
    assert roles.officer_unit_ids(secretary) == {stockport.pk}


def test_a_term_that_has_ended_gives_no_access() -> None:
    unit = UnitFactory()
    former = verified_user()
    make_officer(former, unit, ends_on=dt.date.today() - dt.timedelta(days=1))
    assert not roles.is_officer_of(former, unit)
    still = verified_user()
    make_officer(still, unit, ends_on=dt.date.today())
    assert roles.is_officer_of(still, unit)


def test_national_admin_is_superuser_or_officer_of_a_national_unit() -> None:
    national = UnitFactory(kind=Unit.Kind.NATIONAL)
    branch = UnitFactory()
    officer = verified_user()
    make_officer(officer, national, title="National coordinator")
    superuser = verified_user(is_superuser=True)
    plain = verified_user()
    assert roles.is_national_admin(officer) and roles.is_national_admin(superuser)
    assert not roles.is_national_admin(plain)
    assert roles.can_view_audit_log(superuser, branch)
    assert not roles.is_national_admin(AnonymousUser())


def test_returning_officer_is_per_ballot() -> None:
    ro = verified_user()
    mine, theirs = BallotFactory(returning_officer=ro), BallotFactory()
    assert roles.is_returning_officer(ro, mine)
    assert not roles.is_returning_officer(ro, theirs)
    assert not roles.is_returning_officer(AnonymousUser(), mine)


def test_mfa_required_only_where_the_unit_demands_it() -> None:
    strict, relaxed = UnitFactory(), UnitFactory()
    UnitAccessPolicy.objects.create(unit=strict, officers_require_mfa=True)
    strict_officer, relaxed_officer = verified_user(), verified_user()
    make_officer(strict_officer, strict)
    make_officer(relaxed_officer, relaxed)
    assert roles.mfa_required(strict_officer)
    assert roles.mfa_required(strict_officer, unit=strict)
    assert not roles.mfa_required(strict_officer, unit=relaxed)
    assert not roles.mfa_required(relaxed_officer)
    assert not roles.mfa_satisfied(strict_officer, mfa_verified=False)
    activate_totp(strict_officer)
    assert roles.mfa_enabled(strict_officer) and roles.mfa_satisfied(strict_officer, mfa_verified=True)
    # An authenticator is not enough: the request must have passed it.
    assert not roles.mfa_satisfied(strict_officer, mfa_verified=False)


def test_mfa_required_for_returning_officer_of_a_ballot_in_a_strict_unit() -> None:
    unit = UnitFactory()
    UnitAccessPolicy.objects.create(unit=unit, returning_officers_require_mfa=True)
    ro = verified_user()
    ballot = BallotFactory(unit=unit, returning_officer=ro)
    other_ballot = BallotFactory(returning_officer=ro)
    assert roles.mfa_required(ro, ballot=ballot)
    assert not roles.mfa_required(ro, ballot=other_ballot)


def test_mfa_for_admins_follows_the_setting(settings) -> None:
    admin = verified_user(is_superuser=True)
    assert not roles.mfa_required(admin)
    settings.ACCOUNTS_MFA_REQUIRED_FOR_ADMINS = True
    assert roles.mfa_required(admin)

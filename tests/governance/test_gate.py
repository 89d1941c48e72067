"""The gate (``governance.gate``) outside a request: the system passes, a
person named as actor is not MFA-verified, so where MFA is required they are
refused (fail closed); every act has a rule."""

from __future__ import annotations

import pytest

from accounts.models import UnitAccessPolicy
from core.errors import NotPermitted
from governance.gate import RULES, Act, current_mfa_verified, require
from tests.factories import HoldingFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_act_has_one_rule() -> None:
    assert set(RULES) == set(Act)


def test_outside_a_request_the_system_passes_and_a_person_fails_closed_where_mfa_is_required() -> None:
    unit = UnitFactory()
    officer = HoldingFactory(office=OfficeFactory(unit=unit)).person
    assert not current_mfa_verified()
    require(None, Act.MANAGE_UNIT, unit)  # a task or command acting as the system
    require(officer, Act.MANAGE_UNIT, unit)  # no policy: no MFA needed
    with pytest.raises(NotPermitted) as refused:
        require(UserFactory(), Act.MANAGE_UNIT, unit)
    assert refused.value.code == "not_unit_officer"
    UnitAccessPolicy.objects.create(unit=unit, officers_require_mfa=True)
    with pytest.raises(NotPermitted) as refused:
        require(officer, Act.HIDE_POST, unit)
    assert refused.value.code == "mfa_required"

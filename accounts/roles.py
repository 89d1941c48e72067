"""Who someone is in the network, in the words accounts' pages use.

The rules live in ``governance.authority`` (the one authority model: current
holdings, units above, administrators, MFA); these are its names here, kept
so the pages and API of accounts read naturally. Nothing here can reveal how
anyone voted: nothing reads ballot papers, and nobody has a role that would.
"""

from __future__ import annotations

from typing import Any

from governance import authority
from governance.models import Unit

is_member_of = authority.is_member
officer_unit_ids = authority.office_unit_ids
is_national_admin = authority.is_national_administrator
is_returning_officer = authority.is_returning_officer
can_manage_unit = authority.may_manage_unit
can_view_audit_log = authority.may_manage_unit
mfa_required = authority.must_use_mfa


def is_officer_of(user: Any, unit: Unit) -> bool:
    """A current holding of an office of exactly this unit (not above it)."""
    return unit.pk in authority.office_unit_ids(user)


mfa_enabled = authority.mfa_enabled
mfa_satisfied = authority.mfa_satisfied


__all__ = [
    "can_manage_unit",
    "can_view_audit_log",
    "is_member_of",
    "is_national_admin",
    "is_officer_of",
    "is_returning_officer",
    "mfa_enabled",
    "mfa_required",
    "mfa_satisfied",
    "officer_unit_ids",
]

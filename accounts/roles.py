"""Who someone is in the network, asked in one place.

Every app's ``permissions`` module builds on these predicates, so the HTML
views and the API refuse the same things. They answer from the database on
each call (no caching on the user object): a term of office that ends today
must stop giving access today.

Roles:

* **member** of a unit: an active membership there (supporters included
  unless ``kinds`` says otherwise);
* **officer** of a unit: a current holding of an office of that unit (not of
  a parent or child unit: an officer of Stockport cannot manage another
  branch);
* **returning officer** of a ballot: named on the ballot, for that ballot only;
* **national administrator**: a superuser, or a current officer of a national
  unit;
* **anonymous observer**: everyone else; reads what is public.

None of these predicates can reveal how anyone voted: nothing here reads
ballot papers, and nobody has a role that would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.models import Holding, Membership, Unit


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _current_holdings(user: Any, today: dt.date | None = None) -> QuerySet[Holding]:
    today = today or timezone.localdate()
    return Holding.objects.filter(person_id=user.pk, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def is_member_of(user: Any, unit: Unit, *, kinds: Iterable[str] = ()) -> bool:
    """An active membership of exactly this unit (of the given kinds, if any)."""
    if not _authenticated(user):
        return False
    memberships = Membership.objects.filter(person_id=user.pk, unit_id=unit.pk, status=Membership.Status.ACTIVE)
    kinds = list(kinds)
    if kinds:
        memberships = memberships.filter(kind__in=kinds)
    return memberships.exists()


def officer_unit_ids(user: Any) -> set[int]:
    """The units in which the user currently holds an office."""
    if not _authenticated(user):
        return set()
    return set(_current_holdings(user).filter(office__isnull=False).values_list("office__unit_id", flat=True))


def is_officer_of(user: Any, unit: Unit) -> bool:
    """A current holding of an office of exactly this unit."""
    if not _authenticated(user):
        return False
    return _current_holdings(user).filter(office__unit_id=unit.pk).exists()


def is_body_member_of(user: Any, unit: Unit) -> bool:
    """A current seat on a body (committee, reference group…) of this unit."""
    if not _authenticated(user):
        return False
    return _current_holdings(user).filter(body__unit_id=unit.pk).exists()


def is_national_admin(user: Any) -> bool:
    """A superuser, or a current officer of a national unit.

    Administrators manage the network; they get no view of anyone's vote,
    because no such view exists."""
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    return _current_holdings(user).filter(office__unit__kind=Unit.Kind.NATIONAL).exists()


def is_returning_officer(user: Any, ballot: Any) -> bool:
    """Named returning officer of this ballot (and of no other because of it)."""
    return _authenticated(user) and ballot.returning_officer_id == user.pk


def can_manage_unit(user: Any, unit: Unit) -> bool:
    """Officers of the unit, and national administrators."""
    return is_officer_of(user, unit) or is_national_admin(user)


def can_view_audit_log(user: Any, unit: Unit) -> bool:
    return can_manage_unit(user, unit)


def mfa_required(user: Any, *, unit: Unit | None = None, ballot: Any = None) -> bool:
    """Must this user have two-factor authentication before acting?

    True when a unit whose office they hold demands it of its officers (with
    ``unit``: that unit only), when ``ballot`` is given and they are its
    returning officer and its unit demands it, or when they are a national
    administrator and ``ACCOUNTS_MFA_REQUIRED_FOR_ADMINS`` is on."""
    from accounts.models import UnitAccessPolicy

    if not _authenticated(user):
        return False
    if settings.ACCOUNTS_MFA_REQUIRED_FOR_ADMINS and is_national_admin(user):
        return True
    if (
        ballot is not None
        and is_returning_officer(user, ballot)
        and UnitAccessPolicy.objects.filter(unit_id=ballot.unit_id, returning_officers_require_mfa=True).exists()
    ):
        return True
    units = {unit.pk} if unit is not None else officer_unit_ids(user)
    if unit is not None and not is_officer_of(user, unit):
        units = set()
    return bool(units) and UnitAccessPolicy.objects.filter(unit_id__in=units, officers_require_mfa=True).exists()


def mfa_enabled(user: Any) -> bool:
    """Has the user an active authenticator (allauth decides what counts)?"""
    from allauth.mfa.utils import is_mfa_enabled

    return _authenticated(user) and is_mfa_enabled(user)


def mfa_satisfied(user: Any, *, unit: Unit | None = None, ballot: Any = None) -> bool:
    """Either MFA is not required here, or the user has it.

    allauth asks every user with an authenticator for a code at sign-in, so
    "has it" also means this session passed the second factor."""
    return not mfa_required(user, unit=unit, ballot=ballot) or mfa_enabled(user)

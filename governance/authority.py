"""Who may do what, decided once: the one authority model of the network.

Every app asks these functions; ``accounts.roles``, ``governance.permissions``,
``meetings.permissions`` and ``ballots.permissions`` only name them in their
own words. They read the database on every call (no caching on the user): a
term that ends must stop giving authority on the day after it ends.

**A current holding** (``holdings_current``) has started (``starts_on`` ≤
today) and not ended (``ends_on`` is empty, or today or later: ``ends_on``
is the *last day* in office, as an AGM's minutes would say "until the
31st"). A holding that starts tomorrow gives nothing yet; one that ended
yesterday gives nothing any more. "Today" is the site's local date.

**Officer** of a unit: a current holding of one of the unit's *offices*
(chair, secretary…). A seat on a *body* (a committee, the interim reference
group) is not an office: it lets its holder run the unit's meetings and
motions, not its roll, offices, bodies or ballots.

**Units above.** An officer of a unit has the same authority in every unit
below it (a regional secretary can help a branch set up its ballot), never
in the units above or beside it. So an officer of a national unit manages
the whole network.

**Administrators.** A superuser is an administrator everywhere, so a new
network can be set up before anyone holds an office. ``is_staff`` gives no
authority in the network (only the Django admin site's own permissions):
one flag, one meaning. *National administrators* are administrators and
officers of a national unit.

**Nobody**, administrators included, gets a view of how anyone voted, or of
running totals: no such view exists, so no function here grants one.

**Two-factor authentication** (``must_use_mfa``) is required of someone
acting with authority in a unit whose ``UnitAccessPolicy`` demands it of its
officers, whatever that authority comes from (an office there or above, a
body seat, being an administrator); of anyone holding an office in a unit
that demands it, wherever they act with authority; of a ballot's returning
officer where its unit demands it of returning officers; and of national
administrators when ``ACCOUNTS_MFA_REQUIRED_FOR_ADMINS`` is on. Where it
is required, the request must have passed it (``mfa_shortfall``): a session
that signed in with the second factor, or a token issued with a code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import UnitAccessPolicy, User
from governance.models import Holding, Membership, Unit


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def holdings_current(*, today: dt.date | None = None) -> QuerySet[Holding]:
    """Holdings (of offices and body seats) in force today: started, not ended."""
    today = today or timezone.localdate()
    return Holding.objects.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _units_at_or_above(unit: Unit) -> list[int]:
    return unit.ancestor_ids() or [unit.pk]


def is_national_administrator(user: Any) -> bool:
    """An administrator, or a current officer of a national unit."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return holdings_current().filter(person_id=user.pk, office__unit__kind=Unit.Kind.NATIONAL).exists()


def is_member(user: Any, unit: Unit, *, kinds: Iterable[str] = ()) -> bool:
    """An active membership of exactly this unit (of the given kinds, if any)."""
    if not _active(user):
        return False
    memberships = Membership.objects.filter(person_id=user.pk, unit_id=unit.pk, status=Membership.Status.ACTIVE)
    kinds = list(kinds)
    if kinds:
        memberships = memberships.filter(kind__in=kinds)
    return memberships.exists()


def is_member_anywhere(user: Any) -> bool:
    """An active full membership of any unit of the network (who may hold a
    proxy where the standing orders do not confine proxies to the unit)."""
    if not _active(user):
        return False
    return Membership.objects.filter(
        person_id=user.pk, status=Membership.Status.ACTIVE, kind=Membership.Kind.MEMBER
    ).exists()


def office_unit_ids(user: Any) -> set[int]:
    """The units in which ``user`` holds an office today (exactly those)."""
    if not _active(user):
        return set()
    return set(
        holdings_current().filter(person_id=user.pk, office__isnull=False).values_list("office__unit_id", flat=True)
    )


def may_manage_unit(user: Any, unit: Unit) -> bool:
    """Manage ``unit``: its roll, offices, bodies, documents, audit log and
    ballots. Administrators, and officers of the unit or of any unit above
    it. One query."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return holdings_current().filter(person_id=user.pk, office__unit_id__in=_units_at_or_above(unit)).exists()


def units_managed_ids(user: Any) -> list[int]:
    """Every unit ``user`` may manage (for filtering lists): all of them for
    an administrator, else each unit they hold an office in and all below."""
    if not _active(user):
        return []
    if user.is_superuser:
        return list(Unit.objects.values_list("pk", flat=True))
    paths = set(Unit.objects.filter(pk__in=office_unit_ids(user)).values_list("path", flat=True))
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return list(Unit.objects.filter(query).values_list("pk", flat=True))


def may_run_meetings(user: Any, unit: Unit) -> bool:
    """Schedule and chair ``unit``'s meetings and rule on its motions: those
    who may manage it, and the current members of its own bodies."""
    if may_manage_unit(user, unit):
        return True
    return _active(user) and holdings_current().filter(person_id=user.pk, body__unit_id=unit.pk).exists()


def is_returning_officer(user: Any, ballot: Any) -> bool:
    """Named returning officer of this ballot (and of no other because of it)."""
    return _active(user) and ballot.returning_officer_id == user.pk


def may_run_ballot(user: Any, ballot: Any) -> bool:
    """Edit a ballot and run its lifecycle: its returning officer, and those
    who may manage its unit."""
    return is_returning_officer(user, ballot) or may_manage_unit(user, ballot.unit)


def may_declare(user: Any, ballot: Any) -> bool:
    """Only the returning officer declares a result; administrators cannot."""
    return is_returning_officer(user, ballot)


def officers_of(unit: Unit) -> QuerySet[User]:
    """The people holding an office of exactly ``unit`` today (whom the
    unit's business is addressed to)."""
    holders = holdings_current().filter(office__unit_id=unit.pk).values("person_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def must_use_mfa(user: Any, *, unit: Unit | None = None, ballot: Any = None) -> bool:
    """Must ``user`` have two-factor authentication to act here? See the
    module's docstring for the rule; ``unit`` or ``ballot`` narrow "here"
    to the object a page or request acts on."""
    if not _active(user):
        return False
    if settings.ACCOUNTS_MFA_REQUIRED_FOR_ADMINS and is_national_administrator(user):
        return True
    policies = UnitAccessPolicy.objects.all()
    if ballot is not None:
        if (
            is_returning_officer(user, ballot)
            and policies.filter(unit_id=ballot.unit_id, returning_officers_require_mfa=True).exists()
        ):
            return True
        unit = unit or ballot.unit
    demanding = policies.filter(officers_require_mfa=True)
    units = office_unit_ids(user)
    if unit is not None:
        if not may_run_meetings(user, unit):
            return False  # no authority here, so nothing to protect; the page refuses them anyway
        units.add(unit.pk)
    return bool(units) and demanding.filter(unit_id__in=units).exists()


def mfa_enabled(user: Any) -> bool:
    """Has the user an active authenticator (allauth decides what counts)?"""
    return _active(user) and bool(is_mfa_enabled(user))


MFAShortfall = Literal["mfa_required", "mfa_not_verified"]


def mfa_shortfall(
    user: Any, *, mfa_verified: bool, unit: Unit | None = None, ballot: Any = None
) -> MFAShortfall | None:
    """What is missing for ``user`` to act here, as far as MFA goes: nothing
    (``None``), an authenticator (``"mfa_required"``), or, with one, a sign-in
    or token that passed it (``"mfa_not_verified"``).

    ``mfa_verified`` is whether *this request's* session or token passed the
    second factor: ``accounts.authentication.request_mfa_verified(request)``,
    the one place that decides it. Having an authenticator is not enough: a
    session or token from before enrolment proved only the password."""
    if not must_use_mfa(user, unit=unit, ballot=ballot):
        return None
    if not mfa_enabled(user):
        return "mfa_required"
    return None if mfa_verified else "mfa_not_verified"


def mfa_satisfied(user: Any, *, mfa_verified: bool, unit: Unit | None = None, ballot: Any = None) -> bool:
    """Either MFA is not required here, or the user has an authenticator and
    this request passed it (``mfa_shortfall``)."""
    return mfa_shortfall(user, mfa_verified=mfa_verified, unit=unit, ballot=ballot) is None

"""Account lockouts: too many wrong passwords or codes from anywhere.

Every path that checks a password or an authenticator code for an account
(allauth's sign-in through ``accounts.adapters``, allauth's code forms
through ``accounts.mfa_forms``, the token API) asks ``login_locked`` first and
calls ``failure_record`` on a wrong guess. Past the limit
(``ACCOUNTS_LOCKOUT_PASSWORD_FAILURES`` or ``..._CODE_FAILURES`` within
``ACCOUNTS_LOCKOUT_WINDOW_SECONDS``) the account is locked for
``ACCOUNTS_LOCKOUT_SECONDS``: the right password and the right code are
refused too, because the guesser may be about to find them.

The trade-off: someone who knows a member's address can lock them out for
an hour at a time. So the owner is told (one e-mail per lockout, not per
guess), and an officer of any unit they are a member of, or an
administrator, can lift the lock (``lockout_lift``, audited); the counts
start again from zero when it is lifted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import login_limits
from accounts.models import AccountLockout, User
from core.audit import audit_record
from core.emails import outbox_enqueue
from core.errors import MFARefusal, NotPermitted
from governance import authority
from governance.error_codes import AuthorityErrorCode
from governance.gate import MFA_MESSAGES, Act, current_mfa_verified, require
from governance.models import Membership, Unit

LOCKED_MESSAGE = (
    "This account is locked after too many failed sign-in attempts. Try again later, or ask an officer of your "
    "branch to unlock it."
)


def _in_force(user: Any) -> QuerySet[AccountLockout]:
    return AccountLockout.objects.filter(user_id=user.pk, lifted_at__isnull=True, ends_at__gt=timezone.now())


def _user_for(login: str) -> User | None:
    return User.objects.filter(email__iexact=login.strip()).first() if login.strip() else None


def account_locked(*, user: Any) -> bool:
    """Is a lockout of this account in force?"""
    return _in_force(user).exists()


def login_locked(*, login: str) -> bool:
    """Is the account this login (e-mail address) names locked? A login that
    names no account is "locked" the same way after as many guesses."""
    user = _user_for(login)
    if user is None:
        return login_limits.unknown_login_locked(login=login)
    return account_locked(user=user)


def failure_record(*, login: str, reason: AccountLockout.Reason) -> None:
    """Count one wrong password or code for this account from any address;
    the one that reaches the limit locks it."""
    limit = (
        settings.ACCOUNTS_LOCKOUT_PASSWORD_FAILURES
        if reason == AccountLockout.Reason.PASSWORD
        else settings.ACCOUNTS_LOCKOUT_CODE_FAILURES
    )
    count = login_limits.account_failure_count(
        kind=str(reason), login=login, window_seconds=settings.ACCOUNTS_LOCKOUT_WINDOW_SECONDS
    )
    if count < limit:
        return
    login_limits.account_failures_clear(login=login)
    user = _user_for(login)
    if user is None:
        login_limits.unknown_login_lock(login=login, seconds=settings.ACCOUNTS_LOCKOUT_SECONDS)
    else:
        lockout_start(user=user, reason=reason)


@transaction.atomic
def lockout_start(*, user: User, reason: AccountLockout.Reason) -> AccountLockout:
    """Lock ``user``'s account, e-mail them and audit it; if a lockout is
    already in force, return it and send nothing. The account row is locked
    first, so two guesses crossing the limit at once make one lockout and
    one e-mail."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    current = _in_force(user).first()
    if current is not None:
        return current
    now = timezone.now()
    lockout = AccountLockout.objects.create(
        user=user, reason=reason, started_at=now, ends_at=now + dt.timedelta(seconds=settings.ACCOUNTS_LOCKOUT_SECONDS)
    )
    outbox_enqueue(
        key=f"accounts-lockout:{lockout.pk}",
        recipient=user,
        template="accounts/lockout",
        context={"lockout": lockout, "reason": lockout.get_reason_display()},
    )
    audit_record(actor=None, action="account_locked", obj=user, detail={"lockout": lockout.pk, "reason": str(reason)})
    return lockout


def _units_lifting(*, user: User, actor: Any) -> list[Unit]:
    """The units of ``user``'s active memberships that ``actor`` may manage."""
    units = Unit.objects.filter(memberships__person_id=user.pk, memberships__status=Membership.Status.ACTIVE).distinct()
    return [unit for unit in units if authority.may_manage_unit(actor, unit)]


def lockout_lift(*, user: User, actor: Any, ip_address: str | None = None) -> int:
    """End every lockout of ``user`` in force now, and forget the failures
    counted towards the next; returns how many were lifted (0 is not an
    error: it may have just run out). Raises ``not_unit_officer`` (403) for
    anyone who is not an officer of the member's unit or an administrator."""
    units = _units_lifting(user=user, actor=actor)
    if not units and not getattr(actor, "is_superuser", False):
        raise NotPermitted(
            AuthorityErrorCode.NOT_UNIT_OFFICER, "Only an officer of this member's unit can unlock their account."
        )
    for unit in units:  # MFA where any of the member's units that the actor manages demands it
        require(actor, Act.LIFT_LOCKOUT, unit)
    if not units:  # an administrator unlocking someone of no unit: MFA where it is asked of administrators
        shortfall = authority.mfa_shortfall(actor, mfa_verified=current_mfa_verified())
        if shortfall is not None:
            raise MFARefusal(shortfall, MFA_MESSAGES[shortfall])
    with transaction.atomic():
        lifted = _in_force(user).update(lifted_at=timezone.now(), lifted_by=actor)
        if lifted:
            audit_record(
                actor=actor,
                action="account_lockout_lifted",
                obj=user,
                unit=units[0] if units else None,
                detail={"lifted": lifted},
                ip_address=ip_address,
            )
    login_limits.account_failures_clear(login=user.email)
    return int(lifted)

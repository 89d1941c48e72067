"""A person's data across every app: what is held about them (``export``)
and their erasure (``erase``), composed from each app's ``personal_data``
module (``held_about(person)`` and ``erase(person)``).

Each app also declares every reference its models make to a person
(``app.Model.field``): in ``ERASED`` if its erasure deletes or clears it, in
``KEPT`` with the reason if the record's integrity needs it to keep pointing
at the person's account. The account is never deleted (those references
need a row); ``accounts.personal_data`` turns it into a tombstone that names
no one. ``tests/portal/test_personal_data.py`` walks every table after an
erasure and fails on a reference declared nowhere, so a new model holding
personal data cannot be added without saying how it is erased.

**Who may erase** (``governance.gate``, ``Act.ERASE_PERSON``): the person
themselves, re-confirming their password, or a national administrator (MFA
as for any administrator's act), recorded in the audit log. A superuser is
refused (an administrator hands over first, as before).

**What stays**, and why, is in each app's module docstring and ``KEPT``; in
short: a roll entry and a participation stay countable (turnout, one member
one vote) but name no one; offices held, motions proposed and seconded,
check-ins, proxies and open votes stay as the unit's and the meeting's
record, shown as "Removed member"; a candidate's name stays in a declared
result's count sheet and on its option, as the result's public record
(``ballots.personal_data.TEXT_KEPT``). Free text *other people* wrote that
mentions the person (minutes, others' posts) is their record and is not
rewritten; an officer can edit it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import lockouts
from accounts import personal_data as accounts_data
from accounts.error_codes import AccountErrorCode
from accounts.models import AccountLockout, User
from ballots import personal_data as ballots_data
from core import personal_data as core_data
from core.audit import audit_record
from core.errors import Conflict, DomainError, NotPermitted
from governance import personal_data as governance_data
from governance.gate import Act, require
from meetings import personal_data as meetings_data

FORMAT = "agora-personal-data/2"

# In erasure order: accounts last, since the others read the person's name and
# address (to scrub them from free text) before the account row loses them.
APPS: dict[str, ModuleType] = {
    "meetings": meetings_data,
    "ballots": ballots_data,
    "governance": governance_data,
    "core": core_data,
    "accounts": accounts_data,
}


def export(person: Any) -> dict[str, Any]:
    """Everything the platform holds about ``person``, one section per app."""
    data: dict[str, Any] = {"format": FORMAT, "exported_at": timezone.now().isoformat()}
    for name, module in APPS.items():
        data[name] = module.held_about(person)
    return data


def erased_references() -> frozenset[str]:
    return frozenset().union(*(m.ERASED for m in APPS.values()))


def kept_references() -> dict[str, str]:
    """References to a person that stay after erasure, and why."""
    return {ref: why for module in APPS.values() for ref, why in module.KEPT.items()}


def text_kept() -> dict[str, str]:
    """``table.column`` that may still quote an erased person's name, and why."""
    return dict(ballots_data.TEXT_KEPT)


def erase(*, actor: Any, person: Any, password: str | None = None) -> None:
    """Erase ``person``'s data in every app, in one transaction.

    ``actor`` erasing themselves must give their current ``password`` (a
    signed-in session alone is not enough to destroy an account); an
    administrator erasing someone passes the gate instead, and the audit log
    names them. Erasing an erased person does nothing."""
    require(actor, Act.ERASE_PERSON, person)
    if actor is not None and actor.pk == person.pk:
        # The same guard as signing in: a stolen session must not become a
        # way to guess the password (each wrong one counts towards the
        # account's lockout, and a locked account erases nothing).
        if lockouts.login_locked(login=person.email):
            raise NotPermitted(AccountErrorCode.ACCOUNT_LOCKED, lockouts.LOCKED_MESSAGE)
        if not person.check_password(password or ""):
            lockouts.failure_record(login=person.email, reason=AccountLockout.Reason.PASSWORD)
            raise DomainError(AccountErrorCode.PASSWORD_WRONG, "That is not your password.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if accounts_data.is_erased(locked):
            return
        if locked.is_superuser:
            raise Conflict(
                AccountErrorCode.ERASE_ADMINISTRATOR, "An administrator's account cannot be erased; hand over first."
            )
        for module in APPS.values():
            module.erase(locked)
        by_self = actor is not None and actor.pk == person.pk
        audit_record(
            actor=None if by_self else actor,
            action="person_erased",
            obj=locked,
            detail={"by": "the person" if by_self else "an administrator"},
        )

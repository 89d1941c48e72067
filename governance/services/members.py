"""A member's data-protection rights: removal that keeps every count intact.

Ballots keep *who voted* (participations) and the frozen roll with a
protected foreign key to the person, and those rows must stay for a
declared result's turnout and electorate to remain true. So removal does not
delete the person: it strips everything that identifies them (name, e-mail,
password, verified addresses, memberships) and leaves an anonymous,
inactive account that nobody can sign in to or contact.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from core.audit import audit_record
from core.errors import Conflict
from governance.error_codes import GovernanceErrorCode
from governance.models import Membership

REMOVED_DOMAIN = "removed.invalid"


@transaction.atomic
def person_remove(*, person: Any, actor: Any = None) -> None:
    """Anonymise ``person`` and delete their memberships, in one transaction.

    Offices they held stay in the public history, under "Removed member".
    Refuses superusers (an administrator must hand over first).
    """
    user_model = get_user_model()
    locked = user_model.objects.select_for_update().get(pk=person.pk)
    if locked.is_superuser:
        raise Conflict(
            GovernanceErrorCode.REMOVE_ADMINISTRATOR, "A national administrator cannot be removed; hand over first."
        )
    if locked.email.endswith("@" + REMOVED_DOMAIN):
        return  # already removed: removal is idempotent
    units = list(Membership.objects.filter(person=locked).values_list("unit_id", flat=True))
    Membership.objects.filter(person=locked).delete()
    try:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user=locked).delete()
    except ImportError:  # pragma: no cover - allauth is installed
        pass
    locked.email = f"removed-{locked.pk}@{REMOVED_DOMAIN}"
    locked.full_name = "Removed member"
    locked.password = make_password(None)
    locked.is_active = False
    locked.is_staff = False
    if hasattr(locked, "optional_email"):
        locked.optional_email = False
    locked.save()
    audit_record(
        actor=actor if actor is not None and getattr(actor, "pk", None) != locked.pk else None,
        action="person_removed",
        obj=locked,
        detail={"units": units},
    )

"""Who may do what with motions and meetings, in one place for views and API.

Officers of a unit are the people currently holding one of its offices or a
seat on one of its bodies (chair, secretary, the committee or the interim
reference group); a superuser counts as an officer everywhere so a new
network can be set up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from governance.models import Holding, Membership, Unit


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_member(*, user: Any, unit: Unit) -> bool:
    """An active full member of the unit: may propose, second and amend."""
    return (
        _authenticated(user)
        and Membership.objects.filter(
            person=user, unit=unit, status=Membership.Status.ACTIVE, kind=Membership.Kind.MEMBER
        ).exists()
    )


def is_officer(*, user: Any, unit: Unit) -> bool:
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    return Holding.objects.filter(Q(office__unit=unit) | Q(body__unit=unit), person=user, ends_on__isnull=True).exists()

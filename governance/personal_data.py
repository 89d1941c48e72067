"""What governance holds about a person (memberships, offices and bodies
held, roll imports) and how it is erased; composed by ``portal.personal_data``.

Memberships are deleted (with their membership numbers). Offices and body
seats held stay in the public history of the unit: who held an office is the
unit's record, and an officer's acts (rulings, declarations) are judged by it;
after erasure the holder shows as "Removed member". A roll CSV still waiting
to be imported is scrubbed of the person's name, address and number.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.personal_data import mentions, needles, scrub, scrub_audit_details
from governance.models import DocumentVersion, Holding, Membership, RollImport

ERASED = frozenset(
    {"governance.Membership.person", "governance.DocumentVersion.recorded_by", "governance.RollImport.uploaded_by"}
)
KEPT: dict[str, str] = {
    "governance.Holding.person": "an office's holders are the unit's public history (shown as Removed member)",
}


def held_about(person: Any) -> dict[str, Any]:
    memberships = Membership.objects.filter(person=person).select_related("unit")
    holdings = Holding.objects.filter(person=person).select_related("office__unit", "body__unit")
    return {
        "memberships": [
            {
                "unit": m.unit.slug,
                "unit_name": m.unit.name,
                "membership_number": m.membership_number,
                "kind": m.kind,
                "status": m.status,
                "party_member": m.party_member,
                "joined_on": m.joined_on.isoformat() if m.joined_on else None,
                "consent_to_contact": m.consent_to_contact,
            }
            for m in memberships
        ],
        "offices": [
            {
                "office": str(h.office or h.body),
                "unit": h.office.unit.slug if h.office else h.body.unit.slug if h.body else None,
                "starts_on": h.starts_on.isoformat(),
                "ends_on": h.ends_on.isoformat() if h.ends_on else None,
                "authority": h.authority,
            }
            for h in holdings
        ],
        "roll_imports_uploaded": [
            {"unit": r.unit.slug, "filename": r.filename, "created_at": r.created_at.isoformat()}
            for r in RollImport.objects.filter(uploaded_by=person).select_related("unit")
        ],
    }


@transaction.atomic
def erase(person: Any) -> None:
    numbers = [n for n in Membership.objects.filter(person=person).values_list("membership_number", flat=True) if n]
    words = needles(person, *numbers)
    Membership.objects.filter(person=person).delete()
    DocumentVersion.objects.filter(recorded_by=person).update(recorded_by=None)
    RollImport.objects.filter(uploaded_by=person).update(uploaded_by=None)
    quoting = mentions("content", words) | mentions("summary", words) | mentions("errors", words)
    for roll_import in RollImport.objects.filter(quoting):
        roll_import.content = scrub(roll_import.content, words)
        roll_import.summary = scrub(roll_import.summary, words)
        roll_import.errors = scrub(roll_import.errors, words)
        roll_import.save(update_fields=["content", "summary", "errors"])
    scrub_audit_details(numbers)

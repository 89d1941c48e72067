"""What core holds about a person (mail sent to them, their steps in the audit
log) and how it is erased; composed by ``portal.personal_data``.

Erasure keeps the audit log's record of *what* was done (an officer's step
stays a step) but not *who* did it or from where: the actor becomes nobody,
the IP address goes, and any name, e-mail address or membership number the
entry's detail quoted is replaced by ``REMOVED``. Mail to the person (queued
or sent) is deleted: its text is addressed to them by name; mail to others
that names them is scrubbed the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from core.models import AuditEntry, OutboxEmail

REMOVED = "[removed]"

# Every reference to a person (``app.Model.field``) this module answers for.
ERASED = frozenset({"core.OutboxEmail.recipient", "core.AuditEntry.actor"})
KEPT: dict[str, str] = {}


def needles(person: Any, *extra: str) -> list[str]:
    """The strings that name ``person`` in free text: their e-mail address,
    their name (when long enough not to match common words) and ``extra``
    (membership numbers). Read *before* the account row is anonymised."""
    found = [person.email, *extra]
    if len(person.full_name.strip()) >= 4:
        found.append(person.full_name.strip())
    return [n for n in found if n]


def scrub(value: Any, words: Iterable[str]) -> Any:
    """``value`` (text, or JSON made of dicts, lists and text) with every
    occurrence of ``words`` replaced by ``REMOVED``, case-insensitively."""
    words = list(words)
    if isinstance(value, str):
        lowered = value.lower()
        for word in words:
            start = lowered.find(word.lower())
            while start != -1:
                value = value[:start] + REMOVED + value[start + len(word) :]
                lowered = value.lower()
                start = lowered.find(word.lower(), start + len(REMOVED))
        return value
    if isinstance(value, list):
        return [scrub(v, words) for v in value]
    if isinstance(value, dict):
        return {scrub(k, words): scrub(v, words) for k, v in value.items()}
    return value


def mentions(field: str, words: Iterable[str]) -> Q:
    """Rows whose ``field`` contains any of ``words`` (case-insensitive)."""
    query = Q(pk__in=[])
    for word in words:
        query |= Q(**{f"{field}__icontains": word})
    return query


def held_about(person: Any) -> dict[str, Any]:
    return {
        "emails_sent_to_you": [
            {"subject": m.subject, "status": m.status, "created_at": m.created_at.isoformat()}
            for m in OutboxEmail.objects.filter(recipient=person).order_by("created_at", "id")
        ],
        "your_steps_in_the_audit_log": [
            {"at": e.at.isoformat(), "action": e.action, "object_type": e.object_type, "object_id": e.object_id}
            for e in AuditEntry.objects.filter(actor=person).order_by("at", "id")
        ],
    }


def scrub_audit_details(words: list[str]) -> None:
    """Replace ``words`` in every audit entry's detail that quotes them."""
    for entry in AuditEntry.objects.filter(mentions("detail", words)):
        entry.detail = scrub(entry.detail, words)
        entry.save(update_fields=["detail"])


@transaction.atomic
def erase(person: Any) -> None:
    """Delete mail to ``person``; unname their audit steps and scrub their
    name and e-mail address from every entry's detail. Call inside the
    erasure's transaction, before the account row is anonymised."""
    words = needles(person)
    OutboxEmail.objects.filter(Q(recipient=person) | Q(to_address__iexact=person.email)).delete()
    AuditEntry.objects.filter(actor=person).update(actor=None, ip_address=None)
    scrub_audit_details(words)
    # Mail to others that names them (a ballot's notice names its returning
    # officer): the stored copy is scrubbed; one not yet sent goes out scrubbed.
    quoting = mentions("subject", words) | mentions("body_text", words) | mentions("body_html", words)
    for mail in OutboxEmail.objects.filter(quoting):
        mail.subject = scrub(mail.subject, words)
        mail.body_text = scrub(mail.body_text, words)
        mail.body_html = scrub(mail.body_html, words)
        mail.save(update_fields=["subject", "body_text", "body_html"])

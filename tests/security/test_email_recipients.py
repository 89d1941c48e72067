"""An e-mail to a member who no longer exists is dropped and logged, and
never falls back to a wider recipient list (a past Helios flaw: a missing
voter turned into "send to everyone").

Figure: e-mails queued, sent, dropped; messages with more than one recipient (0).
"""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from core.emails import outbox_send_pending
from core.models import OutboxEmail
from tests.factories import UserFactory


@pytest.mark.django_db
def test_mail_to_a_deleted_member_is_dropped_logged_and_goes_to_nobody_else(caplog: pytest.LogCaptureFixture) -> None:
    people = UserFactory.create_batch(6)
    gone = people[0]
    gone_address = gone.email
    # One personal e-mail to the member who will go, and a notice to all six,
    # queued the way the services queue them.
    OutboxEmail.objects.create(
        key="personal:gone", recipient=gone, to_address=gone.email, subject="For you", body_text="Only you."
    )
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(key=f"notice:{p.pk}", recipient=p, to_address=p.email, subject="Notice", body_text="Hi")
            for p in people
        ]
    )
    gone_pk = gone.pk
    gone.delete()
    mail.outbox.clear()
    with caplog.at_level(logging.INFO, logger="core.emails"):
        sent = outbox_send_pending()
    dropped = OutboxEmail.objects.filter(status=OutboxEmail.Status.DROPPED)
    assert sorted(dropped.values_list("key", flat=True)) == sorted([f"notice:{gone_pk}", "personal:gone"])
    assert sent == 5
    recipients = [(m.to, m.cc, m.bcc) for m in mail.outbox]
    assert all(len(to) == 1 and not cc and not bcc for to, cc, bcc in recipients), recipients
    assert gone_address not in {to[0] for to, _, _ in recipients}
    assert sorted(to[0] for to, _, _ in recipients) == sorted(p.email for p in people[1:])
    assert sum("recipient no longer exists" in r.getMessage() for r in caplog.records) == 2
    print(f"\ne-mail: 7 queued, {sent} sent (one recipient each), {dropped.count()} dropped and logged, 0 widened")  # noqa: T201

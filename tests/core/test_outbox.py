"""The outbox: one send per row, a personal preferences link on every e-mail,
retries with back-off, and rows for people who are gone dropped, never
redirected."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.emails import outbox_enqueue_many, outbox_send_pending
from core.models import OutboxEmail
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queue(users: list, key: str = "news:1") -> None:
    unit = UnitFactory()
    ballot = type("B", (), {"title": "Test ballot", "unit": unit, "closes_at": None, "returning_officer": "RO"})()
    outbox_enqueue_many(
        key_prefix=key, recipients=users, template="ballots/notice", context={"ballot": ballot, "vote_url": "http://x/"}
    )


def test_each_recipient_gets_their_own_link_and_list_unsubscribe_headers() -> None:
    users = [UserFactory() for _ in range(3)]
    _queue(users)
    mail.outbox.clear()
    assert outbox_send_pending() == 3
    assert len(mail.outbox) == 3
    links = set()
    for message in mail.outbox:
        url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert "/me/unsubscribe/" in url and url in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in message.alternatives[0][0]
        links.add(url)
    assert len(links) == 3  # personal, not shared


def test_queueing_twice_sends_once_and_sending_is_a_constant_number_of_queries_per_mail() -> None:
    users = [UserFactory() for _ in range(10)]
    _queue(users)
    _queue(users)
    assert OutboxEmail.objects.count() == 10
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert outbox_send_pending() == 10
    # per message: one UPDATE in its own (savepoint) transaction with SET LOCAL; plus the claim
    assert len(ctx.captured_queries) <= 4 * 10 + 6, len(ctx.captured_queries)
    assert outbox_send_pending() == 0
    assert len(mail.outbox) == 10


def test_recipient_gone_is_dropped_not_redirected() -> None:
    users = [UserFactory() for _ in range(2)]
    _queue(users)
    OutboxEmail.objects.filter(recipient=users[0]).update(recipient=None)
    mail.outbox.clear()
    assert outbox_send_pending() == 1
    assert [m.to for m in mail.outbox] == [[users[1].email]]
    assert OutboxEmail.objects.get(to_address=users[0].email).status == OutboxEmail.Status.DROPPED

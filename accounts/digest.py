"""The daily "needs your attention" e-mail: the list on a person's page, sent
to them when it holds something new.

The items come from ``accounts.attention.attention_items``, the list's one
home, so the e-mail and ``/me`` cannot disagree.

**When a digest goes.** Only when the list is not empty *and* holds an item
the last digest did not list (an item is known by its act and its page, not
its wording). The same items waiting another day send nothing: a member who
has not yet seconded a motion is not reminded of it every morning; the page
still shows it. Items that went away send nothing either. When something new
arrives, the e-mail lists everything pending, new items first, so it is a
complete picture. At most one digest a day per person, however often the
sweep runs (``MIN_INTERVAL``).

**Who gets one.** Active people who have signed in at least once (an account
never claimed gets its invitation, not this) and have not turned the digest
off (``User.attention_digest``, on their preferences page or by the e-mail's
one-click link, which stops the digest alone and not optional news).

Safe to run twice, or twice at once: each person's state row is locked, and
the outbox key carries the number of digests sent before, which moves on in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.attention import AttentionItem, attention_items
from accounts.models import AttentionDigest, User
from accounts.services import DIGEST_KIND
from core.emails import outbox_enqueue

MIN_INTERVAL = dt.timedelta(hours=20)
BATCH = 500


def item_identity(item: AttentionItem) -> str:
    """What makes an item the same item from one day to the next."""
    return f"{item.kind} {item.url}"


def digest_recipients() -> Any:
    """People a digest may go to, in id order."""
    return User.objects.filter(is_active=True, attention_digest=True, last_login__isnull=False, email__gt="").order_by(
        "pk"
    )


def attention_digest_one(*, person: User, now: dt.datetime | None = None) -> bool:
    """Queue ``person``'s digest if their list holds something new since
    their last one; True if one was queued."""
    now = now or timezone.now()
    items = attention_items(user=person)
    if not items:
        return False
    with transaction.atomic():
        AttentionDigest.objects.get_or_create(person=person)
        state = AttentionDigest.objects.select_for_update().get(person=person)
        if state.sent_at is not None and now - state.sent_at < MIN_INTERVAL:
            return False
        before = set(state.items)
        new = [i for i in items if item_identity(i) not in before]
        if not new:
            return False
        rest = [i for i in items if item_identity(i) in before]
        site = settings.SITE_URL.rstrip("/")
        outbox_enqueue(
            key=f"attention-digest:{person.pk}:{state.sent + 1}",
            recipient=person,
            template=DIGEST_KIND,
            context={"new": new, "rest": rest, "count": len(items), "site": site},
        )
        state.items = [item_identity(i) for i in items]
        state.sent += 1
        state.sent_at = now
        state.save(update_fields=["items", "sent", "sent_at"])
    return True


def attention_digests_send(*, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Beat's daily sweep: every recipient's digest, where there is news.
    Works through people in id order in batches; returns digests queued."""
    now = now or timezone.now()
    queued = 0
    last_pk = 0
    while True:
        chunk = list(digest_recipients().filter(pk__gt=last_pk)[:batch])
        if not chunk:
            return queued
        last_pk = chunk[-1].pk
        queued += sum(attention_digest_one(person=person, now=now) for person in chunk)

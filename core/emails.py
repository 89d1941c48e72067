"""Outbox e-mail: enqueue inside the caller's transaction, send from the worker.

Templates come in triplets, ``emails/<name>.subject.txt``, ``.txt`` and
``.html``. Sending claims rows with a lease, so two workers never send the
same row, and a row whose worker died mid-send is retried after the lease.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.module_loading import import_string

from core.models import OutboxEmail

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def render_subject(template: str, context: dict[str, Any]) -> str:
    """The subject line of ``emails/<template>.subject.txt``, on one line.

    A subject is plain text, never HTML: it is rendered with autoescaping
    off, so a ballot titled ``Tom & Jerry's`` is not sent as
    ``Tom &amp; Jerry&#x27;s``. Done here, for every subject template, so a
    new template cannot forget it."""
    source = Engine.get_default().get_template(f"emails/{template}.subject.txt")
    return " ".join(source.render(Context(context, autoescape=False)).split())


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render (subject, text, html) for an e-mail template triplet."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_subject(template, context)
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def outbox_enqueue(*, key: str, recipient: Any, template: str, context: dict[str, Any]) -> None:
    """Queue one personal e-mail for ``recipient`` (a user). A ``key`` already
    queued is ignored, which makes repeated calls harmless."""
    subject, text, html = render_email(template, {"recipient": recipient, **context})
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                key=key,
                kind=template,
                recipient=recipient,
                to_address=recipient.email,
                subject=subject,
                body_text=text,
                body_html=html,
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(_kick_sender, robust=True)


def outbox_enqueue_many(
    *,
    key_prefix: str,
    recipients: Iterable[Any],
    template: str,
    context: dict[str, Any],
    batch: int = 2000,
    optional: bool = False,
) -> int:
    """Queue the same e-mail to many users, rendered once (a notice to 100,000
    voters must not render 100,000 templates). Keys are ``<prefix>:<user id>``,
    so calling again queues nothing twice. Returns the number of recipients.

    ``optional=True`` for mail the rules do not require (reminders, news of a
    followed motion): it skips everyone who turned optional mail off (their
    ``optional_email``, the preference every footer links to). Notices the
    rules require (notice of poll, results, meeting notices) leave it off."""
    subject, text, html = render_email(template, context)
    total = 0
    rows: list[OutboxEmail] = []
    for user in recipients:
        if not user.email or not user.is_active:
            continue
        if optional and not getattr(user, "optional_email", True):
            continue
        rows.append(
            OutboxEmail(
                key=f"{key_prefix}:{user.pk}",
                kind=template,
                recipient=user,
                to_address=user.email,
                subject=subject,
                body_text=text,
                body_html=html,
            )
        )
        if len(rows) >= batch:
            OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True)
            total += len(rows)
            rows = []
    if rows:
        OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True)
        total += len(rows)
    transaction.on_commit(_kick_sender, robust=True)
    return total


def outbox_rewrite_pending(*, key_prefix: str, template: str, context: dict[str, Any]) -> set[int]:
    """Re-render the queued, not yet sent e-mails under ``key_prefix`` with a
    new context, and return their recipients' ids.

    So a change made moments after a notice was queued goes out *in* that
    notice, and the caller can leave those recipients out of a second
    message. Call inside the caller's transaction. Rows a sender holds at
    this moment are skipped (they are about to go out as they were), so
    their recipients are not in the returned set and still get told."""
    subject, text, html = render_email(template, context)
    rows = (
        OutboxEmail.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(key__startswith=f"{key_prefix}:", status=OutboxEmail.Status.PENDING)
        .values_list("pk", "recipient_id")
    )
    found = list(rows)
    OutboxEmail.objects.filter(pk__in=[pk for pk, _ in found]).update(subject=subject, body_text=text, body_html=html)
    return {recipient for _, recipient in found if recipient is not None}


def _kick_sender() -> None:
    """Ask the worker to send now. If the broker is down this is logged and
    skipped (``robust``): beat's periodic sweep sends the rows later."""
    from core.tasks import send_pending_outbox

    send_pending_outbox.delay()


def _claim(limit: int) -> list[OutboxEmail]:
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(status=OutboxEmail.Status.PENDING, claimed_at__isnull=True)
            .order_by("id")[:limit]
        )
        stale = (
            OutboxEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(status__in=[OutboxEmail.Status.SENDING, OutboxEmail.Status.PENDING], claimed_at__lt=now - LEASE)
            .order_by("id")[:limit]
        )
        rows = list(due) or list(stale)
        ids = [row.pk for row in rows]
        OutboxEmail.objects.filter(pk__in=ids).update(status=OutboxEmail.Status.SENDING, claimed_at=now)
    return rows


def outbox_send_pending(*, limit: int = 500) -> int:
    """Send up to ``limit`` due e-mails over one SMTP connection; returns the
    number sent. Failures go back to the queue with a back-off lease."""
    rows = _claim(limit)
    if not rows:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except OSError as exc:
        logger.warning("outbox: mail server unavailable (%s); %d e-mails stay queued", exc, len(rows))
        _release(rows, str(exc))
        return 0
    try:
        for row in rows:
            if row.recipient_id is None:
                OutboxEmail.objects.filter(pk=row.pk).update(status=OutboxEmail.Status.DROPPED)
                logger.info("outbox: dropped %s, recipient no longer exists", row.key)
                continue
            message = _message(row, connection)
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001 - any transport error re-queues the row
                logger.warning("outbox: sending %s failed: %s", row.key, exc)
                _release([row], str(exc))
                continue
            _mark_sent(row)
            sent += 1
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection
            connection.close()
    return sent


def _mark_sent(row: OutboxEmail) -> None:
    """Record one delivery at once, so a crash can re-send at most the one
    message in flight. On PostgreSQL the commit skips waiting for the WAL
    flush (``synchronous_commit off``): only a crash of the database server
    itself within a fraction of a second could lose the mark, and then the
    message is re-sent with the same Message-ID, which mail clients merge."""
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.SENT, sent_at=timezone.now(), attempts=row.attempts + 1
        )


def _unsubscribe_link(row: OutboxEmail) -> tuple[str, str] | None:
    """The recipient's own one-click link to stop this kind of e-mail, and
    the footer line that says what it stops; built by the function named in
    ``OUTBOX_UNSUBSCRIBE_LINK`` (so core needs no import of the accounts
    app), which is given the row's ``kind``: the attention digest's link
    stops the digest, every other link stops optional mail."""
    builder = getattr(settings, "OUTBOX_UNSUBSCRIBE_LINK", "")
    if not builder or row.recipient is None:
        return None
    url, footer = import_string(builder)(user=row.recipient, kind=row.kind)
    return str(url), str(footer)


def _message(row: OutboxEmail, connection: Any) -> EmailMultiAlternatives:
    """The e-mail for one row, with the recipient's own preferences link in
    the footer and the List-Unsubscribe headers mail clients show as a button.

    Rows are rendered once for many recipients, so the personal part is added
    here, at sending time."""
    domain = settings.SITE_URL.split("//")[-1]
    headers = {"Message-ID": f"<{row.key.replace(':', '.')}@{domain}>"}
    text, html = row.body_text, row.body_html
    link = _unsubscribe_link(row)
    if link:
        url, footer = link
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text = f"{text.rstrip()}\n\n--\n{footer}\n{url}\n"
        if html:
            html = f'{html}\n<hr><p><small>{escape(footer)} <a href="{url}">Manage or unsubscribe</a></small></p>'
    message = EmailMultiAlternatives(
        subject=row.subject, body=text, to=[row.to_address], connection=connection, headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def _release(rows: list[OutboxEmail], error: str) -> None:
    """Put rows back with exponential back-off (held by a future lease)."""
    now = timezone.now()
    for row in rows:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            OutboxEmail.objects.filter(pk=row.pk).update(
                status=OutboxEmail.Status.FAILED, attempts=attempts, last_error=error[:500]
            )
            continue
        backoff = timedelta(seconds=min(3600, settings.OUTBOX_BACKOFF_SECONDS * 2 ** (attempts - 1)))
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.PENDING,
            attempts=attempts,
            last_error=error[:500],
            claimed_at=now - LEASE + backoff,
        )

"""E-mailing a member their receipt, at their request, keeping no copy.

Every other e-mail goes through the outbox, whose rows are kept. A kept row
holding a member's address beside their receipt would tie them to a
published tracker, so this one is rendered and handed to the mail server
within the request, once, and nothing about it is stored or logged. If the
mail server cannot take it, the member is told to write the code down.
"""

from __future__ import annotations

import re
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

from ballots.error_codes import BallotErrorCode as Code
from ballots.models import Ballot, Participation
from ballots.services.casting import RECEIPT_ALPHABET
from core.emails import render_email
from core.errors import DomainError, NotPermitted

_CHUNK = f"[{RECEIPT_ALPHABET}]{{4}}"
RECEIPT_FORMAT = re.compile(f"{_CHUNK}-{_CHUNK}-{_CHUNK}-{_CHUNK}")


def receipt_normalise(receipt: str) -> str:
    """``abcd efgh-…`` as typed or pasted → ``ABCD-EFGH-…``, or ``""`` if it
    is not shaped like a receipt."""
    raw = re.sub(r"[\s-]", "", receipt or "").upper()
    if len(raw) != 16:
        return ""
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    return code if RECEIPT_FORMAT.fullmatch(code) else ""


def receipt_email(*, ballot: Ballot, voter: Any, receipt: str) -> str:
    """Send ``receipt`` to ``voter``'s own address and return that address.

    Only a member who has voted in the ballot may, and only a code shaped
    like a receipt goes out, so the form cannot be used to send anything
    else. Whether the code is *their* receipt cannot be checked, by design:
    nothing stored links a member to a receipt."""
    code = receipt_normalise(receipt)
    if not code:
        raise DomainError(Code.INVALID_RECEIPT, "That is not a receipt code (four groups of four letters and digits).")
    if not Participation.objects.filter(ballot=ballot, voter=voter).exists():
        raise NotPermitted(Code.NOT_VOTED, "You can e-mail yourself a receipt only for a ballot you have voted in.")
    check_url = settings.SITE_URL.rstrip("/") + reverse("ballots:receipt-check", args=[ballot.pk])
    subject, text, html = render_email(
        "ballots/receipt", {"recipient": voter, "ballot": ballot, "receipt": code, "check_url": check_url}
    )
    message = EmailMultiAlternatives(subject, text, to=[voter.email], connection=get_connection())
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # Not logged: the exception's arguments can carry the message.
        raise DomainError(
            Code.MAIL_UNAVAILABLE,
            "The mail server could not take the e-mail just now. Please write your receipt code down.",
            status=503,
        ) from None
    return str(voter.email)

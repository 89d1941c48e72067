"""Signed links sent by e-mail (claiming an invitation, unsubscribing), and
the digest API tokens are stored as.

Neither needs a table. A claim token carries a fingerprint of the account's
password hash, last login and e-mail address, so it stops working the moment
the account is claimed (or the address changes); it also expires after
``ACCOUNTS_INVITATION_MAX_AGE``. An unsubscribe token never expires: it only
ever turns optional mail or the attention digest *off*, and must keep
working in old e-mails.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.error_codes import AccountErrorCode
from accounts.models import User
from core.errors import DomainError

CLAIM_SALT = "accounts.invitation.claim"
UNSUBSCRIBE_SALT = "accounts.unsubscribe"


def api_token_new() -> str:
    """A new API token: 240 random bits, 40 URL-safe characters."""
    return secrets.token_urlsafe(30)


def api_token_digest(token: str) -> str:
    """What the database keeps of an API token: SHA-256, cut to the 40
    characters of DRF's ``Token.key`` (160 bits). A token is random, so a
    plain hash suffices (no salt, no stretching), and it costs a microsecond
    on the vote endpoint. Someone with a copy of the table cannot sign in
    with what they read."""
    return hashlib.sha256(token.encode()).hexdigest()[:40]


def _fingerprint(user: User) -> str:
    login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None).isoformat()
    return salted_hmac(CLAIM_SALT, f"{user.pk}|{user.password}|{login}|{user.email}", algorithm="sha256").hexdigest()[
        :24
    ]


def claim_token_make(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=CLAIM_SALT, compress=True)


def claim_token_user(*, token: str) -> User:
    """The user a claim token was made for, or a ``DomainError`` saying why not.

    Codes: ``invitation_expired`` (older than the max age), ``invitation_invalid``
    (tampered, unknown user, or already claimed)."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=settings.ACCOUNTS_INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise DomainError(
            AccountErrorCode.INVITATION_EXPIRED,
            "This invitation has expired. Ask your branch for a new one, or reset your password.",
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(AccountErrorCode.INVITATION_INVALID, "This invitation link is not valid.") from exc
    pk = data.get("u") if isinstance(data, dict) else None
    user = User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    if user is None or not constant_time_compare(str(data.get("f", "")), _fingerprint(user)):
        raise DomainError(
            AccountErrorCode.INVITATION_INVALID,
            "This invitation link has already been used or is no longer valid. Sign in, or reset your password.",
        )
    return user


UNSUBSCRIBE_SCOPES = ("optional", "digest")


def unsubscribe_token_make(*, user: User, scope: str = "optional") -> str:
    """A link's token that turns one kind of mail off: ``optional`` (optional
    news) or ``digest`` (the daily "needs your attention" e-mail). An
    optional-mail token is the user's id alone, as before scopes existed, so
    links in e-mails already sent keep working."""
    if scope not in UNSUBSCRIBE_SCOPES:
        raise ValueError(f"unknown unsubscribe scope {scope!r}")
    return signing.dumps(user.pk if scope == "optional" else {"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(*, token: str) -> tuple[User, str]:
    """(user, scope) of an unsubscribe token, or ``unsubscribe_invalid``."""
    invalid = DomainError(AccountErrorCode.UNSUBSCRIBE_INVALID, "This unsubscribe link is not valid.")
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise invalid from exc
    pk, scope = (data.get("u"), data.get("s")) if isinstance(data, dict) else (data, "optional")
    if scope not in UNSUBSCRIBE_SCOPES or not isinstance(pk, int):
        raise invalid
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise DomainError(AccountErrorCode.UNSUBSCRIBE_INVALID, "This unsubscribe link is not valid.", status=404)
    return user, scope

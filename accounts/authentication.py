"""API token authentication in one SQL statement written once.

DRF's ``TokenAuthentication`` builds an ORM query on every request
(``Token.objects.select_related("user").get(key=...)``). Compiling that
query costs more Python time than the database spends answering it, and the
vote endpoint, where a whole electorate arrives in the last hour of a
ballot, pays it on every request. This class runs the same join as SQL
composed once at import and builds both objects with ``Model.from_db``, so
``request.user`` is a normal, fully loaded ``User`` and the rules are DRF's:
an unknown key or an inactive user is refused with 401 and DRF's messages.

The table holds each token's digest, not the token (``accounts.tokens``):
the presented key is hashed, then looked up. The same statement reads the
token's ``ApiTokenProof`` (was it issued with an authenticator code?).

``request_mfa_verified`` is the one rule for "this request passed two-factor
authentication", used by every MFA guard (``governance.access``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import ApiTokenProof, User
from accounts.tokens import api_token_digest
from core.db import prepared_cursor

_USER_FIELDS: list[Field[Any, Any]] = list(User._meta.concrete_fields)
_TOKEN_FIELDS: list[Field[Any, Any]] = list(Token._meta.concrete_fields)
_SQL = (  # noqa: S608 - identifiers from model meta
    "SELECT {columns}, p.{mfa} FROM {token} t JOIN {user} u ON u.{user_pk} = t.{token_user} "
    "LEFT JOIN {proof} p ON p.{proof_token} = t.{key} WHERE t.{key} = %s"
).format(
    columns=", ".join([f"u.{f.column}" for f in _USER_FIELDS] + [f"t.{f.column}" for f in _TOKEN_FIELDS]),
    token=Token._meta.db_table,
    user=User._meta.db_table,
    user_pk=User._meta.pk.column,  # type: ignore[union-attr]
    token_user=Token._meta.get_field("user").column,  # type: ignore[union-attr]
    key=Token._meta.get_field("key").column,  # type: ignore[union-attr]
    proof=ApiTokenProof._meta.db_table,
    proof_token=ApiTokenProof._meta.get_field("token").column,  # type: ignore[union-attr]
    mfa=ApiTokenProof._meta.get_field("mfa_verified").column,  # type: ignore[union-attr]
)

Converter = Callable[[Any, Any, Any], Any]
_converters: dict[tuple[str, str], list[tuple[int, Any, list[Converter]]]] = {}


def _converters_for(
    alias: str, model: type[Model], fields: list[Field[Any, Any]]
) -> list[tuple[int, Any, list[Converter]]]:
    """The ORM's value converters for these columns on this connection
    (SQLite returns datetimes as text, for one), worked out once."""
    key = (alias, model._meta.label)
    if key not in _converters:
        connection = connections[alias]
        found = []
        for i, field in enumerate(fields):
            col = field.get_col(model._meta.db_table)
            chain = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if chain:
                found.append((i, col, chain))
        _converters[key] = found
    return _converters[key]


def _from_row(alias: str, model: type[Model], fields: list[Field[Any, Any]], values: Any) -> Any:
    values = list(values)
    connection = connections[alias]
    for i, col, chain in _converters_for(alias, model, fields):
        for converter in chain:
            values[i] = converter(values[i], col, connection)
    return model.from_db(alias, [f.attname for f in fields], values)


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, resolved in one statement."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        alias = DEFAULT_DB_ALIAS
        with prepared_cursor() as cursor:
            cursor.execute(_SQL, [api_token_digest(key)])
            row: Any = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        split = len(_USER_FIELDS)
        user = _from_row(alias, User, _USER_FIELDS, row[:split])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = _from_row(alias, Token, _TOKEN_FIELDS, row[split:-1])
        token.user = user
        token.proof = ApiTokenProof(token=token, mfa_verified=bool(row[-1]))  # no row: issued before proofs, unverified
        return user, token


def request_mfa_verified(request: Any) -> bool:
    """Did this request's credentials pass two-factor authentication?

    A token: only if it was issued against an authenticator code
    (``ApiTokenProof``). A session: only if allauth recorded an ``mfa`` step
    in it for this user (at sign-in, or reauthenticating with a code;
    ``allauth.account.authentication.get_authentication_records``). Having
    an authenticator is not enough: a session or token from before enrolment
    proved only the password. Anything else (no session, a test client's
    ``force_authenticate``) is not verified.

    Takes a Django ``HttpRequest`` or a DRF ``Request``; the one rule every
    MFA guard calls (``governance.access``), and what an authority gate
    needs to be given alongside the user."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Token):
        try:
            return bool(auth.proof.mfa_verified)
        except ApiTokenProof.DoesNotExist:
            return False
    user = getattr(request, "user", None)
    if getattr(request, "session", None) is None or not getattr(user, "is_authenticated", False):
        return False
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))

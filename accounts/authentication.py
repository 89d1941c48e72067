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
the presented key is hashed, then looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.tokens import api_token_digest
from core.db import prepared_cursor

_USER_FIELDS: list[Field[Any, Any]] = list(User._meta.concrete_fields)
_TOKEN_FIELDS: list[Field[Any, Any]] = list(Token._meta.concrete_fields)
_SQL = "SELECT {columns} FROM {token} t JOIN {user} u ON u.{user_pk} = t.{token_user} WHERE t.{key} = %s".format(  # noqa: S608 - identifiers from model meta
    columns=", ".join([f"u.{f.column}" for f in _USER_FIELDS] + [f"t.{f.column}" for f in _TOKEN_FIELDS]),
    token=Token._meta.db_table,
    user=User._meta.db_table,
    user_pk=User._meta.pk.column,  # type: ignore[union-attr]
    token_user=Token._meta.get_field("user").column,  # type: ignore[union-attr]
    key=Token._meta.get_field("key").column,  # type: ignore[union-attr]
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
        token = _from_row(alias, Token, _TOKEN_FIELDS, row[split:])
        token.user = user
        return user, token

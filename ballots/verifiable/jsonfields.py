"""Strict readers for the JSON shapes Belenios messages are built from.

Belenios writes every big number (group elements, exponents) as a base-10
JSON string, and small counts as JSON numbers. These helpers read one field
and raise ``FormatError`` naming it, so a bad message is refused with a
reason rather than a ``KeyError`` or ``TypeError`` deep inside a check.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from ballots.verifiable.errors import FormatError

_DIGITS = re.compile(r"(0|[1-9][0-9]*)")
# Python refuses to read ints of more than 4300 digits; Belenios' are about 617.
_MAX_DIGITS = 1000


def parse_json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise FormatError(f"{what} is not JSON: {error}") from error


def canonical_json(value: object) -> str:
    """Compact JSON, fields in the order given, as belenios-tool writes it.

    Belenios hashes (and, for ballots, insists on) exactly this form: no
    spaces, object fields in the order of its type definitions.
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sha256_b64(text: str) -> str:
    """Belenios' fingerprint: Base64 of SHA-256, without padding."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii").rstrip("=")


def obj(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{what} must be a JSON object")
    return value


def seq(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"{what} must be a JSON array")
    return value


def field(container: dict[str, Any], name: str, what: str) -> Any:
    if name not in container:
        raise FormatError(f"{what} has no {name!r} field")
    return container[name]


def text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"{what} must be a JSON string")
    return value


def small_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"{what} must be a JSON integer")
    return value


def big_int(value: object, what: str) -> int:
    """A non-negative base-10 number written as a JSON string."""
    if not isinstance(value, str) or len(value) > _MAX_DIGITS or not _DIGITS.fullmatch(value):
        raise FormatError(f"{what} must be a base-10 number in a JSON string")
    return int(value)

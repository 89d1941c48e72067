"""JSON bodies read within bounds.

DRF's ``JSONParser`` reads the whole stream, whatever its size (Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies to ``request.body`` and forms, not to
a parser reading the stream), and hands it to ``json.loads``, which recurses
once per level of nesting: a deep enough document is a ``RecursionError``,
a 500. This parser reads at most ``REQUEST_BODY_MAX_BYTES`` (413 beyond),
and measures the nesting in one linear pass before parsing (400 beyond
``API_JSON_MAX_DEPTH``). ``core.middleware.RequestBodyLimitMiddleware``
refuses an oversized ``Content-Length`` before anything is read; this is
the second fence, for a stream whose length was not declared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

import numpy as np
from django.conf import settings
from rest_framework import exceptions, parsers, status

# A JSON string; an unterminated one runs to the end, so the scan stays linear.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKETS = b"[]{}"
_OTHER_BYTES = bytes(b for b in range(256) if b not in _BRACKETS)
# Opening brackets become +1 and closing ones -1, read as signed bytes.
_STEPS = bytes.maketrans(_BRACKETS, bytes([1, 255, 1, 255]))


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


def json_too_deep(raw: bytes, max_depth: int) -> bool:
    """Whether ``raw``'s arrays and objects nest deeper than ``max_depth``,
    brackets inside strings ignored: strings cut out with one regex, the
    rest reduced to its brackets, and the deepest point found by a running
    sum, all in C and in time linear in the body's length."""
    brackets = _STRING.sub(b"", raw).translate(None, _OTHER_BYTES)
    if len(brackets) <= max_depth:
        return False
    steps = np.frombuffer(brackets.translate(_STEPS), dtype=np.int8)
    return bool(np.cumsum(steps, dtype=np.int64).max() > max_depth)


class JSONParser(parsers.JSONParser):
    """``application/json`` with a size and a depth limit, each refused with
    a reason (413 ``payload_too_large``, 400 ``parse_error``)."""

    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit: int = settings.REQUEST_BODY_MAX_BYTES
        max_depth: int = settings.API_JSON_MAX_DEPTH
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit:,} bytes.")
        if json_too_deep(raw, max_depth):
            raise exceptions.ParseError(f"JSON parse error - nested deeper than {max_depth} levels.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(raw.decode(encoding), parse_constant=self._refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc

    @staticmethod
    def _refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

"""The error body every API refusal has, for views' ``extend_schema``.

One serializer, one schema component (``Error``): the exception handler
gives every refusal this shape, and ``document_error_responses`` fills in
the full component, so views name it here rather than each defining its own.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(name="Error", fields={"code": serializers.CharField(), "message": serializers.CharField()})
# The refusals a write endpoint documents for itself: invalid, not permitted,
# not found, in the wrong state.
ERRORS: dict[int, Any] = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}

"""One place that turns every API error into ``{"code", "message"}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": exc.message}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "message": "The request is not valid.", "errors": response.data}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else "The request was refused."
        response.data = {
            "code": exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code,
            "message": message,
        }
    else:  # pragma: no cover - DRF only handles APIException subclasses
        response.status_code = status.HTTP_400_BAD_REQUEST
    return response


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every API refusal: a stable code a client can act on, and a message a person can read.",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Per-field messages, for code `invalid`.",
            "additionalProperties": True,
        },
    },
    "required": ["code", "message"],
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_STANDARD: dict[str, str] = {
    "401": "No credentials, or a bad or revoked token (`not_authenticated`, `authentication_failed`); "
    "`WWW-Authenticate: Token` names the scheme.",
    "403": "Not permitted here (`permission_denied`, `mfa_required`, a domain rule's code, …).",
    "404": "Nothing with this id that you may see (`not_found`).",
    "400": "The request is not valid (`invalid`, `parse_error`, or a domain rule's code).",
    "405": "Method not allowed here (`method_not_allowed`).",
    "406": "Only JSON is offered (`not_acceptable`).",
    "413": "The body is larger than the site accepts (`payload_too_large`; `REQUEST_BODY_MAX_BYTES`).",
    "415": "Send JSON or a form (`unsupported_media_type`).",
    "429": "Too many requests (`throttled`).",
}
# Path converters of the URLconf, as JSON Schema: a value outside them never
# reaches the API (Django answers 404 before the view), so the schema says so.
_INT_PATH = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
_SLUG_PATH = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}


def document_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the
    refusals the exception handler above can give it, all as ``Error``.

    Per-view ``extend_schema`` responses stay (with their descriptions); what
    a view did not list (throttling, authentication, path ids that match
    nothing, malformed bodies) is added here, so the schema covers every
    status the API can answer with."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            operation.setdefault("security", [{}])  # said explicitly: no authentication needed
            codes = ["401", "403", "405", "406", "429"]
            params = operation.get("parameters", [])
            if any(p.get("in") == "path" or p.get("name") == "page" for p in params):
                codes.append("404")  # no such object, or no such page of a list
            if "requestBody" in operation or any(p.get("in") == "query" for p in params) or method != "get":
                codes += ["400", "415"]
            if "requestBody" in operation:
                codes.append("413")
            for code in codes:
                response = responses.setdefault(code, {"description": _STANDARD[code]})
                response.setdefault("content", {"application/json": {"schema": _ERROR_REF}})
                if not response.get("description"):
                    response["description"] = _STANDARD[code]
            for param in params:
                if param.get("in") != "path":
                    continue
                schema = param.get("schema", {})
                if schema.get("type") == "integer":
                    param["schema"] = {**schema, **_INT_PATH}
                elif schema.get("type") == "string" and "pattern" not in schema:
                    param["schema"] = {**schema, **_SLUG_PATH}
    return result

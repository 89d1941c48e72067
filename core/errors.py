"""Domain errors: every refusal the platform gives carries a stable code.

Services raise ``DomainError``; the API handler and the views turn it into a
4xx with ``{"code", "message"}``, so a client can act on the code and a person
can read the message.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Codes any app may give: refusals that are no one domain's."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"


class DomainError(Exception):
    """A rule of the domain refused the action. ``status`` is the HTTP status."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status


class NotPermitted(DomainError):
    status = 403


class MFARefusal(NotPermitted):
    """Refused until the person passes two-factor authentication (sets an
    authenticator up, or signs in with a code). Pages do not show it as a
    reason: they let it reach ``governance.middleware``, which sends the
    person where they can mend it; the API answers 403 with its code."""


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409

"""Domain errors: every refusal the platform gives carries a stable code.

Services raise ``DomainError``; the API handler and the views turn it into a
4xx with ``{"code", "message"}``, so a client can act on the code and a person
can read the message.
"""

from __future__ import annotations


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


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409

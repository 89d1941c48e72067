"""The one exception for input that is not a well-formed Belenios message.

A ballot that parses but fails a check is not an exception: the verifier
returns a named reason (see ``ballot.Rejection``). ``FormatError`` is for
the election, trustees, credentials or choices the caller supplies, which
must be right before anything can be checked against them.
"""

from __future__ import annotations


class FormatError(ValueError):
    """A message that does not follow the Belenios 2.0 format; the text says where."""


class ThresholdError(FormatError):
    """A threshold-ceremony message refused for a named reason (``rejection.ThresholdRejection``)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail

"""A ballot by its id, for someone: found and authorised in one call.

As Zulip's ``access_stream_by_id``: every page and API view that acts on a
ballot asks here, so "there is no such ballot" (404) and "you may not"
(the gate's refusal, ``governance.gate``) are decided in one place. Pages
and the API translate the errors raised here (``NotFound`` and the gate's
``NotPermitted``/``MFARefusal``): the page middleware answers 404, 403 or
the MFA redirect, the API handler ``{"code", "message"}``.
"""

from __future__ import annotations

from typing import Any

from ballots.error_codes import BallotErrorCode as Code
from ballots.models import Ballot
from ballots.permissions import can_declare, can_see_ballot
from ballots.services.declaring import is_scrutineer
from core.errors import ErrorCode, MFARefusal, NotFound, NotPermitted
from governance import authority
from governance.gate import MFA_MESSAGES, Act, current_mfa_verified, require

NO_SUCH_BALLOT = "There is no such ballot."


def _found(ballot_id: int) -> Ballot:
    ballot = Ballot.objects.select_related("unit", "returning_officer").filter(pk=ballot_id).first()
    if ballot is None:
        raise NotFound(ErrorCode.NOT_FOUND, NO_SUCH_BALLOT)
    return ballot


def access_ballot(user: Any, ballot_id: int, act: Act, *, doing: str | None = None) -> Ballot:
    """The ballot, if ``user`` may do ``act`` on it now (MFA included)."""
    ballot = _found(ballot_id)
    require(user, act, ballot, doing=doing)
    return ballot


def visible_ballot(user: Any, ballot: Ballot | None) -> Ballot:
    """The read side: ``ballot`` if it exists and ``user`` may see it (a
    draft is its officers' alone, ``can_see_ballot``); to anyone else a
    draft does not exist."""
    if ballot is None or not can_see_ballot(user=user, ballot=ballot):
        raise NotFound(ErrorCode.NOT_FOUND, NO_SUCH_BALLOT)
    return ballot


NOT_YOURS = "Only this ballot's returning officer can see the provisional result before it is declared."


def access_provisional(user: Any, ballot: Ballot, *, read: bool = False) -> None:
    """Who may see (``read``) or act on a counted ballot's provisional result:
    its returning officer, and to read it, the scrutineers they named. The
    public is told no result exists (404); anyone else signed in, 403; and
    where the ballot demands MFA of them, they must have passed it."""
    if not user.is_authenticated:
        raise NotFound(ErrorCode.NOT_FOUND, "No declared result for this ballot.")
    if not (can_declare(user=user, ballot=ballot) or (read and is_scrutineer(user=user, ballot=ballot))):
        raise NotPermitted(Code.NOT_RETURNING_OFFICER, NOT_YOURS)
    shortfall = authority.mfa_shortfall(user, mfa_verified=current_mfa_verified(), ballot=ballot)
    if shortfall is not None:
        raise MFARefusal(shortfall, MFA_MESSAGES[shortfall])

"""One gate for every act done on someone's authority: ``require(user, act, obj)``.

Every service that changes state because an officer, a returning officer or
an administrator said so calls ``require`` first, with one ``Act`` and the
object acted on. The gate decides who may act *and* whether this request
passed two-factor authentication where the unit or ballot demands it, and
refuses with ``core.errors.NotPermitted`` carrying an
``AuthorityErrorCode`` (``MFARefusal``, its subclass, where two-factor
authentication is what is missing). Views find and authorise in one call
(``governance.access.access_unit``, ``ballots.access``, ``meetings.access``). Pages and API views only translate the refusal (a
403 page, the API's ``{"code", "message"}``, or a page's redirect to TOTP
set-up on ``mfa_required``); none of them decides. So the API, the pages,
the live room and any future client cannot disagree: there is one check.

**The groups of people** (each defined once, here, from
``governance.authority``):

- *unit manager*: an officer of the unit or of a unit above it, or an
  administrator (``authority.may_manage_unit``). Manages the roll, offices,
  bodies, documents, lockouts and sets ballots up.
- *meeting runner*: a unit manager, or a current member of one of the unit's
  own bodies (``authority.may_run_meetings``). Schedules and runs meetings,
  rules on motions, enters paper ballots, hides posts, keeps minutes.
- *ballot runner*: the ballot's returning officer or a manager of its unit
  (``authority.may_run_ballot``). Edits a ballot and runs its lifecycle.
- *returning officer*: named on this ballot (``authority.is_returning_officer``).
  Declares, orders a recount, names scrutineers.
- *returning officer or national administrator*: stops or re-opens a poll
  under way, or moves its closing time.

A member acting for themselves (voting on a roll they are on, proposing or
seconding a motion, posting, appointing a proxy) acts on no one's authority
and passes no gate: their own rules (on the roll, checked in, a member) stay
in those services.

**MFA scope.** Each act names the object whose policy decides whether MFA
is required: the unit (``UnitAccessPolicy.officers_require_mfa``) or the
ballot (which adds ``returning_officers_require_mfa``); see
``authority.must_use_mfa``.

**How the gate knows whether this request passed MFA.** Services do not
receive the request, and should not: a service is called by pages, the API,
tasks and commands alike. Threading an ``mfa_verified`` flag through every
service and every caller would touch hundreds of signatures, and one
forgotten default of ``True`` reopens the hole. Instead
``RequestMFAMiddleware`` binds the current request to a
``contextvars.ContextVar`` for its duration, and ``current_mfa_verified()``
asks ``accounts.authentication.request_mfa_verified`` (the one rule) about
it when a gate needs it, lazily: DRF authenticates inside the view, and its
``Request`` writes the user and the token (``auth``) back onto the Django
request, so a token issued with a code counts as verified and a session
counts only if allauth recorded an MFA step in it. A context variable
follows the request into ``sync_to_async`` and ASGI tasks and does not
leak between threads or concurrent requests, unlike a thread-local or a
module global. Outside a request (a Celery task, a management command)
nothing is bound: acts with ``actor=None`` are the system's and pass the gate
(no person acts, so nobody's authority or MFA is in question); a person
named as actor outside a request is not MFA-verified, so the gate fails
closed for them where MFA is required.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from django.http import HttpRequest

from accounts.authentication import request_mfa_verified
from core.errors import MFARefusal, NotPermitted
from governance import authority
from governance.error_codes import AuthorityErrorCode as Code
from governance.models import Unit

MFA_MESSAGES: dict[str, str] = {
    Code.MFA_REQUIRED: "Two-factor authentication is required for this; set it up at /accounts/2fa/.",
    Code.MFA_NOT_VERIFIED: "Two-factor authentication is required for this, and this session or token did not pass "
    "it (it may be from before you set it up): sign in again with your authenticator code, or obtain a new token "
    "sending your code.",
}


@dataclass(frozen=True)
class Group:
    """One group of people who may act, and how the gate refuses others."""

    name: str
    test: Callable[[Any, Unit, Any], bool]  # (user, unit, ballot or None)
    code: Code
    who: str  # "Only {who} {unit} can …"


UNIT_MANAGER = Group(
    "unit manager",
    lambda user, unit, ballot: authority.may_manage_unit(user, unit),
    Code.NOT_UNIT_OFFICER,
    "officers of",
)
MEETING_RUNNER = Group(
    "meeting runner",
    lambda user, unit, ballot: authority.may_run_meetings(user, unit),
    Code.NOT_AN_OFFICER,
    "an officer of",
)
BALLOT_RUNNER = Group(
    "ballot runner",
    lambda user, unit, ballot: authority.may_run_ballot(user, ballot),
    Code.NOT_BALLOT_MANAGER,
    "the returning officer or officers of",
)
RETURNING_OFFICER = Group(
    "returning officer",
    lambda user, unit, ballot: authority.is_returning_officer(user, ballot),
    Code.NOT_RETURNING_OFFICER,
    "the returning officer of this ballot of",
)
RETURNING_OFFICER_OR_NATIONAL_ADMIN = Group(
    "returning officer or national administrator",
    lambda user, unit, ballot: authority.is_returning_officer(user, ballot)
    or authority.is_national_administrator(user),
    Code.NOT_RETURNING_OFFICER,
    "the returning officer (or a national administrator) for",
)
# Acts on a *person* rather than on a unit or ballot: the person themselves,
# or a national administrator (``_scope`` gives no unit; MFA is then asked of
# an administrator as everywhere, ``authority.must_use_mfa`` with no unit).
PERSON_OR_ADMINISTRATOR = Group(
    "the person or an administrator",
    lambda user, person, ballot: user.pk == person.pk or authority.is_national_administrator(user),
    Code.NOT_THE_PERSON,
    "the person themselves or an administrator",
)


class Act(StrEnum):
    """Everything done on someone's authority. ``RULES`` maps each to who
    may do it and which object's policy decides MFA."""

    MANAGE_UNIT = "manage_unit"  # roll, offices, bodies, documents, handover
    LIFT_LOCKOUT = "lift_lockout"
    READ_EMAIL_LOG = "read_email_log"  # the e-mails sent to the unit's members
    SET_UP_BALLOT = "set_up_ballot"  # create a ballot in a unit
    NAME_RETURNING_OFFICER = "name_returning_officer"
    RUN_BALLOT = "run_ballot"  # edit, schedule, open nominations, cancel before polling
    STOP_BALLOT = "stop_ballot"  # cancel or re-open a poll under way, move its closing time
    DECLARE = "declare"
    RECOUNT = "recount"
    NAME_SCRUTINEERS = "name_scrutineers"
    RUN_MEETINGS = "run_meetings"  # schedule, open, close, agenda, attendance, votes, room, speakers
    ENTER_PAPERS = "enter_papers"
    HIDE_POST = "hide_post"
    RULE_ON_MOTION = "rule_on_motion"  # in order, outcome, composite, amendments out of order
    KEEP_MINUTES = "keep_minutes"
    ERASE_PERSON = "erase_person"  # erase a person's data (portal.personal_data)


MFAScope = Literal["unit", "ballot", "person"]


@dataclass(frozen=True)
class Rule:
    group: Group
    mfa_scope: MFAScope
    doing: str
    code: Code | None = None  # the refusal's code, where clients know the act by its own (else the group's)


RULES: dict[Act, Rule] = {
    Act.MANAGE_UNIT: Rule(UNIT_MANAGER, "unit", "do this"),
    Act.LIFT_LOCKOUT: Rule(UNIT_MANAGER, "unit", "unlock this member's account"),
    Act.READ_EMAIL_LOG: Rule(UNIT_MANAGER, "unit", "read the log of e-mails sent to its members"),
    Act.SET_UP_BALLOT: Rule(UNIT_MANAGER, "unit", "set up its ballots", Code.NOT_BALLOT_MANAGER),
    Act.NAME_RETURNING_OFFICER: Rule(UNIT_MANAGER, "ballot", "name another returning officer", Code.NOT_BALLOT_MANAGER),
    Act.RUN_BALLOT: Rule(BALLOT_RUNNER, "ballot", "manage this ballot"),
    Act.STOP_BALLOT: Rule(RETURNING_OFFICER_OR_NATIONAL_ADMIN, "ballot", "stop, re-open or re-time a poll"),
    Act.DECLARE: Rule(RETURNING_OFFICER, "ballot", "declare the result"),
    Act.RECOUNT: Rule(RETURNING_OFFICER, "ballot", "order a recount"),
    Act.NAME_SCRUTINEERS: Rule(RETURNING_OFFICER, "ballot", "name scrutineers"),
    Act.RUN_MEETINGS: Rule(MEETING_RUNNER, "unit", "run its meetings"),
    Act.ENTER_PAPERS: Rule(MEETING_RUNNER, "unit", "enter paper ballots"),
    Act.HIDE_POST: Rule(MEETING_RUNNER, "unit", "hide posts"),
    Act.RULE_ON_MOTION: Rule(MEETING_RUNNER, "unit", "rule on motions"),
    Act.KEEP_MINUTES: Rule(MEETING_RUNNER, "unit", "keep minutes"),
    Act.ERASE_PERSON: Rule(PERSON_OR_ADMINISTRATOR, "person", "erase this person's data"),
}

_current_request: ContextVar[HttpRequest | None] = ContextVar("governance_gate_request", default=None)


@contextmanager
def request_bound(request: HttpRequest) -> Iterator[None]:
    """Bind ``request`` as the one whose MFA the gate asks about."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_mfa_verified() -> bool:
    """Did the request being served pass two-factor authentication? False
    outside a request (see the module's docstring)."""
    request = _current_request.get()
    return request is not None and request_mfa_verified(request)


def _scope(obj: Any) -> tuple[Unit, Any]:
    """(unit, ballot or None) of what is acted on: a unit, a ballot, or
    anything with a ``unit`` (a meeting, a motion, a body, an office)."""
    if isinstance(obj, Unit):
        return obj, None
    if hasattr(obj, "returning_officer_id"):
        return obj.unit, obj
    return obj.unit, None


def refusal(user: Any, act: Act, obj: Any, *, doing: str | None = None) -> NotPermitted | None:
    """What ``require`` would raise, or ``None`` if ``user`` may do ``act``
    on ``obj`` with this request's credentials."""
    if user is None:
        return None  # the system (a task, a command): no person's authority is in question
    rule = RULES[act]
    if rule.mfa_scope == "person":
        # ``obj`` is the person acted on; the group's test gets them in the unit's place.
        if not rule.group.test(user, obj, None):
            return NotPermitted(rule.code or rule.group.code, f"Only {rule.group.who} can {doing or rule.doing}.")
        # Acting on oneself needs no authority, so no MFA beyond what the caller asks
        # (a password re-confirmation); an administrator is asked MFA as everywhere.
        scope: dict[str, Any] = {"unit": None}
        if user.pk == obj.pk:
            return None
    else:
        unit, ballot = _scope(obj)
        if not rule.group.test(user, unit, ballot):
            return NotPermitted(
                rule.code or rule.group.code, f"Only {rule.group.who} {unit.name} can {doing or rule.doing}."
            )
        scope = {"ballot": ballot} if rule.mfa_scope == "ballot" and ballot is not None else {"unit": unit}
    shortfall = authority.mfa_shortfall(user, mfa_verified=current_mfa_verified(), **scope)
    if shortfall is not None:
        code = Code(shortfall)
        return MFARefusal(code, MFA_MESSAGES[code])
    return None


def require(user: Any, act: Act, obj: Any, *, doing: str | None = None) -> None:
    """Raise ``NotPermitted`` unless ``user`` may do ``act`` on ``obj`` now.

    ``user=None`` is the system and always passes: callers must pass the
    person whenever a person asked (a view passes ``request.user``, which is
    never ``None``). ``doing`` words the refusal ("open meetings")."""
    refused = refusal(user, act, obj, doing=doing)
    if refused is not None:
        raise refused


def is_mfa_refusal(error: Exception) -> bool:
    """A refusal a page can mend by sending the person to set up or pass MFA."""
    return isinstance(error, MFARefusal)

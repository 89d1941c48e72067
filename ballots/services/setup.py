"""Setting a ballot up: the officers' side, from draft to scheduled.

Officers of the ballot's unit create a ballot; its returning officer (and the
unit's officers) add questions and candidates, then open nominations or
schedule it. Every change locks the ballot row (``ballot_for_update``),
checks that the ballot is still being set up, and writes an audit entry.
Questions and candidates are fixed once the ballot is scheduled: the papers
are settled then. Nothing here reads papers or participations.

The ``ballot_setup_*`` functions are the lifecycle steps as officers take
them: permission and readiness checks around the lifecycle and nominations
services, in the same transaction, so a ballot that fails the check is left
as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ballots.counting.equality import MinimumsGuard
from ballots.counting.types import CountingError, MinimumGroup
from ballots.error_codes import BallotErrorCode as Code
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, Option, Question
from ballots.services import lifecycle, nominations
from ballots.services.verifiable_setup import verifiable_ready_problems
from core.audit import audit_record
from core.errors import Conflict, DomainError
from core.text import plain_name
from governance import authority
from governance.gate import Act, require
from governance.models import Membership, Unit
from governance.selectors import eligible_memberships

S = Ballot.State
M = Question.Method

EDITABLE_STATES = frozenset({S.DRAFT, S.NOMINATIONS})
"""Questions, candidates and the ballot's details change only in these states."""
WITHDRAWABLE_STATES = frozenset({S.DRAFT, S.NOMINATIONS, S.SCHEDULED})
"""A candidate may withdraw until voting opens."""
MINIMUM_METHODS = frozenset({M.SCOTTISH_STV, M.MEEK_STV})
"""The counting methods that apply equality minimums (ERS97 has no such rule)."""
RON_LABEL = "Re-open nominations (RON)"
MAX_GROUP_LENGTH = 60
LABEL_MAX_LENGTH = 200  # Option.label

BALLOT_FIELDS = (
    "title",
    "description",
    "returning_officer",
    "opens_at",
    "closes_at",
    "nominations_open_at",
    "nominations_close_at",
    "include_subunits",
    "membership_kinds",
    "party_member_required",
    "joined_on_or_before",
    "publish_papers",
    "min_electorate_for_papers",
    "declare_automatically",
    "reminder_before",
)
QUESTION_FIELDS = (
    "title",
    "text",
    "method",
    "seats",
    "threshold",
    "quorum",
    "minimums",
    "seconders_for_nomination",
    "include_ron",
    "office",
    "body",
)


# --- Checks shared by the services ---


def _require_manager(actor: Any, ballot: Ballot) -> None:
    require(actor, Act.RUN_BALLOT, ballot, doing="change this ballot")


def _require_editable(ballot: Ballot) -> None:
    if ballot.state not in EDITABLE_STATES:
        raise Conflict(
            Code.NOT_EDITABLE,
            f"This ballot is {ballot.get_state_display().lower()}: its questions and details can no longer change.",
        )


def _locked(ballot_id: int, actor: Any) -> Ballot:
    """Lock the ballot and check the actor may manage it. Call inside a transaction."""
    ballot = ballot_for_update(ballot_id=ballot_id)
    _require_manager(actor, ballot)
    return ballot


def _check_returning_officer(unit: Unit, person: Any) -> None:
    if person is None or not getattr(person, "is_active", False) or not authority.is_member(person, unit):
        raise DomainError(
            Code.INVALID_RETURNING_OFFICER, f"The returning officer must be an active member of {unit.name}."
        )


def _check_times(values: Mapping[str, Any], *, changed: Iterable[str], now: dt.datetime) -> None:
    """Voting opens before it closes; times set now lie in the future; the
    nominations window, if any, ends no later than voting opens."""
    opens_at, closes_at = values["opens_at"], values["closes_at"]
    nom_open, nom_close = values.get("nominations_open_at"), values.get("nominations_close_at")
    if opens_at is None or closes_at is None:
        raise DomainError(Code.INVALID_SCHEDULE, "Give the times voting opens and closes.")
    if closes_at <= opens_at:
        raise DomainError(Code.INVALID_SCHEDULE, "Voting must close after it opens.")
    labels = {
        "opens_at": "Voting",
        "closes_at": "The close of voting",
        "nominations_open_at": "Nominations",
        "nominations_close_at": "The close of nominations",
    }
    for field in changed:
        if field in labels and values.get(field) is not None and values[field] <= now:
            raise DomainError(Code.INVALID_SCHEDULE, f"{labels[field]} must be set in the future.")
    if nom_open is not None and nom_open >= opens_at:
        raise DomainError(Code.INVALID_SCHEDULE, "Nominations must open before voting opens.")
    if nom_close is not None and nom_close > opens_at:
        raise DomainError(Code.INVALID_SCHEDULE, "Nominations must close before voting opens.")
    if nom_open is not None and nom_close is not None and nom_close <= nom_open:
        raise DomainError(Code.INVALID_SCHEDULE, "Nominations must close after they open.")


def _check_eligibility(values: Mapping[str, Any]) -> None:
    kinds = list(values.get("membership_kinds") or [])
    unknown = sorted(set(kinds) - set(Membership.Kind.values))
    if unknown:
        raise DomainError(Code.INVALID_ELIGIBILITY, f"Unknown membership kind: {', '.join(unknown)}.")
    if int(values.get("min_electorate_for_papers") or 0) < 0:
        raise DomainError(Code.INVALID_ELIGIBILITY, "The smallest electorate for publishing papers cannot be negative.")
    reminder = values.get("reminder_before")
    if reminder is not None and reminder < dt.timedelta(0):
        raise DomainError(Code.INVALID_SCHEDULE, "The reminder cannot be sent after voting closes.")


# --- Ballots ---


def ballot_create(
    *,
    unit: Unit,
    actor: Any,
    title: str,
    returning_officer: Any,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    description: str = "",
    nominations_open_at: dt.datetime | None = None,
    nominations_close_at: dt.datetime | None = None,
    include_subunits: bool = False,
    membership_kinds: Sequence[str] = (),
    party_member_required: bool = False,
    joined_on_or_before: dt.date | None = None,
    publish_papers: bool = True,
    min_electorate_for_papers: int = 20,
    declare_automatically: bool = False,
    reminder_before: dt.timedelta = dt.timedelta(hours=24),
    now: dt.datetime | None = None,
) -> Ballot:
    """A draft ballot of ``unit``, set up by one of its officers."""
    require(actor, Act.SET_UP_BALLOT, unit)
    values: dict[str, Any] = {
        "title": plain_name(title, what="The ballot's title", code=Code.INVALID_SCHEDULE),
        "description": description.strip(),
        "returning_officer": returning_officer,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "nominations_open_at": nominations_open_at,
        "nominations_close_at": nominations_close_at,
        "include_subunits": include_subunits,
        "membership_kinds": list(dict.fromkeys(membership_kinds)),
        "party_member_required": party_member_required,
        "joined_on_or_before": joined_on_or_before,
        "publish_papers": publish_papers,
        "min_electorate_for_papers": min_electorate_for_papers,
        "declare_automatically": declare_automatically,
        "reminder_before": reminder_before,
    }
    if not values["title"]:
        raise DomainError(Code.INVALID_SCHEDULE, "Give the ballot a title.")
    _check_returning_officer(unit, returning_officer)
    _check_times(values, changed=values.keys(), now=now or timezone.now())
    _check_eligibility(values)
    with transaction.atomic():
        ballot = Ballot.objects.create(unit=unit, state=S.DRAFT, **values)
        audit_record(
            actor=actor,
            action="ballot_created",
            obj=ballot,
            unit=unit,
            detail={"returning_officer": returning_officer.pk},
        )
    return ballot


def ballot_update(*, ballot_id: int, actor: Any, data: Mapping[str, Any], now: dt.datetime | None = None) -> Ballot:
    """Change a ballot's details while it is a draft or taking nominations.

    ``data`` holds any of ``BALLOT_FIELDS``; other keys are ignored. Only
    times that change must lie in the future, so correcting a title does
    not need the schedule moved."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        _require_editable(ballot)
        changed = [f for f in BALLOT_FIELDS if f in data and data[f] != getattr(ballot, f)]
        if not changed:
            return ballot
        values = {f: data.get(f, getattr(ballot, f)) if f in changed else getattr(ballot, f) for f in BALLOT_FIELDS}
        for text_field in ("title", "description"):
            values[text_field] = str(values[text_field] or "").strip()
        plain_name(values["title"], what="The ballot's title", code=Code.INVALID_SCHEDULE)
        if not values["title"]:
            raise DomainError(Code.INVALID_SCHEDULE, "Give the ballot a title.")
        if "returning_officer" in changed:
            require(actor, Act.NAME_RETURNING_OFFICER, ballot)
            _check_returning_officer(ballot.unit, values["returning_officer"])
        _check_times(values, changed=changed, now=now or timezone.now())
        _check_eligibility(values)
        for field in changed:
            setattr(ballot, field, values[field])
        ballot.save(update_fields=changed)
        audit_record(actor=actor, action="ballot_updated", obj=ballot, unit=ballot.unit, detail={"fields": changed})
    return ballot


# --- Questions ---


def _clean_minimums(raw: Any, *, method: str, seats: int) -> list[dict[str, Any]]:
    """``[{"group": "women", "seats": 2}]``: named once each, at least one seat,
    no more than the seats, and only for an STV method that applies them."""
    if not raw:
        return []
    if method not in MINIMUM_METHODS:
        raise DomainError(Code.INVALID_MINIMUMS, "Equality minimums apply only to STV counts (Scottish rules or Meek).")
    if not isinstance(raw, list):
        raise DomainError(Code.INVALID_MINIMUMS, 'Give minimums as a list of {"group", "seats"}.')
    cleaned: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"group", "seats"}:
            raise DomainError(Code.INVALID_MINIMUMS, 'Each minimum names a "group" and its "seats".')
        group, n = item["group"], item["seats"]
        if not isinstance(group, str) or not group.strip() or len(group.strip()) > MAX_GROUP_LENGTH:
            raise DomainError(Code.INVALID_MINIMUMS, f"A group is named in 1 to {MAX_GROUP_LENGTH} characters.")
        plain_name(group, what="A group's name", code=Code.INVALID_MINIMUMS)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= seats:
            raise DomainError(
                Code.INVALID_MINIMUMS, f"The minimum for {group.strip()} must be between 1 and the {seats} seats."
            )
        if any(c["group"] == group.strip() for c in cleaned):
            raise DomainError(Code.INVALID_MINIMUMS, f"The group {group.strip()} is named twice.")
        cleaned.append({"group": group.strip(), "seats": n})
    return cleaned


def _clean_question(ballot: Ballot, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Validate a question's fields for its kind; returns the values to store."""
    values["title"] = plain_name(
        str(values.get("title") or ""), what="The question's title", code=Code.INVALID_QUESTION
    )
    values["text"] = str(values.get("text") or "").strip()
    if not values["title"]:
        raise DomainError(Code.INVALID_QUESTION, "Give the question a title.")
    quorum = values.get("quorum")
    if quorum is not None and (isinstance(quorum, bool) or not isinstance(quorum, int) or quorum < 1):
        raise DomainError(Code.INVALID_QUESTION, "A quorum is a number of papers, at least 1 (or none).")
    if values.get("threshold") not in Question.Threshold.values:
        raise DomainError(Code.INVALID_QUESTION, "Choose the majority the motion needs.")
    seconders = values.get("seconders_for_nomination") or 0
    if isinstance(seconders, bool) or not isinstance(seconders, int) or seconders < 0:
        raise DomainError(Code.INVALID_QUESTION, "Seconders needed is a number, 0 or more.")
    values["seconders_for_nomination"] = seconders
    if kind == Question.Kind.MOTION:
        if values.get("office") or values.get("body") or values.get("minimums") or values.get("include_ron"):
            raise DomainError(Code.INVALID_QUESTION, "A motion fills no office and has no minimums, RON or candidates.")
        values.update(method=M.MOTION, seats=1, minimums=[], include_ron=False, seconders_for_nomination=0)
        return values
    if kind != Question.Kind.ELECTION:
        raise DomainError(Code.INVALID_QUESTION, "A question is a motion or an election.")
    method, seats = values.get("method"), values.get("seats")
    if method not in M.values or method == M.MOTION:
        raise DomainError(Code.INVALID_QUESTION, "Choose how the election is counted.")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise DomainError(Code.INVALID_QUESTION, "An election fills at least one seat.")
    if method == M.IRV and seats != 1:
        raise DomainError(Code.INVALID_QUESTION, "The alternative vote fills one seat; use STV for more.")
    office, body = values.get("office"), values.get("body")
    if office is not None and body is not None:
        raise DomainError(Code.INVALID_QUESTION, "An election fills an office or a body, not both.")
    for seat in (office, body):
        if seat is not None and seat.unit_id != ballot.unit_id:
            raise DomainError(Code.INVALID_QUESTION, f"{seat} is not part of {ballot.unit.name}.")
    values["minimums"] = _clean_minimums(values.get("minimums"), method=method, seats=seats)
    values["include_ron"] = bool(values.get("include_ron"))
    return values


def _question_defaults() -> dict[str, Any]:
    return {
        "text": "",
        "method": M.MOTION,
        "seats": 1,
        "threshold": Question.Threshold.SIMPLE,
        "quorum": None,
        "minimums": [],
        "seconders_for_nomination": 0,
        "include_ron": False,
        "office": None,
        "body": None,
    }


def question_add(*, ballot_id: int, actor: Any, kind: str, title: str, **fields: Any) -> Question:
    """Add a motion (with For / Against / Abstain) or an election to a ballot
    still being set up. ``fields`` holds any of ``QUESTION_FIELDS``."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"question_add() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        _require_editable(ballot)
        values = _clean_question(ballot, kind, {**_question_defaults(), **fields, "title": title})
        position = (ballot.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        question = Question.objects.create(ballot=ballot, kind=kind, position=position, **values)
        if kind == Question.Kind.MOTION:
            Option.objects.bulk_create(Option.for_motion(question))
        audit_record(actor=actor, action="question_added", obj=question, unit=ballot.unit, detail={"ballot": ballot.pk})
    return question


def question_update(*, question_id: int, ballot_id: int, actor: Any, data: Mapping[str, Any]) -> Question:
    """Change a question before the ballot is scheduled (its kind stays:
    remove it and add another instead)."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        _require_editable(ballot)
        question = _question_of(ballot, question_id)
        current = {f: getattr(question, f) for f in QUESTION_FIELDS}
        values = _clean_question(
            ballot, question.kind, {**current, **{k: data[k] for k in QUESTION_FIELDS if k in data}}
        )
        changed = [f for f in QUESTION_FIELDS if values[f] != current[f]]
        for field in changed:
            setattr(question, field, values[field])
        if changed:
            question.save(update_fields=changed)
            audit_record(
                actor=actor,
                action="question_updated",
                obj=question,
                unit=ballot.unit,
                detail={"ballot": ballot.pk, "fields": changed},
            )
    return question


def question_remove(*, question_id: int, ballot_id: int, actor: Any) -> None:
    """Remove a question (its options and nominations with it) before the
    ballot is scheduled."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        _require_editable(ballot)
        question = _question_of(ballot, question_id)
        audit_record(
            actor=actor,
            action="question_removed",
            obj=question,
            unit=ballot.unit,
            detail={"ballot": ballot.pk, "title": question.title},
        )
        question.delete()


def _question_of(ballot: Ballot, question_id: int) -> Question:
    question = ballot.questions.filter(pk=question_id).first()
    if question is None:
        raise DomainError(Code.UNKNOWN_QUESTION, "There is no such question in this ballot.", status=404)
    return question


# --- Options: candidates and RON ---


def _renumber(question: Question) -> None:
    """Candidates in the order they were added, RON always last."""
    options = sorted(question.options.all(), key=lambda o: (o.is_ron, o.position, o.pk))
    for i, o in enumerate(options, 1):
        if o.position != i:
            o.position = i
            o.save(update_fields=["position"])


def _clean_groups(groups: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(g.strip() for g in groups if g and g.strip()))
    for group in cleaned:
        plain_name(group, what="A group's name", code=Code.INVALID_OPTION)
    if any(len(g) > MAX_GROUP_LENGTH for g in cleaned):
        raise DomainError(Code.INVALID_OPTION, f"A group is named in at most {MAX_GROUP_LENGTH} characters.")
    return cleaned


def option_add(
    *,
    question_id: int,
    ballot_id: int,
    actor: Any,
    label: str = "",
    candidate: Any = None,
    statement: str = "",
    groups: Sequence[str] = (),
    is_ron: bool = False,
) -> Option:
    """Put a candidate on an election's paper: a member of the unit (named as
    in their account unless ``label`` says otherwise), a free label (someone
    outside the platform), or RON (“re-open nominations”)."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        _require_editable(ballot)
        question = _question_of(ballot, question_id)
        if question.kind != Question.Kind.ELECTION:
            raise DomainError(Code.INVALID_OPTION, "A motion's choices are fixed: For, Against, Abstain.")
        label = label.strip()
        if is_ron:
            if candidate is not None:
                raise DomainError(Code.INVALID_OPTION, "RON is not a person.")
            if question.options.filter(is_ron=True).exists():
                raise Conflict(Code.OPTION_EXISTS, "This election already offers RON.")
            label = label or RON_LABEL
        elif candidate is not None:
            member = eligible_memberships(unit=ballot.unit, include_subunits=ballot.include_subunits)
            if not member.filter(person_id=candidate.pk).exists():
                raise DomainError(Code.INVALID_OPTION, f"{candidate} is not an active member of {ballot.unit.name}.")
            if question.options.filter(candidate=candidate).exists():
                raise Conflict(Code.OPTION_EXISTS, f"{candidate} is already a candidate in {question.title}.")
            label = label or candidate.full_name or candidate.email
        if not label or len(label) > LABEL_MAX_LENGTH:
            raise DomainError(Code.INVALID_OPTION, "Give the candidate's name as it appears on the paper.")
        label = plain_name(label, what="The candidate's name on the paper", code=Code.INVALID_OPTION)
        try:
            with transaction.atomic():
                option = Option.objects.create(
                    question=question,
                    position=(question.options.aggregate(m=Max("position"))["m"] or 0) + 1,
                    label=label,
                    candidate=candidate,
                    statement=statement.strip(),
                    groups=_clean_groups(groups),
                    is_ron=is_ron,
                )
        except IntegrityError:
            raise Conflict(Code.OPTION_EXISTS, f"{label} is already on the paper for {question.title}.") from None
        _renumber(question)
        option.refresh_from_db(fields=["position"])
        audit_record(
            actor=actor,
            action="option_added",
            obj=option,
            unit=ballot.unit,
            detail={"ballot": ballot.pk, "question": question.pk, "candidate": candidate.pk if candidate else None},
        )
    return option


def option_withdraw(*, option_id: int, ballot_id: int, actor: Any, now: dt.datetime | None = None) -> Option:
    """A candidate withdraws before voting opens. The option stays (papers
    and counts keep their numbering) but is left off the voting page and
    counted as withdrawn. Once scheduled, a withdrawal may not leave an
    election without a contest: cancel the ballot instead."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        if ballot.state not in WITHDRAWABLE_STATES:
            raise Conflict(Code.NOT_EDITABLE, "Candidates can withdraw only until voting opens.")
        option = Option.objects.filter(pk=option_id, question__ballot=ballot).select_related("question").first()
        if option is None:
            raise DomainError(Code.INVALID_OPTION, "There is no such candidate in this ballot.", status=404)
        if option.question.kind != Question.Kind.ELECTION:
            raise DomainError(Code.INVALID_OPTION, "A motion's choices cannot be withdrawn.")
        if option.withdrawn:
            raise Conflict(Code.INVALID_OPTION, f"{option.label} has already withdrawn.")
        option.withdrawn = True
        option.save(update_fields=["withdrawn"])
        if ballot.state == S.SCHEDULED and (problems := ballot_ready_problems(ballot=ballot, now=now)):
            raise Conflict(Code.NOT_READY, " ".join(problems) + " Cancel the ballot instead.")
        audit_record(
            actor=actor,
            action="option_withdrawn",
            obj=option,
            unit=ballot.unit,
            detail={"ballot": ballot.pk, "question": option.question_id},
        )
    return option


# --- Ready to schedule ---


def _election_problems(question: Question, options: Sequence[Option]) -> list[str]:
    standing = [o for o in options if not o.withdrawn and not o.is_ron]
    has_ron = question.include_ron or any(o.is_ron and not o.withdrawn for o in options)
    in_contest = len(standing) + (1 if has_ron else 0)
    problems: list[str] = []
    if in_contest <= question.seats:
        need = question.seats + (0 if has_ron else 1)
        problems.append(
            f"“{question.title}” has {len(standing)} candidate{'s' if len(standing) != 1 else ''} standing for "
            f"{question.seats} seat{'s' if question.seats != 1 else ''}: it needs at least {need}"
            f"{'' if has_ron else ' (or RON)'}."
        )
    if question.minimums:
        index = {o.pk: i for i, o in enumerate(standing)}
        groups: list[MinimumGroup] = []
        for m in question.minimums:
            members = frozenset(index[o.pk] for o in standing if m["group"] in o.groups)
            if len(members) < m["seats"]:
                problems.append(
                    f"“{question.title}” needs {m['seats']} seat{'s' if m['seats'] != 1 else ''} for "
                    f"{m['group']} but only {len(members)} such candidate{'s' if len(members) != 1 else ''} stand."
                )
            groups.append(MinimumGroup(m["group"], members, int(m["seats"])))
        if not any("but only" in p for p in problems):
            try:
                MinimumsGuard(groups, set(index.values()), question.seats)
            except CountingError:
                problems.append(f"“{question.title}”: the equality minimums cannot all be met within the seats.")
    return problems


def ballot_ready_problems(*, ballot: Ballot, now: dt.datetime | None = None) -> list[str]:
    """Why the ballot cannot be scheduled yet, in words; empty when it can.

    At least one question; every election has more candidates in the
    contest than seats (RON counts as one); equality minimums can be met by
    the candidates standing; and voting has not already closed."""
    now = now or timezone.now()
    problems: list[str] = []
    questions = list(ballot.questions.prefetch_related("options"))
    if not questions:
        problems.append("Add at least one question.")
    for question in questions:
        if question.kind == Question.Kind.ELECTION:
            problems += _election_problems(question, list(question.options.all()))
    if ballot.closes_at <= now:
        problems.append("Voting would already have closed: move the closing time into the future.")
    return problems + verifiable_ready_problems(ballot=ballot)


def ballot_ready_check(*, ballot: Ballot, now: dt.datetime | None = None) -> None:
    """Raise ``ballot_not_ready`` with every reason the ballot cannot be scheduled."""
    problems = ballot_ready_problems(ballot=ballot, now=now)
    if problems:
        raise Conflict(Code.NOT_READY, " ".join(problems))


def _materialise_ron(ballot: Ballot) -> None:
    """Add RON to elections that ask for it and lack it (nominations close
    does this too, when the ballot goes through nominations)."""
    for question in ballot.questions.filter(kind=Question.Kind.ELECTION, include_ron=True):
        if not question.options.filter(is_ron=True).exists():
            Option.objects.create(
                question=question,
                label=RON_LABEL,
                is_ron=True,
                position=(question.options.aggregate(m=Max("position"))["m"] or 0) + 1,
            )


# --- Lifecycle steps as officers take them ---


def ballot_setup_schedule(*, ballot_id: int, actor: Any, now: dt.datetime | None = None) -> Ballot:
    """Draft → scheduled, once the ready check passes; the papers are settled."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        if ballot.state == S.NOMINATIONS:
            raise Conflict(Code.INVALID_TRANSITION, "Close nominations to schedule this ballot.")
        if ballot.state == S.DRAFT:
            _materialise_ron(ballot)
            ballot_ready_check(ballot=ballot, now=now)
        return lifecycle.ballot_schedule(ballot_id=ballot.pk, actor=actor)


def ballot_setup_nominations_open(*, ballot_id: int, actor: Any) -> Ballot:
    """Draft → nominations, for a ballot with at least one election."""
    with transaction.atomic():
        ballot = _locked(ballot_id, actor)
        if ballot.state == S.DRAFT and not ballot.questions.filter(kind=Question.Kind.ELECTION).exists():
            raise Conflict(Code.NOT_READY, "Add an election before opening nominations.")
        return nominations.ballot_nominations_open(ballot_id=ballot.pk, actor=actor)


def ballot_setup_nominations_close(*, ballot_id: int, actor: Any, now: dt.datetime | None = None) -> Ballot:
    """Nominations → scheduled: settle the papers from the standing
    nominations, then run the ready check; if it fails nothing changes and
    nominations stay open (add candidates, or cancel)."""
    with transaction.atomic():
        _locked(ballot_id, actor)
        ballot = nominations.ballot_nominations_close(ballot_id=ballot_id, actor=actor)
        ballot_ready_check(ballot=ballot, now=now)
    return ballot


def ballot_setup_cancel(*, ballot_id: int, actor: Any, reason: str) -> Ballot:
    """Cancel a ballot that has not closed, giving the reason (it is audited)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(Code.REASON_REQUIRED, "Say why the ballot is cancelled.")
    with transaction.atomic():
        _locked(ballot_id, actor)
        return lifecycle.ballot_cancel(ballot_id=ballot_id, actor=actor, reason=reason[:1000])


def ballot_setup_reopen(*, ballot_id: int, actor: Any, reason: str) -> Ballot:
    """Re-open a ballot cancelled while it was open, with the papers cast
    before the cancel (``lifecycle.ballot_reopen``: the returning officer's
    or a national administrator's act, with a reason)."""
    with transaction.atomic():
        _locked(ballot_id, actor)
        return lifecycle.ballot_reopen(ballot_id=ballot_id, actor=actor, reason=reason)


# --- Reads for the manage page ---


def ballot_roll_estimate(*, ballot: Ballot) -> int:
    """How many people the eligibility rule admits today (the roll itself is
    frozen only when voting opens)."""
    return ballot.eligibility_rule().people().count()


def ballot_eligibility_description(*, ballot: Ballot) -> str:
    return ballot.eligibility_rule().describe()

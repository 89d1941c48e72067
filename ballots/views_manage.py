"""Officers' pages for setting a ballot up and running its lifecycle.

Officers of a unit create its ballots; the ballot's returning officer and
the unit's officers edit it, add questions and candidates, open and close
nominations, schedule and cancel it. Every change is a POST with a CSRF
token, made by a service in ``ballots/services/setup.py``; invalid input
re-renders the page with the form's errors (400), a refused change shows the
reason with the service's status. Where the unit demands two-factor
authentication of officers (or of returning officers), these pages do too.
Nothing here shows running totals or who voted how: the pages read no papers
and no participations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ballots import selectors
from ballots.forms_manage import BallotForm, CancelForm, ClosingTimeForm, OptionForm, QuestionForm, ReopenForm
from ballots.models import Ballot, Option, Question
from ballots.permissions import can_create_ballot, can_manage_ballot
from ballots.services import setup
from ballots.services.closing_time import CHANGEABLE, ballot_closing_time_change
from ballots.services.lifecycle import may_cancel_open
from core.errors import DomainError
from governance.access import deny, mfa_enforced
from governance.models import Unit

S = Ballot.State


def _unit_scope(request: HttpRequest, unit_slug: str, **kwargs: Any) -> dict[str, Any]:
    return {"unit": get_object_or_404(Unit, slug=unit_slug)}


def _ballot_scope(request: HttpRequest, ballot_id: int, **kwargs: Any) -> dict[str, Any]:
    ballot = Ballot.objects.select_related("unit").filter(pk=ballot_id).first()
    if ballot is None:
        raise Http404("There is no such ballot.")
    return {"unit": ballot.unit, "ballot": ballot}


def _manager_view(methods: list[str], scope: Callable[..., dict[str, Any]]) -> Any:
    """Only these methods (checked first, so a link never presses a button),
    signed in, and MFA where the unit demands it."""

    def decorator(view: Any) -> Any:
        return require_http_methods(methods)(login_required(mfa_enforced(scope)(view)))

    return decorator


def _managed_ballot(request: HttpRequest, ballot_id: int) -> Ballot:
    ballot = get_object_or_404(Ballot.objects.select_related("unit", "returning_officer"), pk=ballot_id)
    if not can_manage_ballot(user=request.user, ballot=ballot):
        raise deny(f"Only this ballot's returning officer and officers of {ballot.unit.name} can manage it.")
    return ballot


def _refused(form: BaseForm, exc: DomainError) -> int:
    form.add_error(None, exc.message)
    return exc.status


# --- New ballot ---


def _new_ballot_initial(request: HttpRequest) -> dict[str, Any]:
    start = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    return {
        "returning_officer_email": getattr(request.user, "email", ""),
        "opens_at": start,
        "closes_at": start + dt.timedelta(days=7),
        "publish_papers": True,
        "min_electorate_for_papers": 20,
        "reminder_hours": 24,
    }


@_manager_view(["GET", "POST"], _unit_scope)
def ballot_new(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = get_object_or_404(Unit, slug=unit_slug)
    if not can_create_ballot(user=request.user, unit=unit):
        raise deny(f"Only officers of {unit.name} can set up its ballots.")
    form = BallotForm(request.POST or None, prefix="ballot", initial=_new_ballot_initial(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ballot = setup.ballot_create(unit=unit, actor=request.user, **form.service_kwargs())
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, f"“{ballot.title}” is set up as a draft. Add its questions next.")
                return redirect("ballots:manage", ballot_id=ballot.pk)
    return render(request, "ballots/manage/new.html", {"unit": unit, "form": form}, status=status)


# --- The manage page ---


def _manage_page(request: HttpRequest, ballot: Ballot, *, status: int = 200, **forms: BaseForm) -> HttpResponse:
    ballot = Ballot.objects.select_related("unit", "returning_officer").get(pk=ballot.pk)
    editable = ballot.state in setup.EDITABLE_STATES
    questions: list[dict[str, Any]] = []
    for q in ballot.questions.select_related("office", "body").prefetch_related("options__candidate"):
        questions.append(
            {
                "question": q,
                "options": list(q.options.all()),
                "edit_form": forms.get(f"edit_{q.pk}")
                or QuestionForm(unit=ballot.unit, kind=q.kind, prefix=f"q{q.pk}", initial=QuestionForm.initial_for(q)),
                "option_form": forms.get(f"option_{q.pk}") or OptionForm(prefix=f"o{q.pk}", ballot=ballot),
            }
        )
    has_election = any(item["question"].kind == Question.Kind.ELECTION for item in questions)
    context = {
        "ballot": ballot,
        "unit": ballot.unit,
        "editable": editable,
        "withdrawable": ballot.state in setup.WITHDRAWABLE_STATES,
        "questions": questions,
        "edit_form": forms.get("edit_form") or BallotForm(prefix="ballot", initial=BallotForm.initial_for(ballot)),
        "question_form": forms.get("question_form") or QuestionForm(unit=ballot.unit, prefix="question"),
        "cancel_form": forms.get("cancel_form") or CancelForm(prefix="cancel"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "closing_form": forms.get("closing_form")
        or ClosingTimeForm(prefix="closing", initial={"closes_at": timezone.localtime(ballot.closes_at)}),
        "progress": selectors.ballot_progress(ballot=ballot)
        if ballot.state in {S.OPEN, S.CLOSED, S.COUNTED, S.DECLARED}
        else None,
        "now": timezone.now(),
        "problems": setup.ballot_ready_problems(ballot=ballot) if editable else [],
        "roll_estimate": setup.ballot_roll_estimate(ballot=ballot),
        "eligibility": setup.ballot_eligibility_description(ballot=ballot),
        "steps": {
            "nominations_open": ballot.state == S.DRAFT and has_election,
            "schedule": ballot.state == S.DRAFT,
            "nominations_close": ballot.state == S.NOMINATIONS,
            # An open ballot is cancelled (and a cancel reversed) only by its
            # returning officer or a national administrator.
            "cancel": ballot.state in {S.DRAFT, S.NOMINATIONS, S.SCHEDULED}
            or (ballot.state == S.OPEN and may_cancel_open(user=request.user, ballot=ballot)),
            "closing_time": ballot.state in CHANGEABLE
            and timezone.now() < ballot.closes_at
            and may_cancel_open(user=request.user, ballot=ballot),
            "reopen": ballot.state == S.CANCELLED
            and ballot.roll_frozen_at is not None
            and ballot.closed_at is None
            and may_cancel_open(user=request.user, ballot=ballot),
        },
    }
    return render(request, "ballots/manage/manage.html", context, status=status)


@_manager_view(["GET"], _ballot_scope)
def ballot_manage(request: HttpRequest, ballot_id: int) -> HttpResponse:
    return _manage_page(request, _managed_ballot(request, ballot_id))


def _done(request: HttpRequest, ballot: Ballot, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("ballots:manage", ballot_id=ballot.pk)


@_manager_view(["POST"], _ballot_scope)
def ballot_edit(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    form = BallotForm(request.POST, prefix="ballot")
    status = 400
    if form.is_valid():
        try:
            setup.ballot_update(ballot_id=ballot.pk, actor=request.user, data=form.service_kwargs())
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            return _done(request, ballot, "The ballot's details are saved.")
    return _manage_page(request, ballot, status=status, edit_form=form)


@_manager_view(["POST"], _ballot_scope)
def question_add(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    form = QuestionForm(request.POST, unit=ballot.unit, prefix="question")
    status = 400
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            question = setup.question_add(
                ballot_id=ballot.pk, actor=request.user, kind=kind, **form.service_kwargs(kind)
            )
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            return _done(request, ballot, f"“{question.title}” is added.")
    return _manage_page(request, ballot, status=status, question_form=form)


def _question(ballot: Ballot, question_id: int) -> Question:
    return get_object_or_404(Question, pk=question_id, ballot=ballot)


@_manager_view(["POST"], _ballot_scope)
def question_edit(request: HttpRequest, ballot_id: int, question_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    question = _question(ballot, question_id)
    form = QuestionForm(request.POST, unit=ballot.unit, kind=question.kind, prefix=f"q{question.pk}")
    status = 400
    if form.is_valid():
        try:
            setup.question_update(
                question_id=question.pk,
                ballot_id=ballot.pk,
                actor=request.user,
                data=form.service_kwargs(question.kind),
            )
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            return _done(request, ballot, f"“{question.title}” is saved.")
    return _manage_page(request, ballot, status=status, **{f"edit_{question.pk}": form})


def _step_refused(request: HttpRequest, ballot: Ballot, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return _manage_page(request, ballot, status=exc.status)


@_manager_view(["POST"], _ballot_scope)
def question_remove(request: HttpRequest, ballot_id: int, question_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    question = _question(ballot, question_id)
    try:
        setup.question_remove(question_id=question.pk, ballot_id=ballot.pk, actor=request.user)
    except DomainError as exc:
        return _step_refused(request, ballot, exc)
    return _done(request, ballot, f"“{question.title}” is removed.")


@_manager_view(["POST"], _ballot_scope)
def option_add(request: HttpRequest, ballot_id: int, question_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    question = _question(ballot, question_id)
    form = OptionForm(request.POST, prefix=f"o{question.pk}", ballot=ballot)
    status = 400
    if form.is_valid():
        try:
            option = setup.option_add(
                question_id=question.pk, ballot_id=ballot.pk, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            return _done(request, ballot, f"{option.label} is on the paper for “{question.title}”.")
    return _manage_page(request, ballot, status=status, **{f"option_{question.pk}": form})


@_manager_view(["POST"], _ballot_scope)
def option_withdraw(request: HttpRequest, ballot_id: int, option_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    option = get_object_or_404(Option, pk=option_id, question__ballot=ballot)
    try:
        setup.option_withdraw(option_id=option.pk, ballot_id=ballot.pk, actor=request.user)
    except DomainError as exc:
        return _step_refused(request, ballot, exc)
    return _done(request, ballot, f"{option.label} has withdrawn.")


STEPS: dict[str, tuple[Callable[..., Ballot], str]] = {
    "nominations-open": (setup.ballot_setup_nominations_open, "Nominations are open."),
    "nominations-close": (setup.ballot_setup_nominations_close, "Nominations are closed and the ballot is scheduled."),
    "schedule": (setup.ballot_setup_schedule, "The ballot is scheduled: it opens and closes on its own."),
}


@_manager_view(["POST"], _ballot_scope)
def ballot_step(request: HttpRequest, ballot_id: int, step: str) -> HttpResponse:
    """Open or close nominations, or schedule."""
    ballot = _managed_ballot(request, ballot_id)
    if step not in STEPS:
        raise Http404("There is no such step.")
    service, message = STEPS[step]
    try:
        service(ballot_id=ballot.pk, actor=request.user)
    except DomainError as exc:
        return _step_refused(request, ballot, exc)
    return _done(request, ballot, message)


def _form_step(
    request: HttpRequest,
    ballot_id: int,
    form_class: type[BaseForm],
    prefix: str,
    act: Callable[[Ballot, dict[str, Any]], Any],
    message: str,
) -> HttpResponse:
    """A lifecycle step that takes a small form (a reason, a time): valid and
    accepted, back to the manage page with ``message``; otherwise the page
    again with the form, its errors and the service's refusal."""
    ballot = _managed_ballot(request, ballot_id)
    form = form_class(request.POST, prefix=prefix)
    status = 400
    if form.is_valid():
        try:
            act(ballot, form.cleaned_data)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            return _done(request, ballot, message)
    return _manage_page(request, ballot, status=status, **{f"{prefix}_form": form})


@_manager_view(["POST"], _ballot_scope)
def ballot_cancel(request: HttpRequest, ballot_id: int) -> HttpResponse:
    def act(ballot: Ballot, data: dict[str, Any]) -> Any:
        return setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=request.user, reason=data["reason"])

    return _form_step(request, ballot_id, CancelForm, "cancel", act, "The ballot is cancelled.")


@_manager_view(["POST"], _ballot_scope)
def ballot_closing_time(request: HttpRequest, ballot_id: int) -> HttpResponse:
    def act(ballot: Ballot, data: dict[str, Any]) -> Any:
        return ballot_closing_time_change(
            ballot_id=ballot.pk, actor=request.user, closes_at=data["closes_at"], reason=data["reason"]
        )

    message = "The closing time is changed; members on the roll are told."
    return _form_step(request, ballot_id, ClosingTimeForm, "closing", act, message)


@_manager_view(["POST"], _ballot_scope)
def ballot_reopen(request: HttpRequest, ballot_id: int) -> HttpResponse:
    def act(ballot: Ballot, data: dict[str, Any]) -> Any:
        return setup.ballot_setup_reopen(ballot_id=ballot.pk, actor=request.user, reason=data["reason"])

    message = "The ballot is open again, with the papers cast before the cancel."
    return _form_step(request, ballot_id, ReopenForm, "reopen", act, message)

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

from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ballots import selectors
from ballots.access import access_ballot
from ballots.forms_manage import BallotForm, CancelForm, ClosingTimeForm, OptionForm, QuestionForm, ReopenForm
from ballots.models import Ballot, Option, Question
from ballots.services import setup
from ballots.services.closing_time import CHANGEABLE, ballot_closing_time_change
from ballots.services.lifecycle import may_cancel_open
from core.views_forms import done, run_action, run_form
from governance.access import access_unit
from governance.gate import Act

S = Ballot.State


def _managed_ballot(request: HttpRequest, ballot_id: int) -> Ballot:
    return access_ballot(request.user, ballot_id, Act.RUN_BALLOT)


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


@require_http_methods(["GET", "POST"])
@login_required
def ballot_new(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = access_unit(request.user, unit_slug, Act.SET_UP_BALLOT)
    form = BallotForm(
        request.POST if request.method == "POST" else None, prefix="ballot", initial=_new_ballot_initial(request)
    )

    def page(status: int) -> HttpResponse:
        return render(request, "ballots/manage/new.html", {"unit": unit, "form": form}, status=status)

    return run_form(
        form,
        lambda: setup.ballot_create(unit=unit, actor=request.user, **form.service_kwargs()),
        success=lambda ballot: done(
            request,
            f"“{ballot.title}” is set up as a draft. Add its questions next.",
            "ballots:manage",
            ballot_id=ballot.pk,
        ),
        page=page,
    )


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


@require_http_methods(["GET"])
@login_required
def ballot_manage(request: HttpRequest, ballot_id: int) -> HttpResponse:
    return _manage_page(request, _managed_ballot(request, ballot_id))


def _done(request: HttpRequest, ballot: Ballot, message: str) -> HttpResponse:
    return done(request, message, "ballots:manage", ballot_id=ballot.pk)


def _form_on_page(
    request: HttpRequest,
    ballot: Ballot,
    form: BaseForm,
    key: str,
    action: Callable[[], Any],
    message: str | Callable[[Any], str],
) -> HttpResponse:
    """A change made with a form on the manage page: done, back to the page
    with ``message``; refused or invalid, the page again with the form (under
    ``key``) showing why."""
    return run_form(
        form,
        action,
        success=lambda result: _done(request, ballot, message if isinstance(message, str) else message(result)),
        page=lambda status: _manage_page(request, ballot, status=status, **{key: form}),
    )


def _step(request: HttpRequest, ballot: Ballot, action: Callable[[], Any], message: str) -> HttpResponse:
    """A button on the manage page: done, back with ``message``; refused,
    the page again with the reason at the top."""
    return run_action(
        action,
        success=lambda result: _done(request, ballot, message),
        failure=lambda exc: _manage_page(request, ballot, status=exc.status),
        request=request,
    )


@require_POST
@login_required
def ballot_edit(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    form = BallotForm(request.POST, prefix="ballot")

    def save() -> Any:
        return setup.ballot_update(ballot_id=ballot.pk, actor=request.user, data=form.service_kwargs())

    return _form_on_page(request, ballot, form, "edit_form", save, "The ballot's details are saved.")


@require_POST
@login_required
def question_add(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    form = QuestionForm(request.POST, unit=ballot.unit, prefix="question")

    def add() -> Question:
        kind = form.cleaned_data["kind"]
        return setup.question_add(ballot_id=ballot.pk, actor=request.user, kind=kind, **form.service_kwargs(kind))

    return _form_on_page(request, ballot, form, "question_form", add, lambda question: f"“{question.title}” is added.")


def _question(ballot: Ballot, question_id: int) -> Question:
    return get_object_or_404(Question, pk=question_id, ballot=ballot)


@require_POST
@login_required
def question_edit(request: HttpRequest, ballot_id: int, question_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    question = _question(ballot, question_id)
    form = QuestionForm(request.POST, unit=ballot.unit, kind=question.kind, prefix=f"q{question.pk}")

    def save() -> Any:
        return setup.question_update(
            question_id=question.pk, ballot_id=ballot.pk, actor=request.user, data=form.service_kwargs(question.kind)
        )

    return _form_on_page(request, ballot, form, f"edit_{question.pk}", save, f"“{question.title}” is saved.")


@require_POST
@login_required
def question_remove(request: HttpRequest, ballot_id: int, question_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    question = _question(ballot, question_id)
    return _step(
        request,
        ballot,
        lambda: setup.question_remove(question_id=question.pk, ballot_id=ballot.pk, actor=request.user),
        f"“{question.title}” is removed.",
    )


@require_POST
@login_required
def option_add(request: HttpRequest, ballot_id: int, question_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    question = _question(ballot, question_id)
    form = OptionForm(request.POST, prefix=f"o{question.pk}", ballot=ballot)

    def add() -> Option:
        return setup.option_add(
            question_id=question.pk, ballot_id=ballot.pk, actor=request.user, **form.service_kwargs()
        )

    return _form_on_page(
        request,
        ballot,
        form,
        f"option_{question.pk}",
        add,
        lambda option: f"{option.label} is on the paper for “{question.title}”.",
    )


@require_POST
@login_required
def option_withdraw(request: HttpRequest, ballot_id: int, option_id: int) -> HttpResponse:
    ballot = _managed_ballot(request, ballot_id)
    option = get_object_or_404(Option, pk=option_id, question__ballot=ballot)
    return _step(
        request,
        ballot,
        lambda: setup.option_withdraw(option_id=option.pk, ballot_id=ballot.pk, actor=request.user),
        f"{option.label} has withdrawn.",
    )


STEPS: dict[str, tuple[Callable[..., Ballot], str]] = {
    "nominations-open": (setup.ballot_setup_nominations_open, "Nominations are open."),
    "nominations-close": (setup.ballot_setup_nominations_close, "Nominations are closed and the ballot is scheduled."),
    "schedule": (setup.ballot_setup_schedule, "The ballot is scheduled: it opens and closes on its own."),
}


@require_POST
@login_required
def ballot_step(request: HttpRequest, ballot_id: int, step: str) -> HttpResponse:
    """Open or close nominations, or schedule."""
    ballot = _managed_ballot(request, ballot_id)
    if step not in STEPS:
        raise Http404("There is no such step.")
    service, message = STEPS[step]
    return _step(request, ballot, lambda: service(ballot_id=ballot.pk, actor=request.user), message)


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
    return _form_on_page(request, ballot, form, f"{prefix}_form", lambda: act(ballot, form.cleaned_data), message)


@require_POST
@login_required
def ballot_cancel(request: HttpRequest, ballot_id: int) -> HttpResponse:
    def act(ballot: Ballot, data: dict[str, Any]) -> Any:
        return setup.ballot_setup_cancel(ballot_id=ballot.pk, actor=request.user, reason=data["reason"])

    return _form_step(request, ballot_id, CancelForm, "cancel", act, "The ballot is cancelled.")


@require_POST
@login_required
def ballot_closing_time(request: HttpRequest, ballot_id: int) -> HttpResponse:
    def act(ballot: Ballot, data: dict[str, Any]) -> Any:
        return ballot_closing_time_change(
            ballot_id=ballot.pk, actor=request.user, closes_at=data["closes_at"], reason=data["reason"]
        )

    message = "The closing time is changed; members on the roll are told."
    return _form_step(request, ballot_id, ClosingTimeForm, "closing", act, message)


@require_POST
@login_required
def ballot_reopen(request: HttpRequest, ballot_id: int) -> HttpResponse:
    def act(ballot: Ballot, data: dict[str, Any]) -> Any:
        return setup.ballot_setup_reopen(ballot_id=ballot.pk, actor=request.user, reason=data["reason"])

    message = "The ballot is open again, with the papers cast before the cancel."
    return _form_step(request, ballot_id, ReopenForm, "reopen", act, message)

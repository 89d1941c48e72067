"""Nominations page: nominate, second, accept with a statement, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ballots.access import visible_ballot
from ballots.error_codes import BallotErrorCode as Code
from ballots.models import Ballot, Nomination, Question
from ballots.permissions import public_state
from ballots.services import nominations as service
from core.errors import DomainError
from core.views_forms import run_action


@login_required
@require_http_methods(["GET", "POST"])
def nominations(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = visible_ballot(request.user, Ballot.objects.select_related("unit").filter(pk=ballot_id).first())
    questions = ballot.questions.filter(kind=Question.Kind.ELECTION).prefetch_related(
        "nominations__nominee", "nominations__seconders"
    )

    def page(status: int = 200) -> HttpResponse:
        context = {
            "ballot": ballot,
            "questions": questions,
            "state_label": public_state(user=request.user, ballot=ballot)[1],
        }
        return render(request, "ballots/nominations.html", context, status=status)

    if request.method != "POST":
        return page()
    return run_action(
        lambda: _act(request, ballot),
        success=lambda _: redirect("ballots:nominations", ballot_id=ballot.pk),
        failure=lambda exc: page(exc.status),
        request=request,
    )


def _act(request: HttpRequest, ballot: Ballot) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "nominate":
        question = ballot.questions.filter(pk=_int(request.POST.get("question"))).first()
        if question is None:
            raise DomainError(Code.UNKNOWN_QUESTION, "Choose an election of this ballot.")
        email = request.POST.get("email", "").strip().lower()
        nominee = user if not email else get_user_model().objects.filter(email__iexact=email).first()
        if nominee is None:
            raise DomainError(Code.UNKNOWN_MEMBER, f"No member has the address {email}.")
        service.nomination_make(question=question, nominee=nominee, nominated_by=user)
        messages.success(request, f"{nominee} is nominated for {question.title}.")
        return
    nomination = (
        Nomination.objects.filter(pk=_int(request.POST.get("nomination")), question__ballot=ballot)
        .select_related("question__ballot__unit")
        .first()
    )
    if nomination is None:
        raise DomainError(Code.UNKNOWN_NOMINATION, "There is no such nomination in this ballot.")
    if action == "second":
        service.nomination_second(nomination=nomination, seconder=user)
        messages.success(request, f"You seconded {nomination.nominee}.")
    elif action == "accept":
        service.nomination_accept(nomination=nomination, nominee=user, statement=request.POST.get("statement", ""))
        messages.success(request, "You accepted the nomination.")
    elif action == "withdraw":
        service.nomination_withdraw(nomination=nomination, nominee=user)
        messages.success(request, "You withdrew.")
    else:
        raise DomainError(Code.UNKNOWN_ACTION, "Unknown action.")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0

"""The returning officer's review of a counted ballot: provisional result, recount, declare.

Before declaration a result is the returning officer's business, and that
of the scrutineers they name (candidates, agents, observers of the count),
who may read the provisional page but not act on it.  The public gets 404
(the ballot's result does not exist for them yet); other signed-in people
(officers of the unit included) get 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ballots import publication
from ballots.access import access_provisional
from ballots.models import Ballot, Result
from ballots.permissions import can_declare
from ballots.services import declaring
from ballots.services.declaring import (
    STATEMENT_MAX,
    ballot_declare_confirmed,
    result_confirmation,
    scrutineer_add,
    scrutineer_remove,
)
from core.errors import DomainError
from core.views_forms import run_action


def _ballot(ballot_id: int) -> Ballot:
    # A secret vote taken in a meeting is decided by the chair's close in the
    # room and never declared to the roll, so it has no provisional page.
    ballot = (
        Ballot.objects.select_related("unit", "returning_officer")
        .filter(pk=ballot_id, origin=Ballot.Origin.ONLINE)
        .first()
    )
    if ballot is None:
        raise Http404("There is no such ballot.")
    return ballot


def _gate(request: HttpRequest, ballot_id: int, *, read: bool = False) -> Ballot:
    """404 for the public, 403 for anyone but the returning officer (or, to
    read, a scrutineer), and MFA where the ballot demands it."""
    ballot = _ballot(ballot_id)
    access_provisional(request.user, ballot, read=read)
    return ballot


def provisional_context(*, ballot: Ballot) -> dict[str, Any]:
    """Winners, turnout, every count sheet and every lot of a counted ballot."""
    results = list(
        Result.objects.filter(question__ballot=ballot)
        .select_related("question")
        .order_by("question__position", "question__pk")
    )
    items = []
    for result in results:
        q = result.question
        sheet = result.count_sheet
        chart = publication.stage_chart(sheet) if q.method != "motion" else None
        items.append({"question": q, "result": result, "sheet": sheet, "chart": chart, "lots": sheet.get("lots", [])})
    first = results[0] if results else None
    return {
        "ballot": ballot,
        "items": items,
        "turnout": first.papers_counted if first else 0,
        "roll_size": first.electorate if first else 0,
        "confirmation": result_confirmation(ballot=ballot),
        "statement_max": STATEMENT_MAX,
        "scrutineers": list(ballot.scrutineers.order_by("email")),
    }


@never_cache
@require_http_methods(["GET"])
def ballot_provisional(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The provisional result, marked as such, for the returning officer's review."""
    ballot = _gate(request, ballot_id, read=True)
    if ballot.state == Ballot.State.DECLARED:
        return redirect("ballots:result", ballot_id=ballot.pk)
    if ballot.state != Ballot.State.COUNTED:
        return render(
            request,
            "ballots/provisional.html",
            {"ballot": ballot, "not_counted": True},
        )
    context = provisional_context(ballot=ballot)
    context["is_returning_officer"] = can_declare(user=request.user, ballot=ballot)
    return render(request, "ballots/provisional.html", context)


@require_POST
@never_cache
def ballot_declare(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Declare, only with the confirmation naming the winners (and an optional statement)."""
    _gate(request, ballot_id)
    confirmation = request.POST.get("confirmation", "") if request.POST.get("confirm") == "yes" else ""

    def refused(exc: DomainError) -> HttpResponse:
        ballot = _ballot(ballot_id)
        context = provisional_context(ballot=ballot) if ballot.state == Ballot.State.COUNTED else {"ballot": ballot}
        context["is_returning_officer"] = True
        context["error"] = exc.message
        context["statement"] = request.POST.get("statement", "")
        return render(request, "ballots/provisional.html", context, status=exc.status)

    return run_action(
        lambda: ballot_declare_confirmed(
            ballot_id=ballot_id,
            actor=request.user,
            confirmation=confirmation,
            statement=request.POST.get("statement", ""),
        ),
        success=lambda _: redirect("ballots:result", ballot_id=ballot_id),
        failure=refused,
    )


@require_POST
@never_cache
def ballot_recount(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Order a recount before declaring: the tally again, from the stored papers, with the same seed."""
    _gate(request, ballot_id)
    back = redirect("ballots:provisional", ballot_id=ballot_id)

    def recounted(counts: tuple[Any, Any]) -> HttpResponse:
        before, after = counts
        if after == before:
            messages.success(request, "Recounted from the stored papers with the same seed: the result is unchanged.")
        else:
            messages.warning(request, "Recounted: the result differs from the previous count. Review it again.")
        return back

    return run_action(
        lambda: declaring.ballot_recount(ballot_id=ballot_id, actor=request.user),
        success=recounted,
        failure=lambda exc: back,
        request=request,
    )


@require_POST
@never_cache
def ballot_scrutineers(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The returning officer names (or removes) scrutineers of the provisional result."""
    ballot = _gate(request, ballot_id)
    remove = request.POST.get("remove", "")

    def name_or_remove() -> None:
        if remove.isdigit():
            scrutineer_remove(ballot=ballot, actor=request.user, person_id=int(remove))
            messages.success(request, "Scrutineer removed.")
        else:
            person = scrutineer_add(ballot=ballot, actor=request.user, email=request.POST.get("email", ""))
            messages.success(request, f"{person} may now read the provisional result.")

    back = redirect("ballots:provisional", ballot_id=ballot_id)
    return run_action(name_or_remove, success=lambda _: back, failure=lambda exc: back, request=request)

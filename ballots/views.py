"""Ballot pages: thin views over selectors and services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ballots import publication, selectors, selectors_verifiable
from ballots.access import visible_ballot
from ballots.forms import answers_from_post
from ballots.models import Ballot, PublishedFile
from ballots.permissions import can_declare, public_state
from ballots.services import receipts
from ballots.services.casting import receipt_tracker, vote_cast, voting_closed_message
from core.errors import DomainError
from core.rate_limits import anonymous_rate_limit
from core.views_forms import run_action


def ballot_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ballots/list.html",
        {
            "open_ballots": selectors.ballot_list_open(),
            "declared_ballots": selectors.ballot_list_declared(),
        },
    )


def _get_ballot(request: HttpRequest, ballot_id: int) -> Ballot:
    """The ballot, or 404 also for a draft the user may not run (``can_see_ballot``)."""
    try:
        ballot = selectors.ballot_for_voting_page(ballot_id=ballot_id)
    except Ballot.DoesNotExist:
        ballot = None
    return visible_ballot(request.user, ballot)


def _paper(ballot: Ballot, data: QueryDict | None) -> list[dict[str, Any]]:
    """The ballot's questions with what the member entered on each option, so
    a paper that is checked, refused or changed is shown again exactly as it
    was filled in. Nothing of it is stored: it lives in this response only."""
    paper = []
    for question in ballot.questions.all():
        chosen = set(data.getlist(f"choice-{question.pk}")) if data is not None else set()
        options = [
            {
                "option": option,
                "rank": (data.get(f"rank-{question.pk}-{option.pk}", "") if data is not None else "")[:4],
                "checked": str(option.pk) in chosen,
            }
            for option in question.options.all()
        ]
        paper.append({"question": question, "options": options})
    return paper


def _review(paper: list[dict[str, Any]], answers: dict[int, list[int]]) -> list[dict[str, Any]]:
    """The paper as it will be cast, in the member's order, for "check your vote"."""
    review = []
    for item in paper:
        question = item["question"]
        labels = {entry["option"].pk: entry["option"].label for entry in item["options"]}
        review.append({"question": question, "choices": [labels[pk] for pk in answers.get(question.pk, [])]})
    return review


@require_http_methods(["GET", "POST"])
@never_cache  # the page after voting shows the receipt: keep it out of caches and history
def ballot_vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The paper, then "check your vote", then the receipt.

    A POST with ``step=check`` validates the paper and shows it back as it
    will be cast; ``step=change`` returns to the paper with every entry kept;
    any other POST (the check page's button, or a client posting the paper
    directly) casts it. A refused paper comes back filled in as it was sent.
    """
    ballot = _get_ballot(request, ballot_id)
    on_roll, voted = selectors.voter_status(ballot=ballot, user=request.user)
    data = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {
        "ballot": ballot,
        "on_roll": on_roll,
        "voted": voted,
        "can_declare": can_declare(user=request.user, ballot=ballot),
        "state_label": public_state(user=request.user, ballot=ballot)[1],
        # The close is a time: past it the vote function refuses, whether or
        # not beat has closed the ballot yet.
        "voting_closed": voting_closed_message(ballot.closes_at)
        if ballot.state in {Ballot.State.OPEN, Ballot.State.CLOSED} and timezone.now() >= ballot.closes_at
        else "",
        "paper": _paper(ballot, data),
        "paper_key": (data.get("idempotency_key", "") if data is not None else "")[:64],
    }
    election = selectors_verifiable.verifiable_of(ballot=ballot)
    if election is not None:  # encrypted in the browser and cast through the API: no paper is posted here
        return render(request, "ballots/verifiable/vote.html", {**context, "election": election})
    if data is None:
        return render(request, "ballots/vote.html", context)
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next=/ballots/{ballot_id}/")
    step = data.get("step", "cast")
    may_vote = ballot.state == Ballot.State.OPEN and on_roll and not voted and not context["voting_closed"]
    if step == "change" or (step == "check" and not may_vote):
        return render(request, "ballots/vote.html", context)

    def check_or_cast() -> HttpResponse:
        answers = answers_from_post(ballot=ballot, data=data)
        if step == "check":
            context["review"] = _review(context["paper"], answers)
            return render(request, "ballots/check.html", context)
        receipt = vote_cast(
            ballot_id=ballot.pk, voter=request.user, answers=answers, idempotency_key=data.get("idempotency_key", "")
        )
        return render(request, "ballots/voted.html", {"ballot": ballot, "receipt": receipt.receipt})

    def refused(exc: DomainError) -> HttpResponse:
        context["error"] = exc.message
        return render(request, "ballots/vote.html", context, status=exc.status)

    return run_action(check_or_cast, success=lambda response: response, failure=refused)


@require_POST
@never_cache
def receipt_email(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Send the member's receipt to their own address (the button on the
    page shown after voting). Nothing about it is stored."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next=/ballots/{ballot_id}/")
    ballot = _get_ballot(request, ballot_id)
    receipt = request.POST.get("receipt", "")

    def refused(exc: DomainError) -> HttpResponse:
        context = {"ballot": ballot, "receipt": receipts.receipt_normalise(receipt), "error": exc.message}
        return render(request, "ballots/voted.html", context, status=exc.status)

    return run_action(
        lambda: receipts.receipt_email(ballot=ballot, voter=request.user, receipt=receipt),
        success=lambda address: render(request, "ballots/receipt_emailed.html", {"ballot": ballot, "address": address}),
        failure=refused,
    )


def _declared(ballot_id: int) -> Ballot:
    try:
        return selectors.ballot_result(ballot_id=ballot_id)
    except Ballot.DoesNotExist:
        raise Http404("No declared result for this ballot.") from None


@anonymous_rate_limit("public_pages")
def ballot_result(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _declared(ballot_id)
    voters = ballot.turnout  # type: ignore[attr-defined]
    breakdown = publication.breakdown_allowed(voters=voters)
    questions = []
    for q in ballot.questions.all():
        result = getattr(q, "result", None)
        chart = None
        if breakdown and result is not None and q.method != "motion":
            chart = publication.stage_chart(result.count_sheet)
        questions.append({"question": q, "result": result, "chart": chart})
    context = {
        "ballot": ballot,
        "questions": questions,
        "breakdown": breakdown,
        "papers_downloadable": publication.papers_downloadable(ballot=ballot, voters=voters),
        "min_breakdown": settings.BALLOTS_MIN_BREAKDOWN_ELECTORATE,
    }
    return render(request, "ballots/result.html", context)


PAPERS_WITHHELD = (
    "The papers of this ballot are not published: the returning officer has not allowed it, "
    "or the turnout is too small to keep them anonymous."
)


NOT_BUILT_YET = (
    "This file is being prepared: the result was declared a moment ago, or before files were stored. "
    "Please try again in a minute."
)
NOT_BUILT_RETRY_AFTER = 60  # beat's ballots.publish_missing_result_files runs every minute
# Declared files never change, but a client should still revalidate now and
# then (a 304 costs one indexed query).
PUBLISHED_MAX_AGE = 300


def _published(
    request: HttpRequest, ballot: Ballot, kind: str, filename: str, question_id: int | None = None
) -> HttpResponse:
    """Serve a built public file from storage with its SHA-256 as a strong
    ETag; 304 to a matching ``If-None-Match``; 503 with ``Retry-After`` when
    it is not built yet (building is never a GET's work)."""
    published = selectors.published_file(ballot=ballot, kind=kind, question_id=question_id)
    if published is None:
        response = HttpResponse(NOT_BUILT_YET, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(NOT_BUILT_RETRY_AFTER)
        return response
    headers = {"ETag": f'"{published.sha256}"', "Cache-Control": f"public, max-age={PUBLISHED_MAX_AGE}"}
    unconditional = HttpResponse(headers=headers)
    conditional = get_conditional_response(request, etag=headers["ETag"], response=unconditional)
    if conditional is not None and conditional is not unconditional:
        return conditional  # 304 (or 412 to a failed If-Match), with the ETag
    content = selectors.published_file_content(published=published)
    response = HttpResponse(content, content_type=published.content_type, headers=headers)
    response["Content-Length"] = str(len(content))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@anonymous_rate_limit("result_downloads")
def ballot_papers_download(request: HttpRequest, ballot_id: int, question_id: int, fmt: str) -> HttpResponse:
    """The anonymised papers of one question, where the ballot allows it."""
    if fmt not in {"blt", "csv"}:
        raise Http404("Papers are published as .blt (ranked) or .csv.")
    ballot = _declared(ballot_id)
    if not publication.papers_downloadable(ballot=ballot, voters=ballot.turnout):  # type: ignore[attr-defined]
        return render(request, "403.html", {"reason": PAPERS_WITHHELD}, status=403)
    question = next((q for q in ballot.questions.all() if q.pk == question_id), None)
    if question is None:
        raise Http404("No such question in this ballot.")
    if fmt == "blt" and not question.is_ranked:
        raise Http404("BLT files are for ranked questions; download CSV instead.")
    filename = f"ballot-{ballot.pk}-question-{question.pk}.{fmt}"
    return _published(request, ballot, fmt, filename, question_id=question.pk)


@require_safe
@anonymous_rate_limit("result_downloads")
def ballot_trackers(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The published trackers of a declared ballot, one SHA-256 per line.

    Anyone can count them against the turnout, and a member can find the
    hash of their own receipt among them; nothing links a tracker to a
    voter or to a paper."""
    ballot = _declared(ballot_id)
    return _published(request, ballot, PublishedFile.Kind.TRACKERS, f"ballot-{ballot.pk}-trackers.txt")


@require_safe
@anonymous_rate_limit("result_downloads")
def ballot_count_sheet_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _declared(ballot_id)
    if not publication.breakdown_allowed(voters=ballot.turnout):  # type: ignore[attr-defined]
        return JsonResponse(
            {"code": "breakdown_withheld", "message": "Figures are not published when so few have voted."},
            status=403,
        )
    return _published(request, ballot, PublishedFile.Kind.COUNT_SHEET, f"ballot-{ballot.pk}-count-sheet.json")


@require_http_methods(["GET", "POST"])
@anonymous_rate_limit("public_pages")
def receipt_check(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _declared(ballot_id)
    found = None
    if request.method == "POST":
        receipt = request.POST.get("receipt", "").strip()
        found = bool(receipt) and selectors.tracker_included(ballot=ballot, tracker=receipt_tracker(receipt))
    return render(request, "ballots/receipt.html", {"ballot": ballot, "found": found})

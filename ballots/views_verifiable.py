"""The pages of the verifiable mode: the returning officer's setup and dashboard, the trustee's
"what to do now", the voter's page, the public ballot box, and the explanation of the checks.

Views translate: every change is a service of ``ballots/services/verifiable_*`` (the same ones the
API calls), a refusal is shown with the service's named reason and status. The cryptography a person
does (a trustee's key, a partial decryption, a voter's ballot) runs in their browser
(``static/js/verifiable/``); these pages only carry its text to the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ballots import selectors, selectors_verifiable
from ballots.access import access_ballot
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.forms_verifiable import TrusteeUploadForm, VerifiableForm
from ballots.models import Ballot, VerifiableElection
from ballots.permissions import can_see_ballot
from ballots.services import setup, verifiable_setup, verifiable_tally, verifiable_threshold
from ballots.verifiable.tally import tally_text
from core.errors import DomainError, NotPermitted
from governance.access import mfa_enforced
from governance.gate import Act

S = Ballot.State


def _scope(request: HttpRequest, ballot_id: int, **kwargs: Any) -> dict[str, Any]:
    ballot = Ballot.objects.select_related("unit").filter(pk=ballot_id).first()
    if ballot is None:
        raise Http404("There is no such ballot.")
    return {"unit": ballot.unit, "ballot": ballot}


def _managed(request: HttpRequest, ballot_id: int) -> Ballot:
    return access_ballot(request.user, ballot_id, Act.RUN_BALLOT)


def _visible(request: HttpRequest, ballot_id: int, *, trustee: bool = False) -> tuple[Ballot, VerifiableElection]:
    """The ballot and its election, if the user may see the ballot (its trustees see it from the draft on)."""
    ballot = get_object_or_404(Ballot.objects.select_related("unit"), pk=ballot_id)
    election = selectors_verifiable.verifiable_of(ballot=ballot)
    if election is None:
        raise Http404("This ballot is not a verifiable ballot.")
    if trustee and election.trustee_rows.filter(person_id=request.user.pk).exists():
        return ballot, election
    if not can_see_ballot(user=request.user, ballot=ballot):
        raise Http404("This ballot is not a verifiable ballot.")
    return ballot, election


# --- The returning officer ---

STAGES = [
    ("keys", "Keys"),
    ("voting", "Voting"),
    ("mixing", "Mixing"),
    ("decryption", "Decryption"),
    ("count", "Count"),
]


def _manage_page(request: HttpRequest, ballot: Ballot, form: VerifiableForm | None = None, status: int = 200) -> Any:
    election = selectors_verifiable.verifiable_of(ballot=ballot)
    stage = selectors_verifiable.verifiable_stage(election=election) if election else None
    electorate = selectors.ballot_progress(ballot=ballot)["roll_size"] if ballot.roll_frozen_at else 0
    electorate = electorate or setup.ballot_roll_estimate(ballot=ballot)
    context = {
        "ballot": ballot,
        "unit": ballot.unit,
        "election": election,
        "stage": stage,
        "risks": selectors_verifiable.italian_risks(ballot=ballot, electorate=electorate),
        "electorate": electorate,
        "form": form or VerifiableForm(unit=ballot.unit),
        "may_enable": election is None and ballot.state in verifiable_setup.SETUP_STATES,
        "trust": verifiable_setup.TRUST_STATEMENT,
        "withheld": election is not None and selectors_verifiable.record_withheld(election=election),
        "stage_labels": STAGES,
    }
    ceremony = _ceremony(election)
    if ceremony is not None and stage is not None:
        context.update(_ceremony_context(stage, ceremony))
    return render(request, "ballots/verifiable/manage.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@mfa_enforced(_scope)
def verifiable_manage(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET: the mode's setup (while the ballot is set up) or its dashboard. POST: make it verifiable."""
    ballot = _managed(request, ballot_id)
    if request.method == "GET":
        return _manage_page(request, ballot)
    form = VerifiableForm(request.POST, unit=ballot.unit)
    if not form.is_valid():
        return _manage_page(request, ballot, form, 400)
    data = form.cleaned_data
    try:
        verifiable_setup.verifiable_enable(
            ballot_id=ballot.pk,
            actor=request.user,
            trustees=list(data["trustees"]),
            threshold=data["threshold"],
            credential_authority=data["credential_authority"],
            credential_authority_name=data["credential_authority_name"],
            public_credentials=data["public_credentials"],
            record_access=data["record_access"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _manage_page(request, ballot, form, exc.status)
    messages.success(request, "The ballot is verifiable. Its trustees are e-mailed a link to make their keys.")
    return redirect("ballots:verifiable-manage", ballot_id=ballot.pk)


CEREMONY_STEP = {"certificates": "certificate", "polynomials": "polynomial", "voutputs": "voutput"}
"""The message each stage of the key ceremony waits for."""


def _ceremony_context(stage: selectors_verifiable.Stage, ceremony: selectors_verifiable.Ceremony) -> dict[str, Any]:
    """The ceremony, each trustee's name beside their progress, and who the current step waits for."""
    rows = list(zip(stage.trustees, ceremony.trustees, strict=True))
    step = CEREMONY_STEP.get(ceremony.stage, "")
    return {
        "ceremony": ceremony,
        "ceremony_rows": rows,
        "ceremony_waiting": [t.name for t, p in rows if step and not getattr(p, step)],
    }


def _ceremony(election: VerifiableElection | None) -> selectors_verifiable.Ceremony | None:
    """A threshold ballot's key ceremony, while it is under way (None otherwise)."""
    if election is None or not election.threshold or election.election:
        return None
    return selectors_verifiable.threshold_ceremony(election=election)


@require_POST
@login_required
@mfa_enforced(_scope)
def verifiable_ceremony_restart(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The returning officer restarts the key ceremony from the polynomials (a trustee's browser refused a share)."""
    ballot = _managed(request, ballot_id)
    try:
        verifiable_threshold.threshold_ceremony_restart(ballot_id=ballot.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, f"Refused ({exc.code}): {exc.message}")
        return _manage_page(request, ballot, status=exc.status)
    messages.success(request, "The ceremony restarts from the polynomials: the trustees are e-mailed to send new ones.")
    return redirect("ballots:verifiable-manage", ballot_id=ballot.pk)


@require_POST
@login_required
@mfa_enforced(_scope)
def verifiable_end_shuffles(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _managed(request, ballot_id)
    try:
        verifiable_tally.verifiable_shuffles_end(ballot_id=ballot.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _manage_page(request, ballot, status=exc.status)
    messages.success(request, "The shuffles are ended: the trustees can decrypt now.")
    return redirect("ballots:verifiable-manage", ballot_id=ballot.pk)


# --- The trustee ---

UPLOADS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "key": (verifiable_setup.trustee_key_upload, "public_key", "Your public key is accepted."),
    "shuffle": (verifiable_tally.verifiable_shuffle_upload, "shuffle_text", "Your shuffle is checked and accepted."),
    "certificate": (
        verifiable_threshold.trustee_certificate_upload,
        "certificate",
        "Your certificate is accepted.",
    ),
    "polynomial": (verifiable_threshold.trustee_polynomial_upload, "polynomial", "Your polynomial is accepted."),
    "voutput": (
        verifiable_threshold.trustee_voutput_upload,
        "voutput",
        "The shares you were sent are checked, and your key share is accepted.",
    ),
    "decryption": (
        verifiable_tally.verifiable_decryption_upload,
        "partial_decryption",
        "Your partial decryption is checked and accepted.",
    ),
}


def _first_line(text: str) -> str:
    """belenios-tool writes an event's payload, then a line naming its owner: the payload is the first line."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _trustee_page(request: HttpRequest, ballot: Ballot, election: VerifiableElection, status: int = 200) -> Any:
    stage = selectors_verifiable.verifiable_stage(election=election)
    me = next((t for t in stage.trustees if t.person_id == request.user.pk), None)
    if me is None:
        raise NotPermitted(VCode.NOT_TRUSTEE, "Only this ballot's trustees have this page.")
    row = election.trustee_rows.get(position=me.position)
    context = {
        "ballot": ballot,
        "election": election,
        "stage": stage,
        "me": me,
        "public_key": row.public_key,
        "may_shuffle": stage.stage == "mixing" and not me.shuffled and bool(stage.shuffles),
        "may_decrypt": stage.stage == "decryption" and not me.decrypted,
    }
    if election.threshold:
        context.update(_trustee_ceremony(election, request.user, stage))
    return render(request, "ballots/verifiable/trustee.html", context, status=status)


def _trustee_ceremony(election: VerifiableElection, person: Any, stage: selectors_verifiable.Stage) -> dict[str, Any]:
    """A threshold trustee's ceremony: their own progress, and what their browser needs for the next step
    (the certificates, their routed shares, their sealed key share; none readable but by them)."""
    ceremony = selectors_verifiable.threshold_ceremony(election=election, person=person)
    return {
        **_ceremony_context(stage, ceremony),
        "mine": next(p for p in ceremony.trustees if p.position == ceremony.position),
        "ceremony_data": {
            "threshold": ceremony.threshold,
            "certificates": list(ceremony.certificates),
            "vinput": ceremony.vinput,
            "sealed": ceremony.sealed_key,
        },
    }


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def trustee_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """What this trustee does now; a POST carries a key, shuffle or partial decryption to its service."""
    ballot, election = _visible(request, ballot_id, trustee=True)
    if request.method == "GET":
        return _trustee_page(request, ballot, election)
    form = TrusteeUploadForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Paste the text (or make it in the browser) before sending.")
        return _trustee_page(request, ballot, election, 400)
    service, field, done = UPLOADS[form.cleaned_data["action"]]
    text = form.cleaned_data["text"]
    try:
        service(
            ballot_id=ballot.pk, actor=request.user, **{field: _first_line(text) if field != "public_key" else text}
        )
    except DomainError as exc:
        messages.error(request, f"Refused ({exc.code}): {exc.message}")
        return _trustee_page(request, ballot, election, exc.status)
    messages.success(request, done)
    return redirect("ballots:trustee", ballot_id=ballot.pk)


@require_GET
@login_required
def trustee_tally(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """What the trustees decrypt (the tally, its ranked questions the last shuffle's output), as JSON."""
    ballot, election = _visible(request, ballot_id, trustee=True)
    if not election.trustee_rows.filter(person_id=request.user.pk).exists():
        raise NotPermitted(VCode.NOT_TRUSTEE, "Only this ballot's trustees decrypt.")
    if ballot.state != S.CLOSED or not election.shuffles_ended:
        raise Http404("Decryption has not started.")
    _, tally = verifiable_tally.decryption_input(election)
    return HttpResponse(tally_text(tally), content_type="application/json")


# --- Voters and observers ---


@require_GET
def ballot_box(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The public ballot box: every accepted ballot's tracker, a page at a time, and a search for yours."""
    ballot, election = _visible(request, ballot_id)
    if not election.election:
        raise Http404("The ballot box opens with the voting.")
    after = request.GET.get("after", "")[:44]
    wanted = request.GET.get("tracker", "").strip()[:44]
    trackers = selectors_verifiable.box_trackers(election=election, after=after)
    context = {
        "ballot": ballot,
        "election": election,
        "trackers": trackers,
        "next_after": trackers[-1] if len(trackers) == selectors_verifiable.BOX_PAGE else "",
        "wanted": wanted,
        "found": selectors_verifiable.box_has(election=election, tracker=wanted) if wanted else None,
        "total": election.ballot_rows.count(),
        "may_download": selectors_verifiable.may_download_record(user=request.user, election=election),
        "withheld": selectors_verifiable.record_withheld(election=election),
    }
    return render(request, "ballots/verifiable/box.html", context)


@require_GET
def checks(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """What each check proves, in plain words, and how to run them on the downloaded record."""
    ballot, election = _visible(request, ballot_id)
    context = {
        "ballot": ballot,
        "election": election,
        "may_download": selectors_verifiable.may_download_record(user=request.user, election=election),
        "withheld": selectors_verifiable.record_withheld(election=election),
    }
    return render(request, "ballots/verifiable/checks.html", context)

"""Telling trustees what is theirs to do: an invitation when they are named, a note when a step opens,
and a daily reminder while their step is still owed.

One e-mail per trustee, step and day (the outbox key), so the sweep may run as often as it likes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from ballots.models import Ballot, VerifiableElection
from ballots.selectors_verifiable import CeremonyStage, ceremony_stage
from core.emails import outbox_enqueue

S = Ballot.State
KEY = "verifiable-trustee:{ballot}:{step}:{person}:{day}"


CEREMONY_STEPS = {
    CeremonyStage.CERTIFICATES: "certificate",
    CeremonyStage.POLYNOMIALS: "polynomial",
    CeremonyStage.VOUTPUTS: "voutput",
}
"""A threshold ballot's key ceremony: the step each stage waits for (each is due once the one before is
complete, so a trustee is e-mailed again when their next step opens)."""


def owed_step(election: VerifiableElection) -> str | None:
    """Which trustee step is open now: keys (or the ceremony's step) before voting, shuffles after the close,
    then decryption."""
    state = election.ballot.state
    if state in {S.DRAFT, S.NOMINATIONS, S.SCHEDULED}:
        if election.threshold:
            return CEREMONY_STEPS.get(ceremony_stage(election, list(election.trustee_rows.all())))
        return "key"
    if state == S.CLOSED and election.encrypted_tally and not election.result:
        if not election.shuffles_ended:
            return "shuffle" if election.shuffle_rows.exists() else None
        return "decryption"
    return None


def _owes(trustee: Any, step: str, election: VerifiableElection) -> bool:
    if step == "key":
        return not trustee.public_key
    if step in CEREMONY_STEPS.values():
        return not getattr(trustee, step)
    if step == "shuffle":
        return not election.shuffle_rows.filter(owner=trustee.position).exists()
    return not trustee.partial_decryption


def verifiable_trustees_notify(*, election: VerifiableElection, step: str | None = None, again: str = "") -> int:
    """Queue today's e-mail to every trustee who owes the open step (or ``step``); returns how many.
    ``again`` makes a step's e-mail new on a day it was already sent (the ceremony restarted)."""
    step = step or owed_step(election)
    if step is None:
        return 0
    ballot = election.ballot
    day = timezone.localdate().isoformat()
    queued = 0
    for trustee in election.trustee_rows.select_related("person").order_by("position"):
        if not _owes(trustee, step, election):
            continue
        outbox_enqueue(
            key=KEY.format(ballot=ballot.pk, step=step, person=trustee.person_id, day=day + again),
            recipient=trustee.person,
            template="ballots/verifiable_trustee",
            context={
                "ballot": ballot,
                "step": step,
                "position": trustee.position,
                "threshold": election.threshold,
                "trustees": election.trustee_rows.count(),
                "trustee_url": f"{settings.SITE_URL}/ballots/{ballot.pk}/trustee/",
            },
        )
        queued += 1
    return queued


def verifiable_trustee_reminders() -> int:
    """The daily sweep: every verifiable ballot with a trustee step open, its owing trustees reminded."""
    elections = VerifiableElection.objects.select_related("ballot", "ballot__unit").filter(
        ballot__state__in=[S.DRAFT, S.NOMINATIONS, S.SCHEDULED, S.CLOSED], result=""
    )
    return sum(verifiable_trustees_notify(election=e) for e in elections)

"""What ballots holds about a person and how it is erased; composed by
``portal.personal_data``.

How anyone voted in a secret ballot is not held against them anywhere
(``Participation`` says only *that* they voted), so it is in no export and
there is nothing to erase. What is held: the rolls they are on and whether
they voted, ballots they are returning officer or scrutineer of, their
nominations and candidacies, and trustee seats of verifiable ballots.

**What a ballot's integrity requires stays**, pointing at the account's
tombstone, which names no one once anonymised (``KEPT`` says why for each):
a roll entry and a participation stay countable for turnout and for "one
member, one vote" (an erased member who voted cannot be made to have not
voted, nor vote again). A ballot's returning officer is a required field and
part of a declared result's public record: it stays, shown as "Removed
member". A candidate's *name* is the label of their option and appears in the
result's count sheet and published files, whose hashes observers check: it
stays in those (``TEXT_KEPT``), as the result's public record, while the link
to the account stays too. The only thing erased is the sealed receipt kept
for a retried request and its key's hash: they exist so the voter's own
client can recover its receipt, and the voter is gone.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from ballots.models import Ballot, Nomination, Option, Participation, RollEntry
from ballots.models_verifiable import VerifiableTrustee

ERASED: frozenset[str] = frozenset()
KEPT: dict[str, str] = {
    "ballots.RollEntry.voter": "the roll is counted for turnout, and who may vote decides the count",
    "ballots.Participation.voter": "one member, one vote: turnout and the uniqueness of each vote",
    "ballots.Ballot.returning_officer": "a required field and part of a declared result's public record",
    "ballots.Ballot_scrutineers.user": "who scrutinised a count is part of its public record",
    "ballots.Option.candidate": "a candidate of a ballot is part of its result's public record",
    "ballots.Nomination.nominee": "a nomination decides who stands",
    "ballots.Nomination.nominated_by": "a nomination decides who stands",
    "ballots.Nomination_seconders.user": "a nomination's seconders are counted",
    "ballots.VerifiableTrustee.person": "a trustee's key is part of the verifiable election's record",
}
# Text columns that may still carry an erased person's name, and why.
TEXT_KEPT: dict[str, str] = {
    "ballots_option.label": "a candidate's name on a ballot is its result's public record",
    "ballots_result.count_sheet": "a declared count sheet names its candidates; observers check its hash",
    "ballots_result.winners": "a declared result names who was elected",
}


def held_about(person: Any) -> dict[str, Any]:
    voted = Participation.objects.filter(ballot=OuterRef("ballot"), voter=person)
    rolls = (
        RollEntry.objects.filter(voter=person)
        .annotate(voted=Exists(voted))
        .select_related("ballot__unit")
        .order_by("ballot_id")
    )
    return {
        "ballots": [
            {
                "id": r.ballot_id,
                "title": r.ballot.title,
                "unit": r.ballot.unit.slug,
                "state": r.ballot.state,
                "voted": r.voted,
            }
            for r in rolls
        ],
        "returning_officer_of": [b.pk for b in Ballot.objects.filter(returning_officer=person)],
        "scrutineer_of": [b.pk for b in Ballot.objects.filter(scrutineers=person)],
        "nominations": [
            {"question": n.question_id, "state": n.state, "statement": n.statement}
            for n in Nomination.objects.filter(nominee=person)
        ],
        "nominations_made": [n.question_id for n in Nomination.objects.filter(nominated_by=person)],
        "nominations_seconded": [n.question_id for n in Nomination.objects.filter(seconders=person)],
        "candidacies": [{"question": o.question_id, "label": o.label} for o in Option.objects.filter(candidate=person)],
        "trustee_of": [t.election_id for t in VerifiableTrustee.objects.filter(person=person)],
    }


@transaction.atomic
def erase(person: Any) -> None:
    Participation.objects.filter(voter=person).exclude(idempotency_key_hash="", sealed_receipt="").update(
        idempotency_key_hash="", sealed_receipt=""
    )

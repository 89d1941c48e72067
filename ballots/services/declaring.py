"""The returning officer's review: confirm the provisional result, then declare.

After the count a ballot is *counted*: its results are stored but nothing is
published (the result page is 404, no e-mail goes out) until the returning
officer declares.  That is how a result is **held** (say, while a complaint
is heard): it is simply not declared yet.  A **recount** before declaring
re-runs the tally from the stored papers with the same seed
(:func:`ballots.services.tallying.ballot_tally`, also ``manage.py recount``
to compare without storing).

Declaring needs a confirmation that names the winners: the text the
provisional page shows (:func:`result_confirmation`).  If the stored result
changed after the page was shown (a recount), the confirmation no longer
matches and the declaration is refused, so nobody declares a result they
did not see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from ballots.error_codes import BallotErrorCode as Code
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, Result
from ballots.services.tallying import count_and_store
from core.audit import audit_record
from core.emails import outbox_enqueue
from core.errors import DomainError
from governance.gate import Act, require

if TYPE_CHECKING:
    from collections.abc import Iterable

STATEMENT_MAX = 1000


def result_lines(*, results: Iterable[Result]) -> list[str]:
    """One line per question: its title and outcome (which names the winners)."""
    return [f"{r.question.title}: {r.outcome}" for r in results]


def result_confirmation(*, ballot: Ballot) -> str:
    """The sentence the returning officer confirms: every question's winners."""
    results = (
        Result.objects.filter(question__ballot=ballot)
        .select_related("question")
        .order_by("question__position", "question__pk")
    )
    return "I declare: " + "; ".join(result_lines(results=results))


def ballot_declare_confirmed(*, ballot_id: int, actor: Any, confirmation: str, statement: str = "") -> Ballot:
    """Counted → declared, only with the confirmation naming the winners shown on the provisional page.

    Raises :class:`DomainError` (400) when the confirmation is missing or
    does not match the stored result, or the statement is too long.
    """
    from ballots.services.lifecycle import ballot_declare

    statement = statement.strip()
    if len(statement) > STATEMENT_MAX:
        raise DomainError(
            Code.STATEMENT_TOO_LONG, f"The statement is limited to {STATEMENT_MAX} characters.", status=400
        )
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        require(actor, Act.DECLARE, ballot)
        if ballot.origin == Ballot.Origin.MEETING:
            raise DomainError(
                Code.INVALID_TRANSITION,
                "A vote taken in a meeting is decided when the chair closes it; it is not declared to the roll.",
                status=409,
            )
        expected = result_confirmation(ballot=ballot)
        if not confirmation.strip():
            raise DomainError(
                Code.CONFIRMATION_REQUIRED,
                "Confirm the result before declaring: tick the box that names the winners.",
                status=400,
            )
        if confirmation.strip() != expected:
            raise DomainError(
                Code.RESULT_CHANGED,
                "The result has changed since you reviewed it (a recount?). Review the provisional result again.",
                status=409,
            )
        if statement != ballot.declaration_statement:
            ballot.declaration_statement = statement
            ballot.save(update_fields=["declaration_statement"])
        return ballot_declare(ballot_id=ballot.pk, actor=actor)


def ballot_recount(*, ballot_id: int, actor: Any) -> tuple[str, str]:
    """The returning officer orders a recount before declaring: the tally
    again from the stored papers with the same seed. Returns the result's
    confirmation line before and after, so the page can say if it changed.

    Counts under the ballot's lock, and only counts: it never declares (the
    tally's resume rule would declare a counted ballot set to "declare
    automatically"), and a declaration that lands first makes it a refusal."""
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        require(actor, Act.RECOUNT, ballot)
        if ballot.state != Ballot.State.COUNTED:
            raise DomainError(
                Code.INVALID_TRANSITION, "Only a counted ballot that is not yet declared can be recounted.", status=409
            )
        before = result_confirmation(ballot=ballot)
        count_and_store(ballot)
        after = result_confirmation(ballot=ballot)
        audit_record(actor=actor, action="ballot_recounted", obj=ballot, unit=ballot.unit)
    return before, after


def is_scrutineer(*, user: Any, ballot: Ballot) -> bool:
    """Whether ``user`` is one of the scrutineers the returning officer named for ``ballot``."""
    return bool(getattr(user, "is_authenticated", False)) and ballot.scrutineers.filter(pk=user.pk).exists()


def scrutineer_add(*, ballot: Ballot, actor: Any, email: str) -> Any:
    """Name a scrutineer (by the e-mail of their account) who may read the provisional result.

    Only the returning officer (the gate, ``Act.NAME_SCRUTINEERS``).
    """
    require(actor, Act.NAME_SCRUTINEERS, ballot)
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None or not email.strip():
        raise DomainError(Code.SCRUTINEER_UNKNOWN, "No active account has that e-mail address.", status=400)
    if person.pk == ballot.returning_officer_id:
        raise DomainError(Code.SCRUTINEER_UNKNOWN, "The returning officer sees the result already.", status=400)
    with transaction.atomic():
        ballot.scrutineers.add(person)
        audit_record(actor=actor, action="ballot_scrutineer_named", obj=ballot, unit=ballot.unit)
        scrutineer_invite(ballot=ballot, person=person)
    return person


def scrutineer_invite(*, ballot: Ballot, person: Any) -> None:
    """E-mail a newly named scrutineer the link to the provisional result.

    Without it a scrutineer learns of their role only by chance. One e-mail
    per ballot and person (the outbox key), so naming them again after a
    removal does not send a second."""
    outbox_enqueue(
        key=f"ballot-scrutineer:{ballot.pk}:{person.pk}",
        recipient=person,
        template="ballots/scrutineer",
        context={
            "ballot": ballot,
            "returning_officer": ballot.returning_officer,
            "counted": ballot.state == Ballot.State.COUNTED,
            "provisional_url": settings.SITE_URL.rstrip("/") + reverse("ballots:provisional", args=[ballot.pk]),
        },
    )


def scrutineer_remove(*, ballot: Ballot, actor: Any, person_id: int) -> None:
    """Withdraw a scrutineer's access (the returning officer's act)."""
    require(actor, Act.NAME_SCRUTINEERS, ballot)
    ballot.scrutineers.remove(person_id)
    audit_record(actor=actor, action="ballot_scrutineer_removed", obj=ballot, unit=ballot.unit)

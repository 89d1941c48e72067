"""Reads of the verifiable mode: the public ballot box, page by page; the trustees' key ceremony;
the stage each party is at; the Italian-attack figure; and who may download the full record."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from math import perm
from typing import Any

from ballots.models import Ballot, Question, VerifiableBallot, VerifiableElection, VerifiableTrustee
from ballots.permissions import can_manage_ballot
from ballots.verifiable import threshold as th
from ballots.verifiable.errors import ThresholdError
from ballots.verifiable.group import group_named
from governance.authority import is_member

BOX_PAGE = 100
RANKED = frozenset({Question.Method.IRV, Question.Method.SCOTTISH_STV, Question.Method.MEEK_STV, Question.Method.ERS97})
SERVER = 0
S = Ballot.State


def box_trackers(*, election: VerifiableElection, after: str = "", limit: int = BOX_PAGE) -> list[str]:
    """Trackers of the accepted ballots in tracker order, after ``after``: one index range per page,
    whatever the size of the box, and an order that says nothing about when anyone voted."""
    rows = VerifiableBallot.objects.filter(election=election)
    if after:
        rows = rows.filter(tracker__gt=after)
    return list(rows.order_by("tracker").values_list("tracker", flat=True)[:limit])


class CeremonyStage(StrEnum):
    """Where the trustees' keys stand. A ballot without a threshold has ``KEYS`` then ``DONE``; a
    threshold ballot goes through the three steps of Belenios' key ceremony (``verifiable_threshold``)."""

    KEYS = "keys"  # every trustee uploads a public key (all must decrypt)
    CERTIFICATES = "certificates"
    POLYNOMIALS = "polynomials"
    VOUTPUTS = "voutputs"
    DONE = "done"


@dataclass(frozen=True)
class TrusteeProgress:
    position: int
    person_id: int
    certificate: bool
    polynomial: bool
    voutput: bool
    public_key: bool
    decrypted: bool


@dataclass(frozen=True)
class Ceremony:
    """The key ceremony as one trustee (or the returning officer: ``position`` None) sees it.

    ``certificates`` are given once all are in (step 2 needs them all);
    ``vinput`` is the trustee's own routed shares, once every polynomial is
    in; ``sealed_key`` is the trustee's own key share, sealed to itself by
    its voutput, which its device opens to decrypt at the count. None of
    these is readable by anyone but the trustee it is encrypted to."""

    stage: CeremonyStage
    group: str
    threshold: int
    trustees: tuple[TrusteeProgress, ...]
    position: int | None = None
    certificates: tuple[str, ...] = ()
    vinput: str | None = None
    sealed_key: str | None = None
    problem: str = ""


def certificates(election: VerifiableElection, rows: Sequence[VerifiableTrustee]) -> tuple[th.Certificate, ...]:
    """Every trustee's stored certificate, checked again (refused: ``ThresholdError``)."""
    return th.read_certificates(group_named(election.group), [t.certificate for t in rows])


def polynomials(
    election: VerifiableElection, rows: Sequence[VerifiableTrustee], certs: Sequence[th.Certificate]
) -> list[th.Polynomial]:
    """Every trustee's stored polynomial, checked again against the certificates."""
    group, t = group_named(election.group), election.threshold or 0
    return [th.read_polynomial(group, certs, row.position, t, row.polynomial) for row in rows]


def ceremony_stage(election: VerifiableElection, rows: Sequence[VerifiableTrustee]) -> CeremonyStage:
    if not election.threshold:
        return CeremonyStage.DONE if all(t.public_key for t in rows) else CeremonyStage.KEYS
    for stage, done in (
        (CeremonyStage.CERTIFICATES, all(t.certificate for t in rows)),
        (CeremonyStage.POLYNOMIALS, all(t.polynomial for t in rows)),
        (CeremonyStage.VOUTPUTS, all(t.voutput for t in rows)),
    ):
        if not done:
            return stage
    return CeremonyStage.DONE


def threshold_ceremony(*, election: VerifiableElection, person: Any = None) -> Ceremony:
    """The ceremony's stage and what ``person`` (a trustee, or None) needs for their next step."""
    rows = list(election.trustee_rows.order_by("position"))
    stage = ceremony_stage(election, rows)
    progress = tuple(
        TrusteeProgress(
            t.position,
            t.person_id,
            bool(t.certificate),
            bool(t.polynomial),
            bool(t.voutput),
            bool(t.public_key),
            bool(t.partial_decryption),
        )
        for t in rows
    )
    base = Ceremony(stage, election.group, election.threshold or len(rows), progress)
    mine = next((t for t in rows if person is not None and t.person_id == person.pk), None)
    if mine is None:
        return base
    position = mine.position
    if not election.threshold or stage == CeremonyStage.CERTIFICATES:
        return replace(base, position=position)
    try:
        certs = certificates(election, rows)
        vinput = (
            th.vinputs(polynomials(election, rows, certs))[position - 1] if all(t.polynomial for t in rows) else None
        )
    except ThresholdError as error:  # never expected: every message was checked before it was stored
        return replace(base, position=position, problem=f"{error.reason}: {error.detail}")
    sealed = str(json.loads(mine.voutput)["private_key"]) if mine.voutput else None
    return replace(
        base,
        position=position,
        certificates=tuple(t.certificate for t in rows),
        vinput=vinput,
        sealed_key=sealed,
    )


def verifiable_of(*, ballot: Ballot) -> VerifiableElection | None:
    return VerifiableElection.objects.filter(ballot=ballot).first()


def _homomorphic(question: Question) -> bool:
    # As verifiable_setup decides: motions and single-seat plurality are totals only.
    return question.method == Question.Method.MOTION or (
        question.method == Question.Method.PLURALITY and question.seats == 1
    )


def possible_papers(*, method: str, candidates: int) -> int:
    """How many different papers a revealed question allows: for k candidates ranked (any number of
    them, in order) the sum over r = 1..k of k!/(k-r)!; marked (approval, block), 2**k - 1."""
    if method in RANKED:
        return sum(perm(candidates, r) for r in range(1, candidates + 1))
    return 2**candidates - 1


@dataclass(frozen=True)
class ItalianRisk:
    """One revealed question's count of possible papers against the electorate."""

    title: str
    candidates: int
    papers: int
    electorate: int

    @property
    def exposed(self) -> bool:
        """More possible papers than voters: a coercer can hand each victim a paper nobody else casts."""
        return self.papers > self.electorate


def italian_risks(*, ballot: Ballot, electorate: int) -> list[ItalianRisk]:
    """Per question whose papers are revealed one by one (ranked or marked), the Italian-attack figure.
    Homomorphic questions reveal only totals and are not listed."""
    risks = []
    for question in ballot.questions.prefetch_related("options").order_by("position", "id"):
        if _homomorphic(question):
            continue
        k = sum(1 for o in question.options.all() if not o.withdrawn)
        risks.append(ItalianRisk(question.title, k, possible_papers(method=question.method, candidates=k), electorate))
    return risks


@dataclass
class TrusteeStage:
    position: int
    name: str
    person_id: int
    key: bool
    shuffled: bool
    decrypted: bool


@dataclass
class Stage:
    """Where a verifiable ballot is, and who has done what: keys, voting, mixing, decryption, count."""

    election: VerifiableElection
    trustees: list[TrusteeStage]
    stage: str
    ballots: int
    shuffles: list[str] = field(default_factory=list)
    ranked: bool = False
    threshold: int | None = None
    """``t`` when any ``t`` of the trustees decrypt (their keys made by the ceremony); None when all must."""

    @property
    def needed(self) -> int:
        """How many trustees must decrypt for the result."""
        return self.threshold or len(self.trustees)

    @property
    def decrypted(self) -> int:
        return sum(1 for t in self.trustees if t.decrypted)

    @property
    def blocking(self) -> int:
        """How many trustees refusing (or losing their key) leave no result: n - t + 1."""
        return len(self.trustees) - self.needed + 1

    @property
    def decryptions_wanted(self) -> int:
        return max(self.needed - self.decrypted, 0)

    @property
    def keys_missing(self) -> list[str]:
        return [t.name for t in self.trustees if not t.key]

    @property
    def decryptions_missing(self) -> list[str]:
        return [t.name for t in self.trustees if not t.decrypted]


def verifiable_stage(*, election: VerifiableElection) -> Stage:
    ballot = election.ballot
    owners = list(election.shuffle_rows.order_by("position").values_list("owner", flat=True))
    trustees = [
        TrusteeStage(
            position=t.position,
            name=str(t.person),
            person_id=t.person_id,
            key=bool(t.public_key or t.voutput),
            shuffled=t.position in owners,
            decrypted=bool(t.partial_decryption),
        )
        for t in election.trustee_rows.select_related("person").order_by("position")
    ]
    names = {t.position: t.name for t in trustees}
    if ballot.state in {S.DRAFT, S.NOMINATIONS, S.SCHEDULED}:
        stage = "keys"
    elif ballot.state == S.OPEN:
        stage = "voting"
    elif ballot.state == S.CLOSED and not election.result:
        stage = "decryption" if election.shuffles_ended else "mixing"
    elif ballot.state in {S.CLOSED, S.COUNTED, S.DECLARED}:
        stage = "count"
    else:
        stage = "stopped"
    return Stage(
        election=election,
        trustees=trustees,
        stage=stage,
        ballots=election.ballot_rows.count(),
        shuffles=["the server" if o == SERVER else names.get(o, f"trustee {o}") for o in owners],
        ranked=any(m.get("kind") != "choice" for m in election.question_map),
        threshold=election.threshold,
    )


def record_withheld(*, election: VerifiableElection) -> bool:
    """Whether the full record is kept from the public now: it reveals every paper one by one from the
    decryption on (the shuffles' output, once all trustees' factors are in), so only then, and only
    when the ballot has such questions and the returning officer chose not to publish it."""
    return (
        election.record_access != VerifiableElection.RecordAccess.PUBLIC
        and election.shuffles_ended
        and any(m.get("kind") != "choice" for m in election.question_map)
    )


def may_download_record(*, user: Any, election: VerifiableElection) -> bool:
    if not record_withheld(election=election):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    ballot = election.ballot
    if can_manage_ballot(user=user, ballot=ballot) or election.trustee_rows.filter(person=user).exists():
        return True
    if ballot.scrutineers.filter(pk=user.pk).exists():
        return True
    return election.record_access == VerifiableElection.RecordAccess.MEMBERS and is_member(user, ballot.unit)


def box_has(*, election: VerifiableElection, tracker: str) -> bool:
    return VerifiableBallot.objects.filter(election=election, tracker=tracker).exists()

"""Reads of the verifiable mode: the public ballot box, page by page; the trustees' key ceremony."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ballots.models import VerifiableBallot, VerifiableElection, VerifiableTrustee
from ballots.verifiable import threshold as th
from ballots.verifiable.errors import ThresholdError
from ballots.verifiable.group import group_named

BOX_PAGE = 100


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

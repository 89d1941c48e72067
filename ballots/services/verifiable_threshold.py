"""The threshold trustees' key ceremony (t of n), relayed and checked by the server.

When the returning officer sets a threshold ``t`` below the number of
trustees ``n`` (``verifiable_enable``), the trustees do not upload keys:
they run Belenios' distributed key generation (``ballots.verifiable.
threshold``) through these steps, each trustee on their own device:

1. ``certificate``: each trustee's signed public keys, from a seed only
   they hold;
2. ``polynomial`` (once every certificate is in, which fixes them): the
   commitments to their random polynomial and one share encrypted to each
   trustee;
3. ``voutput`` (once every polynomial is in): the trustee's device has
   checked every share it was sent (its "vinput", routed here from the
   polynomials) and returns its verification key, with its own key share
   sealed to itself for the count.

The server checks each message before storing it (signatures, proofs, the
verification key against the commitments) and refuses a bad one with the
check's named reason. It never sees a seed or a share in the clear. When
every voutput is in, the trustees' text (``["Pedersen", ...]``) is built
as voting opens. The stage is read by ``selectors_verifiable.
threshold_ceremony``. If a trustee's device refuses a share (a trustee sent
a bad one), the returning officer restarts the ceremony from step 2
(``threshold_ceremony_restart``): certificates stay, polynomials go.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots.error_codes import BallotErrorCode as Code
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.models import Ballot, VerifiableElection, VerifiableTrustee
from ballots.selectors_verifiable import certificates, polynomials
from ballots.services.verifiable_setup import KEY_STATES, ballot_locked, verifiable_election_of
from ballots.services.verifiable_trustees import owed_step, verifiable_trustees_notify
from ballots.verifiable import jsonfields as jf
from ballots.verifiable import setup_texts
from ballots.verifiable import threshold as th
from ballots.verifiable.errors import ThresholdError
from ballots.verifiable.group import group_named
from core.audit import audit_record
from core.errors import Conflict, DomainError, NotPermitted
from governance.gate import Act, require


def _refused(error: ThresholdError) -> DomainError:
    return DomainError(error.reason, f"Refused ({error.reason}): {error.detail}.")


def _announce_next(election: VerifiableElection, *, done: str) -> None:
    """E-mail every trustee once the step just done is complete for all: the next one is due."""
    step = owed_step(election)
    if step is not None and step != done:
        verifiable_trustees_notify(election=election, step=step)


def _ceremony(
    ballot_id: int, actor: Any
) -> tuple[Ballot, VerifiableElection, VerifiableTrustee, list[VerifiableTrustee]]:
    ballot = ballot_locked(ballot_id=ballot_id)
    election = verifiable_election_of(ballot_id=ballot.pk)
    rows = list(election.trustee_rows.order_by("position"))
    trustee = next((t for t in rows if t.person_id == actor.pk), None)
    if trustee is None:
        raise NotPermitted(VCode.NOT_TRUSTEE, "Only this ballot's trustees take part in its key ceremony.")
    if not election.threshold:
        raise Conflict(VCode.NOT_THRESHOLD, "Every trustee of this ballot decrypts: each uploads a public key.")
    if ballot.state not in KEY_STATES:
        raise Conflict(Code.NOT_EDITABLE, "The key ceremony takes place before voting opens.")
    return ballot, election, trustee, rows


def trustee_certificate_upload(*, ballot_id: int, actor: Any, certificate: str) -> VerifiableTrustee:
    """Step 1: a trustee's certificate; replaceable until every trustee has sent theirs."""
    with transaction.atomic():
        ballot, election, trustee, rows = _ceremony(ballot_id, actor)
        if all(t.certificate for t in rows):
            raise Conflict(VCode.CEREMONY_STAGE, "Every certificate is in: the certificates are fixed.")
        group = group_named(election.group)
        try:
            cert = th.read_certificate(group, certificate.strip())
            others = [t.certificate for t in rows if t.certificate and t.pk != trustee.pk]
            th.read_certificates(group, [*others, cert.signed.text()])
        except ThresholdError as error:
            raise _refused(error) from None
        trustee.certificate = cert.signed.text()
        trustee.save(update_fields=["certificate"])
        audit_record(actor=actor, action="trustee_certificate_uploaded", obj=ballot, unit=ballot.unit)
        _announce_next(election, done="certificate")
    return trustee


def trustee_polynomial_upload(*, ballot_id: int, actor: Any, polynomial: str) -> VerifiableTrustee:
    """Step 2: a trustee's polynomial message, once every certificate is in; once per trustee."""
    with transaction.atomic():
        ballot, election, trustee, rows = _ceremony(ballot_id, actor)
        if not all(t.certificate for t in rows):
            raise Conflict(VCode.CEREMONY_STAGE, "Polynomials are sent once every trustee's certificate is in.")
        if trustee.polynomial:
            raise Conflict(VCode.CEREMONY_STAGE, "You have already sent your polynomial.")
        group = group_named(election.group)
        try:
            checked = th.read_polynomial(
                group, certificates(election, rows), trustee.position, election.threshold or 0, polynomial.strip()
            )
        except ThresholdError as error:
            raise _refused(error) from None
        trustee.polynomial = jf.canonical_json(checked.to_json())
        trustee.save(update_fields=["polynomial"])
        audit_record(actor=actor, action="trustee_polynomial_uploaded", obj=ballot, unit=ballot.unit)
        _announce_next(election, done="polynomial")
    return trustee


def trustee_voutput_upload(*, ballot_id: int, actor: Any, voutput: str) -> VerifiableTrustee:
    """Step 3: a trustee's voutput, once every polynomial is in; its key must be the one the commitments give."""
    with transaction.atomic():
        ballot, election, trustee, rows = _ceremony(ballot_id, actor)
        if not all(t.polynomial for t in rows):
            raise Conflict(VCode.CEREMONY_STAGE, "Voutputs are sent once every trustee's polynomial is in.")
        if trustee.voutput:
            raise Conflict(VCode.CEREMONY_STAGE, "You have already sent your voutput.")
        group = group_named(election.group)
        try:
            polys = polynomials(election, rows, certificates(election, rows))
            checked = th.read_voutput(group, polys, trustee.position, voutput.strip())
        except ThresholdError as error:
            raise _refused(error) from None
        trustee.voutput = jf.canonical_json({"private_key": checked.sealed_key, "public_key": checked.key_json()})
        trustee.save(update_fields=["voutput"])
        audit_record(actor=actor, action="trustee_voutput_uploaded", obj=ballot, unit=ballot.unit)
        _announce_next(election, done="voutput")
    return trustee


def threshold_ceremony_restart(*, ballot_id: int, actor: Any) -> VerifiableElection:
    """The returning officer restarts the ceremony from the polynomials (a trustee's device refused a share):
    every polynomial and voutput is dropped, the certificates stay."""
    with transaction.atomic():
        ballot = ballot_locked(ballot_id=ballot_id)
        require(actor, Act.RUN_BALLOT, ballot, doing="restart the trustees' key ceremony")
        election = verifiable_election_of(ballot_id=ballot.pk)
        if not election.threshold or ballot.state not in KEY_STATES:
            raise Conflict(VCode.CEREMONY_STAGE, "Only a threshold ceremony not yet finished can be restarted.")
        election.trustee_rows.update(polynomial="", voutput="")
        audit_record(actor=actor, action="threshold_ceremony_restarted", obj=ballot, unit=ballot.unit)
        verifiable_trustees_notify(election=election, step="polynomial", again=f"restart-{timezone.now():%H%M%S}")
    return election


def threshold_trustees_text(election: VerifiableElection) -> str:
    """``trustees.json`` for a finished ceremony: one Pedersen item, built from the checked messages."""
    group = group_named(election.group)
    rows = list(election.trustee_rows.order_by("position"))
    certs = certificates(election, rows)
    polys = polynomials(election, rows, certs)
    outputs = [th.read_voutput(group, polys, row.position, row.voutput) for row in rows]
    return setup_texts.pedersen_trustees_text(th.threshold_parameters(certs, polys, outputs))

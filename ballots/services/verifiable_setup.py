"""Setting a ballot up in the verifiable mode (Belenios), and building its election when voting opens.

The returning officer chooses the mode while the ballot is being set up,
naming its trustees and who is the credential authority. Each trustee
generates a key pair on their own device (``belenios-tool setup
generate-trustee-key``) and uploads only the public half with its proof of
knowledge, which is checked here: the server never holds a private key.
Without a threshold (or with ``t = n``) every trustee must take part in
decrypting (Belenios "Single" trustees). With a threshold ``t`` below the
number of trustees ``n``, any ``t`` of them suffice: the trustees then run
Belenios' key ceremony instead of uploading keys
(``verifiable_threshold``). A threshold is refused only when ``t < 1`` or
``t > n``.

When voting opens (``verifiable_open``, called by ``lifecycle.ballot_open``
in its transaction, after the roll is frozen) the election text is built
from the questions, and the credentials: by default **the server is the
credential authority**: it generates one secret credential per voter on
the roll, queues it to the voter by e-mail and keeps only the public
credential. Whoever controls the server while the ballot is open could
therefore vote with a credential it generated; that is the trust choice,
said so on the setup page. The stronger choice is a named person who runs
``belenios-tool setup generate-credentials`` themselves, sends the voters
their credentials, and uploads only the public list. The e-mails'
bodies are blanked at the close (``verifiable_tally``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from ballots.error_codes import BallotErrorCode as Code
from ballots.error_codes_verifiable import VerifiableErrorCode as VCode
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, Question, RollEntry, VerifiableElection, VerifiableTrustee
from ballots.services.verifiable_trustees import verifiable_trustees_notify
from ballots.verifiable import setup_texts
from ballots.verifiable.credentials import public_credential
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import group_named
from core.audit import audit_record
from core.emails import outbox_enqueue
from core.errors import Conflict, DomainError, NotFound, NotPermitted
from governance.gate import Act, require

S = Ballot.State
M = Question.Method
GROUP = "RFC-3526-2048"
"""Ranked answers need a group with an embedding; Belenios' own choice for them."""
SETUP_STATES = frozenset({S.DRAFT, S.NOMINATIONS})
KEY_STATES = frozenset({S.DRAFT, S.NOMINATIONS, S.SCHEDULED})
RANKED = frozenset({M.IRV, M.SCOTTISH_STV, M.MEEK_STV, M.ERS97})
CREDENTIAL_EMAIL_KEY = "verifiable-credential:{ballot}:"
TRUST_STATEMENT = (
    "With the server as credential authority, this server generates each voter's credential, e-mails it "
    "and keeps only the public half; whoever controls the server while voting is open could vote with a "
    "credential it generated. Name a credential authority who generates the credentials with belenios-tool "
    "and uploads only the public list to remove that trust."
)


def ballot_locked(*, ballot_id: int) -> Ballot:
    """``ballot_for_update``, or a 404 refusal for an id that names no ballot
    (an API client may send any number)."""
    try:
        # Looked up before the lock: the advisory lock takes a 32-bit key, and
        # an id no ballot has may be any number the client sends.
        if not 0 <= ballot_id <= MAX_ID or not Ballot.objects.filter(pk=ballot_id).exists():
            raise Ballot.DoesNotExist
        return ballot_for_update(ballot_id=ballot_id)
    except Ballot.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such ballot.") from None


MAX_ID = 2**63 - 1
"""The largest id a database row can have: a larger number names no ballot
(and would overflow the query), so it is refused like any unknown id."""


def verifiable_election_of(*, ballot_id: int) -> VerifiableElection:
    if not 0 <= ballot_id <= MAX_ID:
        raise NotFound(VCode.NOT_VERIFIABLE, "This ballot is not a verifiable ballot.")
    election = VerifiableElection.objects.filter(ballot_id=ballot_id).first()
    if election is None:
        raise NotFound(VCode.NOT_VERIFIABLE, "This ballot is not a verifiable ballot.")
    return election


def verifiable_enable(
    *,
    ballot_id: int,
    actor: Any,
    trustees: Sequence[Any],
    threshold: int | None = None,
    credential_authority: str = VerifiableElection.CredentialAuthority.SERVER,
    credential_authority_name: str = "",
    public_credentials: str = "",
    record_access: str = VerifiableElection.RecordAccess.SCRUTINEERS,
) -> VerifiableElection:
    """Make a ballot still being set up verifiable, with its trustees (in order) and credential authority."""
    people = list(trustees)
    if not people or len({p.pk for p in people}) != len(people) or not all(p.is_active for p in people):
        raise DomainError(VCode.INVALID_TRUSTEES, "Name at least one trustee, each an active member, once.")
    if threshold is not None and not 1 <= threshold <= len(people):
        raise DomainError(
            VCode.INVALID_THRESHOLD,
            f"The threshold is how many of the {len(people)} trustees must decrypt: between 1 and {len(people)}, "
            f"not {threshold}.",
        )
    # t = n is the "every trustee" mode: Single keys, the simpler ceremony for the same guarantee.
    pedersen = threshold if threshold is not None and threshold < len(people) else None
    authority = VerifiableElection.CredentialAuthority
    if credential_authority not in authority.values:
        raise DomainError(VCode.INVALID_CREDENTIALS, "Choose who generates the voters' credentials.")
    if record_access not in VerifiableElection.RecordAccess.values:
        raise DomainError(VCode.INVALID_RECORD_ACCESS, "Choose who may download the full record.")
    name = credential_authority_name.strip()
    if credential_authority == authority.UPLOADED:
        if not name:
            raise DomainError(VCode.INVALID_CREDENTIALS, "Name the person who generated the credentials.")
        try:
            setup_texts.parse_public_credentials(public_credentials, group_named(GROUP))
        except FormatError as error:
            raise DomainError(VCode.INVALID_CREDENTIALS, f"The public credentials are not usable: {error}") from None
    with transaction.atomic():
        ballot = ballot_locked(ballot_id=ballot_id)
        require(actor, Act.RUN_BALLOT, ballot, doing="choose how this ballot is run")
        if ballot.state not in SETUP_STATES:
            raise Conflict(Code.NOT_EDITABLE, "The mode of a ballot is chosen while it is being set up.")
        if VerifiableElection.objects.filter(ballot=ballot).exists():
            raise Conflict(VCode.ALREADY_VERIFIABLE, "This ballot is already verifiable.")
        election = VerifiableElection.objects.create(
            ballot=ballot,
            uuid=setup_texts.new_uuid(),
            group=GROUP,
            credential_authority=credential_authority,
            credential_authority_name=name,
            threshold=pedersen,
            record_access=record_access,
            uploaded_public_credentials=public_credentials.strip()
            if credential_authority == authority.UPLOADED
            else "",
        )
        if record_access != VerifiableElection.RecordAccess.PUBLIC and ballot.publish_papers:
            # The papers are the record's decrypted rankings: withheld alike.
            ballot.publish_papers = False
            ballot.save(update_fields=["publish_papers"])
        VerifiableTrustee.objects.bulk_create(
            VerifiableTrustee(election=election, position=i, person=p) for i, p in enumerate(people, 1)
        )
        verifiable_trustees_notify(election=election, step="certificate" if pedersen else "key")
        audit_record(
            actor=actor,
            action="ballot_made_verifiable",
            obj=ballot,
            unit=ballot.unit,
            detail={
                "trustees": [p.pk for p in people],
                "threshold": pedersen or len(people),
                "credential_authority": credential_authority,
                "record_access": record_access,
            },
        )
    return election


def trustee_key_upload(*, ballot_id: int, actor: Any, public_key: str) -> VerifiableTrustee:
    """A trustee's public key (the ``.pubkey`` text), accepted only with a valid proof of knowledge."""
    with transaction.atomic():
        ballot = ballot_locked(ballot_id=ballot_id)
        election = verifiable_election_of(ballot_id=ballot.pk)
        trustee = election.trustee_rows.filter(person=actor).first()
        if trustee is None:
            raise NotPermitted(VCode.NOT_TRUSTEE, "Only this ballot's trustees upload keys.")
        if election.threshold:
            raise Conflict(VCode.NOT_THRESHOLD, "This ballot's trustees run the threshold key ceremony instead.")
        if ballot.state not in KEY_STATES:
            raise Conflict(Code.NOT_EDITABLE, "Keys are uploaded before voting opens.")
        try:
            _, text = setup_texts.read_trustee_public_key(public_key, group_named(election.group))
        except FormatError as error:
            raise DomainError(VCode.INVALID_TRUSTEE_KEY, f"This is not a usable trustee key: {error}") from None
        trustee.public_key = text
        trustee.save(update_fields=["public_key"])
        audit_record(actor=actor, action="trustee_key_uploaded", obj=ballot, unit=ballot.unit)
    return trustee


def verifiable_ready_problems(*, ballot: Ballot) -> list[str]:
    """Why a verifiable ballot cannot open yet (empty for an ordinary ballot)."""
    election = VerifiableElection.objects.filter(ballot=ballot).first()
    if election is None:
        return []
    rows = list(election.trustee_rows.select_related("person"))
    if election.threshold:
        waiting = [str(t.person) for t in rows if not t.voutput]
        return [f"The trustees' key ceremony is not finished; waiting for: {', '.join(waiting)}."] if waiting else []
    missing = [str(t.person) for t in rows if not t.public_key]
    return [f"Trustees have not uploaded their keys yet: {', '.join(missing)}."] if missing else []


def _question_specs(ballot: Ballot) -> tuple[list[setup_texts.QuestionSpec], list[dict[str, Any]]]:
    """Each question as Belenios states it, and the map back to our questions and options.

    Ranked methods are non-homomorphic (a rank per candidate); approval and
    block votes too (a 0/1 mark per candidate), so their real papers can be
    counted. Motions and single-seat plurality are homomorphic, exactly one
    choice: only the totals are ever decrypted, and since each paper is one
    choice, the totals are the papers."""
    specs, mapping = [], []
    for question in ballot.questions.prefetch_related("options").order_by("position", "id"):
        options = [o for o in question.options.all() if not o.withdrawn]
        labels = tuple(o.label for o in options)
        homomorphic = question.method == M.MOTION or (question.method == M.PLURALITY and question.seats == 1)
        kind = "choice" if homomorphic else ("ranks" if question.method in RANKED else "marks")
        specs.append(setup_texts.QuestionSpec(question.title, labels, ranked=not homomorphic))
        mapping.append({"question": question.pk, "options": [o.pk for o in options], "kind": kind})
    return specs, mapping


def verifiable_open(*, ballot: Ballot) -> None:
    """Build the election and credentials as voting opens. Call in ``ballot_open``'s transaction, roll frozen.

    Raises ``Conflict`` (the ballot stays scheduled) if a trustee's key is
    missing or the uploaded credentials do not match the roll."""
    election = VerifiableElection.objects.filter(ballot=ballot).first()
    if election is None:
        return
    if problems := verifiable_ready_problems(ballot=ballot):
        raise Conflict(Code.NOT_READY, " ".join(problems))
    group = group_named(election.group)
    if election.threshold:
        from ballots.services.verifiable_threshold import threshold_trustees_text  # it imports this module

        trustees = threshold_trustees_text(election)
    else:
        trustees = setup_texts.trustees_text([t.public_key for t in election.trustee_rows.all()])
    specs, mapping = _question_specs(ballot)
    try:
        text = setup_texts.election_text(
            uuid=election.uuid,
            name=ballot.title,
            description=ballot.description,
            group_name=election.group,
            trustees=trustees,
            questions=specs,
        )
    except FormatError as error:
        raise Conflict(VCode.TOO_MANY_ANSWERS, f"The election cannot be built: {error}") from None
    voters = list(RollEntry.objects.filter(ballot=ballot).select_related("voter").order_by("?"))
    if election.credential_authority == VerifiableElection.CredentialAuthority.UPLOADED:
        public = setup_texts.parse_public_credentials(election.uploaded_public_credentials, group)
        if len(public) != len(voters):
            raise Conflict(
                VCode.INVALID_CREDENTIALS,
                f"{len(public)} public credentials were uploaded for a roll of {len(voters)}: they must match.",
            )
    else:
        public = []
        key = CREDENTIAL_EMAIL_KEY.format(ballot=ballot.pk)
        for entry in voters:
            credential = setup_texts.new_credential()
            public.append(public_credential(group, election.uuid, credential))
            outbox_enqueue(
                key=f"{key}{entry.voter_id}",
                recipient=entry.voter,
                template="ballots/verifiable_credential",
                context={"ballot": ballot, "credential": credential, "uuid": election.uuid},
            )
    election.election = text
    election.trustees = trustees
    election.public_credentials = setup_texts.public_credentials_text(public)
    election.question_map = mapping
    election.save(update_fields=["election", "trustees", "public_credentials", "question_map"])

"""The verifiable ballot mode: a Belenios 2.0 election beside a ballot.

A verifiable ballot's votes are encrypted on the voter's device under a
key split between named trustees (``VerifiableTrustee``: each uploads only
a public key, the server never sees a private one), signed with a
credential only the voter holds, and kept in a public ballot box
(``VerifiableBallot``) that anyone can check. At the close the ranked
ciphertexts are shuffled (the server's shuffle, then any trustee's), the
trustees decrypt, and the decrypted papers are counted by the same engine
as any ballot. The whole record is exported as a Belenios board that
``belenios-tool election verify`` checks.

Secrecy by the schema, as for ordinary ballots: a ``VerifiableBallot``
row has a random id, no voter, no timestamp, and is listed by tracker,
never in the order cast. Who voted is the ordinary ``Participation``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def _random_id() -> uuid.UUID:
    return uuid.uuid4()


class VerifiableElection(models.Model):
    """The Belenios side of one ballot: setup texts, then the close's."""

    class CredentialAuthority(models.TextChoices):
        SERVER = "server", "This server generates the credentials and e-mails them"
        UPLOADED = "uploaded", "A named person generates them with belenios-tool and uploads the public ones"

    ballot = models.OneToOneField("ballots.Ballot", on_delete=models.CASCADE, related_name="verifiable")
    uuid = models.CharField(max_length=22, unique=True, help_text="The Belenios election's uuid.")
    group = models.CharField(max_length=20, default="RFC-3526-2048")
    credential_authority = models.CharField(
        max_length=8, choices=CredentialAuthority.choices, default=CredentialAuthority.SERVER
    )
    credential_authority_name = models.CharField(
        max_length=200, blank=True, help_text="Who generated the uploaded public credentials."
    )
    uploaded_public_credentials = models.TextField(blank=True)
    threshold = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many trustees must decrypt, when fewer than all (Belenios' Pedersen trustees); "
        "empty when every trustee must.",
    )

    class RecordAccess(models.TextChoices):
        PUBLIC = "public", "Anyone"
        MEMBERS = "members", "Members of the unit"
        SCRUTINEERS = "scrutineers", "The returning officer, officers, trustees and scrutineers"

    # The full record holds every decrypted ranking: with more possible rankings
    # than voters, a coercer can demand a unique ranking and look for it there
    # (the "Italian attack"). Who may download it once decryption starts.
    record_access = models.CharField(max_length=12, choices=RecordAccess.choices, default=RecordAccess.SCRUTINEERS)
    # Written when voting opens, then never changed: their hashes are the board's roots.
    election = models.TextField(blank=True, help_text="election.json, exactly as published.")
    trustees = models.TextField(blank=True)
    public_credentials = models.TextField(blank=True)
    question_map = models.JSONField(
        default=list, blank=True, help_text="Per Belenios question: the ballot question and its options in order."
    )
    # Written at the close and after.
    encrypted_tally = models.TextField(blank=True)
    num_tallied = models.PositiveIntegerField(default=0)
    shuffles_ended = models.BooleanField(default=False)
    result = models.TextField(blank=True, help_text="The Result payload, once every trustee has decrypted.")

    def __str__(self) -> str:
        return f"verifiable election {self.uuid}"


class VerifiableTrustee(models.Model):
    """A named person holding one share of the election key.

    Without a threshold the trustee is Belenios' "Single" (all must decrypt)
    and uploads ``public_key``. With one, the trustee takes part in the key
    ceremony (``ballots.verifiable.threshold``): ``certificate``, then
    ``polynomial``, then ``voutput``, each checked before it is stored. The
    polynomial's shares and the voutput's key are encrypted to trustees: the
    server relays them and cannot read them."""

    election = models.ForeignKey(VerifiableElection, on_delete=models.CASCADE, related_name="trustee_rows")
    position = models.PositiveSmallIntegerField(help_text="Belenios' trustee number, from 1.")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public_key = models.TextField(blank=True, help_text="The trustee's .pubkey text, its proof checked.")
    certificate = models.TextField(blank=True, help_text="Threshold ceremony, step 1: the signed public keys.")
    polynomial = models.TextField(blank=True, help_text="Step 3: commitments, and shares encrypted to each trustee.")
    voutput = models.TextField(blank=True, help_text="Step 5: the verification key, and the share sealed to itself.")
    partial_decryption = models.TextField(blank=True)

    class Meta:
        ordering = ["election", "position"]
        constraints = [
            models.UniqueConstraint(fields=["election", "position"], name="verifiable_trustee_position"),
            models.UniqueConstraint(fields=["election", "person"], name="verifiable_trustee_once"),
        ]

    def __str__(self) -> str:
        return f"trustee {self.position} of {self.election_id}"


class VerifiableShuffle(models.Model):
    """One shuffle of the ranked ciphertexts, checked before it was stored. Owner 0 is the server."""

    election = models.ForeignKey(VerifiableElection, on_delete=models.CASCADE, related_name="shuffle_rows")
    position = models.PositiveSmallIntegerField()
    owner = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["election", "position"]
        constraints = [models.UniqueConstraint(fields=["election", "position"], name="verifiable_shuffle_position")]

    def __str__(self) -> str:
        return f"shuffle {self.position} of {self.election_id}"


class VerifiableBallot(models.Model):
    """One accepted Belenios ballot, the latest for its credential. No voter, no time."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    election = models.ForeignKey(VerifiableElection, on_delete=models.CASCADE, related_name="ballot_rows")
    credential = models.TextField(help_text="The public credential that signed it.")
    text = models.TextField()
    tracker = models.CharField(max_length=44, help_text="Belenios' ballot hash: Base64 SHA-256 of the text.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "credential"], name="verifiable_one_per_credential")]
        indexes = [models.Index(fields=["election", "tracker"])]

    def __str__(self) -> str:
        return self.tracker


class VerifiableSpentTracker(models.Model):
    """The tracker of a ballot a re-vote replaced. A replaced ballot is still
    validly signed, and anyone who saw it (on the public board, or a coercer
    watching the voter) could send it again to undo the re-vote: the box
    refuses a ballot whose tracker is here. No voter, no time."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    election = models.ForeignKey(VerifiableElection, on_delete=models.CASCADE, related_name="spent_trackers")
    tracker = models.CharField(max_length=44)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "tracker"], name="verifiable_spent_once")]

    def __str__(self) -> str:
        return self.tracker

"""People who sign in. E-mail is the login; allauth handles verification."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person with a login. Their relation to units lives in governance."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    optional_email = models.BooleanField(
        default=True, help_text="Receive optional news; notices the rules require are always sent."
    )
    attention_digest = models.BooleanField(
        default=True,
        help_text="Receive a daily e-mail when something new needs your attention (at most one a day).",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Invitation(models.Model):
    """An e-mail inviting someone on a unit's roll to claim their account.

    At most one *open* invitation per person (a partial unique constraint), so
    running the invitation job twice, or twice at once, queues one e-mail.
    The link itself is a signed token (``accounts.tokens``); this row records
    that it was sent and when it was claimed.
    """

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="Expired unclaimed and replaced by a newer invitation."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(claimed_at__isnull=True, superseded_at__isnull=True),
                name="invitation_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} for user {self.person_id}"


class UnitAccessPolicy(models.Model):
    """A unit's demands on the people who run it. Absent row: no demands.

    Kept here rather than on ``governance.Unit`` because it is about sign-in,
    which accounts owns.
    """

    unit = models.OneToOneField("governance.Unit", on_delete=models.CASCADE, related_name="access_policy")
    officers_require_mfa = models.BooleanField(
        default=False, help_text="Current office holders must use two-factor authentication on officer pages."
    )
    returning_officers_require_mfa = models.BooleanField(
        default=False, help_text="Returning officers of this unit's ballots must use two-factor authentication."
    )

    class Meta:
        verbose_name_plural = "unit access policies"

    def __str__(self) -> str:
        return f"access policy of unit {self.unit_id}"


class AccountLockout(models.Model):
    """An account refused sign-in after too many failed guesses from anywhere.

    Counting failures happens in the cache (``accounts.login_limits``); a
    lockout is a row because it is an event people act on: its owner is
    e-mailed once (outbox key ``accounts-lockout:<id>``), an officer of their
    unit may lift it early, and both are in the audit log. In force while
    ``lifted_at`` is empty and ``ends_at`` is in the future."""

    class Reason(models.TextChoices):
        PASSWORD = "password", "wrong passwords"
        CODE = "code", "wrong authenticator codes"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lockouts")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "ends_at"], name="accounts_lockout_user_ends")]

    def __str__(self) -> str:
        return f"lockout {self.pk} of user {self.user_id}"


class ApiTokenProof(models.Model):
    """What an API token was issued against, kept beside DRF's ``Token``.

    ``mfa_verified``: the request that issued it passed two-factor
    authentication. An officer who enrols in MFA afterwards must get a new
    token before it acts where MFA is required (``accounts.authentication.
    request_mfa_verified``). No row (a token from before this table) means
    not verified."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="proof", db_column="token_key"
    )
    mfa_verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"proof of a token of user {self.token.user_id}"


class AttentionDigest(models.Model):
    """What the last "needs your attention" e-mail to a person listed.

    The daily digest is sent only when the list holds an item this one did
    not (``accounts.digest``): the same items are not sent again every day.
    ``items`` are the items' identities (``kind url``), never their wording,
    so a changed phrase ("needs 1 more seconder") is not news. ``sent`` counts
    digests sent, and names the next one's outbox key, so the sweep run twice
    queues one e-mail."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="attention_digest_state")
    items = models.JSONField(default=list, blank=True)
    sent = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"attention digest state of user {self.person_id}"

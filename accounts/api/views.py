"""REST endpoints for accounts: API tokens, and the signed-in person.

Sessions and tokens both authenticate the API (``REST_FRAMEWORK`` settings).
A token is issued only against the same proofs the web sign-in asks for: a
verified e-mail address, the password, and an authenticator code when the
account has two-factor authentication, so the API is not a way around MFA.
"""

from __future__ import annotations

import hashlib
from typing import Any

from allauth.account.utils import has_verified_email
from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle as AccountRateThrottle
from rest_framework.views import APIView

from accounts import lockouts, roles, services
from accounts.error_codes import AccountErrorCode
from accounts.mfa_forms import MFAAuthenticateForm
from accounts.models import AccountLockout, User
from core.api.errors import ERROR
from core.api.parsers import JSONParser
from core.api.throttling import SimpleRateThrottle
from core.client_ip import client_ip
from core.errors import DomainError, NotPermitted
from governance import selectors as governance_selectors
from governance.models import Unit


class TokenObtainThrottle(SimpleRateThrottle):
    """Every token request counts against the client's address
    (``ACCOUNTS_TOKEN_THROTTLE``), whatever account it names."""

    scope = "accounts_token"

    def get_rate(self) -> str:
        return str(settings.ACCOUNTS_TOKEN_THROTTLE)


class TokenAccountThrottle(AccountRateThrottle):
    """Failed token requests for one account, from any address: a wrong
    password or a wrong authenticator code (``ACCOUNTS_TOKEN_ACCOUNT_THROTTLE``).

    Only failures count, and only ``failure_record`` records one, so a member
    who gets in does not use their allowance up. The trade-off: someone who
    knows a member's address can make that member's *token* requests wait
    out the window; web sign-in (its own limits, keyed on address and
    account) and tokens already issued are unaffected. Counts live in the
    default cache, which keeps counting in-process when Redis is down."""

    scope = "accounts_token_account"

    def get_rate(self) -> str:
        return str(settings.ACCOUNTS_TOKEN_ACCOUNT_THROTTLE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request, view: Any) -> bool:
        """Refuse when the account's failures fill the window; record nothing."""
        self.key = self.get_cache_key(request, view)
        if self.rate is None or self.key is None:
            return True
        allowed, self.window = self.parse_rate(self.rate)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - (self.window or 0)]
        return len(self.history) < (allowed or 0) or self.throttle_failure()

    def wait(self) -> float | None:
        return (self.history[-1] + (self.window or 0) - self.now) if self.history else None

    def failure_record(self) -> None:
        if self.rate is None or self.key is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.window)


class TokenApi(APIView):
    class TokenObtainInput(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
        code = serializers.CharField(
            required=False, allow_blank=True, help_text="Authenticator (TOTP) or recovery code, if MFA is on."
        )

    class TokenOutput(serializers.Serializer):
        token = serializers.CharField(
            help_text='Send as "Authorization: Token <token>". Shown once: only its hash is stored, '
            "and asking again issues a new token and revokes the old one."
        )

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            self.account_throttle = TokenAccountThrottle()
            return [TokenObtainThrottle(), self.account_throttle]
        return super().get_throttles()

    @extend_schema(
        operation_id="accounts_token_obtain",
        summary="Obtain an API token",
        description="Exchange e-mail, password and (when two-factor authentication is on) a code for a token. "
        "Throttled per client address, and failures (password or code) per account.",
        request=TokenObtainInput,
        responses={
            200: TokenOutput,
            400: OpenApiResponse(ERROR, description="invalid_credentials, or a malformed request"),
            403: OpenApiResponse(
                ERROR, description="account_locked, email_unverified, mfa_code_required or mfa_code_invalid"
            ),
            429: OpenApiResponse(ERROR, description="throttled"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].lower()
        if lockouts.login_locked(login=email):
            raise NotPermitted(AccountErrorCode.ACCOUNT_LOCKED, lockouts.LOCKED_MESSAGE)
        user = authenticate(request, username=email, password=data.validated_data["password"])
        if not isinstance(user, User) or not user.is_active:
            self.account_throttle.failure_record()
            lockouts.failure_record(login=email, reason=AccountLockout.Reason.PASSWORD)
            raise DomainError(AccountErrorCode.INVALID_CREDENTIALS, "The e-mail address or password is not correct.")
        if not has_verified_email(user):
            raise NotPermitted(AccountErrorCode.EMAIL_UNVERIFIED, "Verify your e-mail address before using the API.")
        mfa_verified = False
        if roles.mfa_enabled(user):
            code = data.validated_data.get("code") or ""
            if not code:
                raise NotPermitted(
                    AccountErrorCode.MFA_CODE_REQUIRED, "This account uses two-factor authentication: send a code."
                )
            form = MFAAuthenticateForm(user=user, data={"code": code})
            if not form.is_valid():
                self.account_throttle.failure_record()
                if form.has_error("code", "account_locked"):
                    raise NotPermitted(AccountErrorCode.ACCOUNT_LOCKED, lockouts.LOCKED_MESSAGE)
                raise NotPermitted(AccountErrorCode.MFA_CODE_INVALID, "The authenticator code is not correct.")
            mfa_verified = True
        token = services.api_token_issue(user=user, mfa_verified=mfa_verified)
        return Response(self.TokenOutput({"token": token}).data)

    @extend_schema(
        operation_id="accounts_token_revoke",
        summary="Revoke my API token",
        request=None,
        responses={204: None, 401: OpenApiResponse(ERROR, description="not authenticated")},
    )
    def delete(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # noqa: S101 - IsAuthenticated
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LockoutLiftApi(APIView):
    """An officer unlocks a member of their unit locked by failed sign-ins."""

    permission_classes = [permissions.IsAuthenticated]

    class LockoutLiftOutput(serializers.Serializer):
        lifted = serializers.IntegerField(help_text="Lockouts ended now (0 if none was in force).")

    @extend_schema(
        operation_id="accounts_lockout_lift",
        summary="Unlock a member's account",
        description="For an officer of (or above) a unit the person is an active member of, or an administrator. "
        "Audited as account_lockout_lifted.",
        request=None,
        responses={
            200: LockoutLiftOutput,
            403: OpenApiResponse(ERROR, description="not_unit_officer"),
            404: OpenApiResponse(ERROR, description="no such person"),
        },
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = User.objects.filter(pk=person_id).first()
        if person is None:
            raise DomainError(AccountErrorCode.PERSON_NOT_FOUND, "No such person.", status=404)
        lifted = lockouts.lockout_lift(user=person, actor=request.user, ip_address=client_ip(request))
        return Response(self.LockoutLiftOutput({"lifted": lifted}).data)


class MeApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    # JSON only: from a form, DRF reads a missing boolean as false, so junk
    # (or an empty form) would silently switch optional e-mail off.
    parser_classes = [JSONParser]

    class MeMembershipOutput(serializers.Serializer):
        unit = serializers.SlugField(source="unit.slug")
        unit_name = serializers.CharField(source="unit.name")
        kind = serializers.CharField()
        status = serializers.CharField()

    class MeOutput(serializers.Serializer):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        full_name = serializers.CharField()
        optional_email = serializers.BooleanField()
        attention_digest = serializers.BooleanField()
        mfa_enabled = serializers.BooleanField()
        mfa_required = serializers.BooleanField()
        national_admin = serializers.BooleanField()
        officer_of = serializers.ListField(child=serializers.SlugField())
        memberships = serializers.ListField(child=serializers.DictField())

    class MeInput(serializers.Serializer):
        optional_email = serializers.BooleanField(required=False)
        attention_digest = serializers.BooleanField(
            required=False, help_text="The daily e-mail of what needs my attention."
        )

    def _output(self, user: User) -> dict[str, Any]:
        memberships = governance_selectors.membership_list_for_person(person=user)
        return self.MeOutput(
            {
                "id": user.pk,
                "email": user.email,
                "full_name": user.full_name,
                "optional_email": user.optional_email,
                "attention_digest": user.attention_digest,
                "mfa_enabled": roles.mfa_enabled(user),
                "mfa_required": roles.mfa_required(user),
                "national_admin": roles.is_national_admin(user),
                "officer_of": sorted(
                    Unit.objects.filter(pk__in=roles.officer_unit_ids(user)).values_list("slug", flat=True)
                ),
                "memberships": self.MeMembershipOutput(memberships, many=True).data,
            }
        ).data

    @extend_schema(
        operation_id="accounts_me", summary="The signed-in person and their roles", responses={200: MeOutput}
    )
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # noqa: S101 - IsAuthenticated
        return Response(self._output(request.user))

    @extend_schema(
        operation_id="accounts_me_update",
        summary="Change my notification preferences",
        request=MeInput,
        responses={200: MeOutput, 400: OpenApiResponse(ERROR)},
    )
    def patch(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # noqa: S101 - IsAuthenticated
        data = self.MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.preferences_update(
            user=request.user,
            optional_email=data.validated_data.get("optional_email"),
            attention_digest=data.validated_data.get("attention_digest"),
        )
        return Response(self._output(user))

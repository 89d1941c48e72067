from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.authtoken.models import TokenProxy

from accounts import lockouts
from accounts.models import AccountLockout, Invitation, UnitAccessPolicy, User
from core.admin_readonly import ReadOnlyAdmin
from core.client_ip import client_ip
from core.errors import NotPermitted

# API tokens are stored as digests and are nobody's business but their
# holder's: DRF's admin page listing them for every member is taken away.
# (rest_framework.authtoken comes before accounts in INSTALLED_APPS, so its
# admin module has registered the page by now.)
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "optional_email")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(UnitAccessPolicy)
class UnitAccessPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Where units opt their officers and returning officers into required MFA."""

    list_display = ("unit", "officers_require_mfa", "returning_officers_require_mfa")
    autocomplete_fields = ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("person", "unit", "created_at", "claimed_at", "superseded_at")
    list_filter = ("unit",)
    readonly_fields = ("person", "unit", "invited_by", "created_at", "claimed_at", "superseded_at")


@admin.register(AccountLockout)
class AccountLockoutAdmin(ReadOnlyAdmin):
    """Lockouts after failed sign-ins; lifted only through the service (audited)."""

    list_display = ("user", "reason", "started_at", "ends_at", "lifted_at", "lifted_by")
    list_filter = ("reason",)
    search_fields = ("user__email",)
    actions = ["lift"]

    @admin.action(description="Unlock these accounts now (audited)")
    def lift(self, request: HttpRequest, queryset: QuerySet[AccountLockout]) -> Any:
        lifted, refused = 0, []
        for person in User.objects.filter(pk__in=queryset.values("user_id")):
            try:
                lifted += lockouts.lockout_lift(user=person, actor=request.user, ip_address=client_ip(request))
            except NotPermitted as error:  # not theirs to unlock, or MFA first: say which
                refused.append(f"{person.email}: {error.message}")
        self.message_user(request, f"{lifted} lockout(s) lifted.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"Not yours to unlock: {'; '.join(refused)}", messages.ERROR)

from django.contrib import admin

from governance.models import (
    Body,
    DocumentVersion,
    GoverningDocument,
    Handover,
    Holding,
    Membership,
    Office,
    RollImport,
    Unit,
)

admin.site.register([Unit, Body, Office, Holding, GoverningDocument, DocumentVersion])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "unit", "membership_number", "kind", "party_member", "status")
    list_filter = ("unit", "kind", "status", "party_member")
    search_fields = ("person__email", "person__full_name", "membership_number")
    raw_id_fields = ("person",)


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("question", "office", "body", "declared_on")


@admin.register(RollImport)
class RollImportAdmin(admin.ModelAdmin):
    list_display = ("unit", "filename", "state", "dry_run", "created_at")
    exclude = ("content",)

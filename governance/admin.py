from django.contrib import admin

from governance.models import Body, Holding, Membership, Office, Unit

admin.site.register([Unit, Body, Office, Holding])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "unit", "kind", "party_member", "status")
    list_filter = ("unit", "kind", "status", "party_member")

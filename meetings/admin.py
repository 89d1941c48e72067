"""Motions, meetings and their discussion in the admin site, read-only:
they change through the app's services, which check states and write the
audit log. In-meeting votes (and who voted how in an open vote) are not
registered; their results are on the meeting and motion pages."""

from __future__ import annotations

from django.contrib import admin

from core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from meetings.models import (
    AgendaItem,
    Amendment,
    DiscussionPost,
    Meeting,
    Minutes,
    MinutesVersion,
    Motion,
    Requisition,
    StandingOrders,
)


class AmendmentInline(ReadOnlyInline):
    model = Amendment
    fields = ("summary", "proposer", "state", "created_at")


@admin.register(Motion)
class MotionAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "state", "proposer", "created_at")
    list_filter = ("state", "unit")
    search_fields = ("title",)
    list_select_related = ("unit", "proposer")
    inlines = [AmendmentInline]


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ("position", "kind", "title", "motion", "state")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "kind", "starts_at", "state")
    list_filter = ("state", "kind", "unit")
    search_fields = ("title",)
    list_select_related = ("unit",)
    exclude = ("room_code",)
    inlines = [AgendaItemInline]


class MinutesVersionInline(ReadOnlyInline):
    model = MinutesVersion
    fields = ("number", "author", "note")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "state")
    list_select_related = ("meeting",)
    inlines = [MinutesVersionInline]


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "state", "created_by")
    list_select_related = ("unit", "created_by")


@admin.register(StandingOrders)
class StandingOrdersAdmin(ReadOnlyAdmin):
    list_display = ("unit",)


@admin.register(DiscussionPost)
class DiscussionPostAdmin(ReadOnlyAdmin):
    list_display = ("motion", "author", "created_at", "hidden_at")
    list_filter = ("hidden_at",)
    list_select_related = ("motion", "author")

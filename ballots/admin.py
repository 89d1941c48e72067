"""Ballots in the admin site, read-only, and only what is not secret.

Shown: ballots, their questions, options and nominations. **Never
registered**: participations (who voted), pending or counted papers (what
was voted), trackers, the frozen roll and stored results (counted figures
before a declaration would be running totals). A paper must never appear
next to anything that identifies a voter, and an administrator sees no
figures the public does not: ``tests/config/test_admin.py`` checks both.
"""

from __future__ import annotations

from django.contrib import admin

from ballots.models import Ballot, Nomination, Option, Question
from core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ("position", "kind", "title", "method", "seats", "threshold")


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "state", "opens_at", "closes_at", "returning_officer")
    list_filter = ("state", "unit")
    search_fields = ("title",)
    list_select_related = ("unit", "returning_officer")
    inlines = [QuestionInline]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ("position", "label", "candidate", "is_ron", "withdrawn")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("title", "ballot", "kind", "method", "seats")
    list_filter = ("kind", "method")
    list_select_related = ("ballot",)
    inlines = [OptionInline]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("nominee", "question", "state", "created_at")
    list_filter = ("state",)
    list_select_related = ("nominee", "question")

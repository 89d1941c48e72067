"""The audit log in sentences, for people: "Sol Secretary opened the ballot
“Branch AGM ballot”", with a link to what was acted on.

The stored entry keeps its machine-readable action code (and the CSV export
shows it); this module only words a page of entries. Objects are looked up
in one query per kind of object on the page, never one per row, and an
object that no longer exists is named by its kind and number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from core.models import AuditEntry

# action code -> what the actor did, worded to precede the object's name.
VERBS: dict[str, str] = {
    "account_claimed": "claimed the account of",
    "agenda_decision": "recorded a decision on",
    "agenda_item_added": "added an item to the agenda of",
    "amendment_accepted": "accepted",
    "amendment_decided": "recorded the decision on",
    "amendment_proposed": "proposed",
    "amendment_ruled": "ruled on",
    "amendment_seconded": "seconded",
    "amendment_withdrawn": "withdrew",
    "ballot_cancelled": "cancelled",
    "ballot_closed": "closed",
    "ballot_closing_time_changed": "changed the closing time of",
    "ballot_counted": "counted",
    "ballot_created": "created",
    "ballot_declared": "declared the result of",
    "ballot_opened": "opened",
    "ballot_recounted": "ordered a recount of",
    "ballot_reopened": "re-opened",
    "ballot_scheduled": "scheduled",
    "ballot_scrutineer_named": "named a scrutineer of",
    "ballot_scrutineer_removed": "removed a scrutineer of",
    "ballot_updated": "changed",
    "body_created": "set up",
    "body_mandate_ended": "ended the mandate of",
    "body_updated": "changed",
    "checked_in": "checked in to",
    "checked_out": "checked out of",
    "discussion_post_edited": "edited a post about",
    "discussion_post_hidden": "hid a post about",
    "discussion_posted": "posted in the discussion of",
    "document_created": "created",
    "document_version_adopted": "adopted a new version of",
    "handover": "handed over to the elected holders of",
    "holding_appointed": "appointed someone to",
    "holding_ended": "ended a term in",
    "interim_mandate_ended": "ended the interim mandate of",
    "invitation_sent": "sent an invitation to",
    "meeting_cancelled": "cancelled",
    "meeting_closed": "closed",
    "meeting_notice_sent": "sent the notice of",
    "meeting_scheduled": "scheduled",
    "meeting_started": "opened",
    "meeting_vote_closed": "closed a vote in",
    "meeting_vote_decided": "recorded the result of a vote in",
    "meeting_vote_opened": "opened a vote in",
    "minutes_approved": "approved the minutes of",
    "minutes_drafted": "drafted the minutes of",
    "minutes_edited": "edited the minutes of",
    "motion_composited": "composited",
    "motion_created": "drafted",
    "motion_decided": "recorded the decision on",
    "motion_ruled": "ruled on",
    "motion_seconded": "seconded",
    "motion_submitted": "submitted",
    "motion_withdrawn": "withdrew",
    "nomination_made": "made a nomination in",
    "nomination_withdrawn": "withdrew a nomination in",
    "nominations_closed": "closed nominations for",
    "nominations_opened": "opened nominations for",
    "office_created": "set up",
    "office_updated": "changed",
    "option_added": "added a candidate or choice to",
    "option_withdrawn": "withdrew a candidate or choice from",
    "person_erased": "erased a person's data",
    "person_removed": "removed a person's record from",
    "projector_link_rotated": "issued a new projector link for",
    "question_added": "added a question to",
    "question_removed": "removed a question from",
    "question_updated": "changed a question of",
    "requisition_met": "reached the signatures needed for",
    "requisition_started": "started",
    "roll_imported": "imported the roll of",
    "room_code_rotated": "issued a new check-in code for",
    "room_code_shown": "showed the check-in code of",
    "speaker_called": "called a speaker in",
    "speakers_reordered": "reordered the speakers' list of",
    "supporter_signed_up": "signed up as a supporter of",
    "unit_established": "recorded the first elected body of",
}

# object type -> (its kind in words, how to link to it from an officer's page)
Link = Callable[[Any], str]
KINDS: dict[str, tuple[str, Link | None]] = {
    "ballots.ballot": ("ballot", lambda o: reverse("ballots:manage", args=[o.pk])),
    "ballots.question": ("question", lambda o: reverse("ballots:manage", args=[o.ballot_id])),
    "ballots.option": ("choice", None),
    "ballots.nomination": ("nomination", None),
    "meetings.motion": ("motion", lambda o: reverse("meetings:motion", args=[o.pk])),
    "meetings.amendment": ("amendment", lambda o: reverse("meetings:motion", args=[o.motion_id])),
    "meetings.meeting": ("meeting", lambda o: reverse("meetings:meeting", args=[o.pk])),
    "meetings.minutes": ("meeting", lambda o: reverse("meetings:meeting", args=[o.meeting_id])),
    "meetings.agendaitem": ("agenda item", lambda o: reverse("meetings:meeting", args=[o.meeting_id])),
    "meetings.meetingvote": ("vote", lambda o: reverse("meetings:meeting", args=[o.meeting_id])),
    "meetings.papercount": ("paper ballot", lambda o: reverse("meetings:paper_count", args=[o.pk])),
    "meetings.requisition": ("requisition", None),
    "governance.unit": ("unit", lambda o: reverse("governance:unit", args=[o.slug])),
    "governance.body": ("body", lambda o: reverse("governance:body", args=[o.unit.slug, o.pk])),
    "governance.office": ("office", lambda o: reverse("governance:office", args=[o.unit.slug, o.pk])),
    "governance.governingdocument": ("document", lambda o: reverse("governance:document", args=[o.unit.slug, o.pk])),
    "governance.rollimport": ("roll import", None),
    "accounts.user": ("member", None),
}
# What to call an object in a sentence, where its own name would repeat the
# verb: "approved the minutes of the meeting “AGM”", not "of the minutes “Minutes of AGM”".
NAMES: dict[str, Callable[[Any], str]] = {"meetings.minutes": lambda o: str(o.meeting)}
SELECT_RELATED = {
    "meetings.minutes": ["meeting"],
    "governance.body": ["unit"],
    "governance.office": ["unit"],
    "governance.governingdocument": ["unit"],
}


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    actor: str
    verb: str
    object_name: str
    object_url: str


def _kind_in_words(object_type: str) -> str:
    """A model's verbose name ("agenda item"), never its label ("agendaitem")."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type.split(".")[-1]


def _verb(action: str) -> str:
    return VERBS.get(action, action.replace("_", " "))


def _objects(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], Any]:
    """Every object the entries name, one query per object type."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, str], Any] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        numeric = [i for i in ids if str(i).isdigit()]
        queryset = model._default_manager.filter(pk__in=numeric).select_related(*SELECT_RELATED.get(object_type, []))
        for obj in queryset:
            found[(object_type, str(obj.pk))] = obj
    return found


def audit_lines(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    """A page of entries as sentences with links (entries should come with
    their actor selected, as ``audit_entries_for_unit`` gives them)."""
    entries = list(entries)
    objects = _objects(entries)
    lines = []
    for entry in entries:
        kind, link = KINDS.get(entry.object_type, (_kind_in_words(entry.object_type), None))
        obj = objects.get((entry.object_type, str(entry.object_id)))
        if obj is None:
            name, url = f"{kind} {entry.object_id} (since deleted)", ""
        else:
            shown = NAMES.get(entry.object_type, str)(obj)
            name = f"the {kind} “{shown}”" if entry.object_type != "accounts.user" else shown
            try:
                url = link(obj) if link else ""
            except NoReverseMatch:
                url = ""
        actor = entry.actor.full_name or entry.actor.email if entry.actor else "The system"
        lines.append(AuditLine(entry=entry, actor=actor, verb=_verb(entry.action), object_name=name, object_url=url))
    return lines

"""Reads for motions and meetings."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ballots.for_meetings import room_ballot_has_voted, room_ballot_turnout
from core.glossary import vote_figures
from governance.models import Holding, Unit
from governance.selectors import eligible_memberships
from meetings.markdown import markdown_numbered
from meetings.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Meeting,
    MeetingVote,
    Minutes,
    Motion,
    MotionForwarding,
    OpenVoteCast,
    SpeakerRequest,
    StandingOrders,
    StandingOrdersVersion,
)
from meetings.models.meetings import ORDERS_FIELDS

User = get_user_model()


def standing_orders_for(*, unit: Unit) -> StandingOrders:
    """The unit's standing orders, or the defaults (unsaved) if it has none."""
    found = StandingOrders.objects.filter(unit=unit).first()
    return found if found is not None else StandingOrders(unit=unit)


def standing_orders_of_meeting(*, meeting: Meeting) -> StandingOrders:
    """The standing orders that govern ``meeting``: those it started with
    once it has started (a change made during or after it applies from the
    next meeting), else the unit's current ones. Unsaved when a snapshot."""
    if meeting.standing_orders:
        known = {k: v for k, v in meeting.standing_orders.items() if k in ORDERS_FIELDS}
        return StandingOrders(unit_id=meeting.unit_id, **known)
    return standing_orders_for(unit=meeting.unit)


def standing_orders_versions(*, unit: Unit) -> QuerySet[StandingOrdersVersion]:
    return StandingOrdersVersion.objects.filter(unit=unit).select_related("changed_by").order_by("-number")


def motion_list(*, unit: Unit | None = None, viewer: Any = None) -> QuerySet[Motion]:
    """Motions anyone may read: everything but drafts, plus the viewer's own drafts."""
    visible = ~Q(state=Motion.State.DRAFT)
    if getattr(viewer, "is_authenticated", False):
        visible |= Q(proposer=viewer)
    qs = Motion.objects.filter(visible).select_related("unit", "proposer", "meeting")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.annotate(seconder_count=Count("secondings", distinct=True))


def motion_detail(*, motion_id: int) -> Motion:
    return (
        Motion.objects.select_related("unit", "proposer", "meeting", "composited_into", "referred_from", "ruled_by")
        .prefetch_related(
            Prefetch("secondings", queryset=_secondings()),
            Prefetch(
                "amendments",
                queryset=Amendment.objects.select_related("proposer").prefetch_related("secondings__seconder"),
            ),
            "referrals__unit",
            "meeting_votes",
        )
        .get(pk=motion_id)
    )


def _secondings() -> QuerySet[Any]:
    from meetings.models import Seconding

    return Seconding.objects.select_related("seconder").order_by("at", "id")


MEETING_STATES_TAKING_MOTIONS = (Meeting.State.SCHEDULED, Meeting.State.NOTICE_SENT)


def meeting_takes_motions(*, meeting: Meeting, now: Any = None) -> bool:
    """Whether motions may still be put to ``meeting``: called (scheduled or
    notice sent), not begun, and its motion deadline not passed."""
    now = now or timezone.now()
    return meeting.state in MEETING_STATES_TAKING_MOTIONS and now <= meeting.motions_close_at


def forwarding_targets(*, motion: Motion, now: Any = None) -> list[Meeting]:
    """The meetings a carried ``motion`` may be forwarded to now: those of
    the units above its own (region, national) still taking motions, less
    those it was already forwarded to, soonest first. The tree is a few
    levels deep, so the deadline (days before each meeting) is checked here
    rather than in SQL."""
    above = [pk for pk in motion.unit.ancestor_ids() if pk != motion.unit_id]
    if not above:
        return []
    done = motion.forwardings.values("meeting_id")
    meetings = (
        Meeting.objects.filter(unit_id__in=above, state__in=MEETING_STATES_TAKING_MOTIONS)
        .exclude(pk__in=done)
        .select_related("unit")
        .order_by("starts_at", "id")
    )
    return [m for m in meetings if meeting_takes_motions(meeting=m, now=now)]


def forwarding_history(*, motion: Motion) -> dict[str, Any]:
    """Where ``motion`` came from and where it went, for its page and the API.

    ``came_from``: the forwarding that made it (its original, the branch, the
    original's seconders and decided votes), or ``None``; ``went_to``: every
    meeting it was forwarded to, with the motion made there."""
    came_from = (
        MotionForwarding.objects.select_related("original__unit", "original__meeting", "meeting__unit")
        .prefetch_related(Prefetch("original__secondings", queryset=_secondings()), "original__meeting_votes")
        .filter(forwarded=motion)
        .first()
    )
    went_to = list(
        MotionForwarding.objects.filter(original=motion).select_related("meeting__unit", "forwarded").order_by("id")
    )
    return {"came_from": came_from, "went_to": went_to}


def compositable_motions(*, meeting: Meeting) -> QuerySet[Motion]:
    """The meeting's motions that may still be composited: submitted or
    ruled in order, not yet decided (``motion_composite`` refuses others)."""
    return (
        Motion.objects.filter(meeting=meeting, state__in=[Motion.State.SUBMITTED, Motion.State.IN_ORDER])
        .select_related("proposer", "unit")
        .annotate(seconder_count=Count("secondings"))  # for its state in words (core.glossary)
        .order_by("submitted_at", "id")
    )


def meeting_list_upcoming(*, unit: Unit | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(
        state__in=[Meeting.State.SCHEDULED, Meeting.State.NOTICE_SENT, Meeting.State.IN_PROGRESS]
    ).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("starts_at", "id")


def meeting_list_past(*, unit: Unit | None = None) -> QuerySet[Meeting]:
    """Closed meetings, the most recently held first (opened, or else called for)."""
    qs = Meeting.objects.filter(state=Meeting.State.CLOSED).select_related("unit", "minutes")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by(Coalesce("started_at", "starts_at").desc(), "id")


def meeting_detail(*, meeting_id: int) -> Meeting:
    return (
        Meeting.objects.select_related("unit", "body")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("motion", "ballot", "previous_minutes__meeting"),
            ),
        )
        .get(pk=meeting_id)
    )


def eligible_people(*, meeting: Meeting) -> QuerySet[Any]:
    """Who may attend and vote: a committee's current members, otherwise the
    unit's active full members."""
    if meeting.body_id is not None:
        holders = Holding.objects.filter(body_id=meeting.body_id, ends_on__isnull=True).values("person_id")
        return User.objects.filter(pk__in=holders, is_active=True)
    members = eligible_memberships(unit=meeting.unit, kinds=["member"]).values("person_id")
    return User.objects.filter(pk__in=members, is_active=True)


def is_eligible(*, meeting: Meeting, person: Any) -> bool:
    return eligible_people(meeting=meeting).filter(pk=person.pk).exists()


def attendance_count(*, meeting: Meeting) -> int:
    """Members in the room now (those who checked out are not counted)."""
    return Attendance.objects.filter(meeting=meeting, checked_out_at__isnull=True).count()


def is_checked_in(*, meeting: Meeting, person: Any) -> bool:
    return (
        bool(getattr(person, "is_authenticated", False))
        and Attendance.objects.filter(meeting=meeting, person=person, checked_out_at__isnull=True).exists()
    )


# How many check-ins the console lists unless the chair asks for everyone: a
# national conference's 1,000 rows made each console page 600 KB and 0.6 s.
CONSOLE_ATTENDANCE_ROWS = 50


@dataclass(frozen=True)
class AttendanceShown:
    """The console's attendance list: the latest arrivals, or everyone on request."""

    rows: list[Attendance]
    total: int

    @property
    def cut(self) -> bool:
        return len(self.rows) < self.total


def attendance_list(*, meeting: Meeting, everyone: bool = False) -> AttendanceShown:
    """Those checked in, latest first; only the latest ``CONSOLE_ATTENDANCE_ROWS``
    unless ``everyone`` (the chair finds anyone else by name)."""
    rows = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "checked_in_by")
        .order_by(F("checked_out_at").asc(nulls_first=True), "-checked_in_at", "-id")
    )
    if everyone:
        shown = list(rows)
        return AttendanceShown(rows=shown, total=len(shown))
    shown = list(rows[:CONSOLE_ATTENDANCE_ROWS])
    total = len(shown) if len(shown) < CONSOLE_ATTENDANCE_ROWS else rows.count()
    return AttendanceShown(rows=shown, total=total)


def vote_current(*, meeting: Meeting) -> MeetingVote | None:
    """The open vote, or else the most recent one (for the projector)."""
    open_vote = MeetingVote.objects.filter(meeting=meeting, state=MeetingVote.State.OPEN).first()
    if open_vote is not None:
        return open_vote
    return MeetingVote.objects.filter(meeting=meeting).order_by("-opened_at", "-id").first()


def vote_cast_count(*, vote: MeetingVote) -> int:
    """How many have voted so far (never how: that stays hidden until close)."""
    if vote.mode == MeetingVote.Mode.OPEN:
        return OpenVoteCast.objects.filter(vote=vote).count()
    if vote.mode == MeetingVote.Mode.SECRET and vote.ballot_id:
        return room_ballot_turnout(ballot_id=vote.ballot_id)
    return 0


def has_voted(*, vote: MeetingVote, person: Any) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    if vote.mode == MeetingVote.Mode.OPEN:
        return OpenVoteCast.objects.filter(vote=vote, voter=person).exists()
    if vote.mode == MeetingVote.Mode.SECRET and vote.ballot_id:
        return room_ballot_has_voted(ballot_id=vote.ballot_id, person_id=person.pk)
    return False


def live_state(*, meeting: Meeting, chair_view: bool = False) -> dict[str, Any]:
    """What the room sees, as plain data: the one view that phones, the
    projector and the pushed messages (``meetings/services/live.py``) all
    show, so that no screen tells more than another.

    The counter policy, decided here once: a secret vote's turnout ("N of M
    have voted") is not in the public view until the vote is decided, on
    phones and on the projector alike. The projector is the screen the whole
    room watches; a counter ticking up there as a member taps their phone
    shows the room who voted when, and whether someone voted at all, which
    is part of what the secret ballot keeps. An open vote's counter stays:
    its names are recorded and published anyway. The chair (``chair_view``,
    for the meeting's officers, on the console) sees how many have voted,
    never how, to know when everyone present has voted. A result's figures
    appear only once decided, and not at all when too few voted (they are
    not stored: ``meetings/services/votes.py``).

    ``version`` orders states: it is taken before anything is read, so a
    state with a higher version read the database no earlier, and a client
    that has shown one ignores any pushed or polled state with a lower one."""
    version = time.time_ns() // 1000  # microseconds: exact in a JavaScript number
    present = attendance_count(meeting=meeting)
    vote = vote_current(meeting=meeting)
    item = meeting.agenda_items.filter(state=AgendaItem.State.CURRENT).select_related("motion").first()
    return {
        "version": version,
        "meeting_id": meeting.pk,
        "meeting": meeting.title,
        "state": meeting.state,
        "state_label": meeting.get_state_display(),
        "present": present,
        "quorum": meeting.quorum,
        "quorate": present >= meeting.quorum,
        "current_item": item.title if item else None,
        "item": {"title": item.title, "kind": item.get_kind_display(), "position": item.position} if item else None,
        "motion": _live_motion(item),
        "speakers_waiting": _speakers_waiting(meeting=meeting, item=item),
        "vote": _live_vote(vote, chair_view=chair_view) if vote is not None else None,
        "at": timezone.now().isoformat(),
    }


SHOWN_AMENDMENTS = [Amendment.State.SECONDED, Amendment.State.CARRIED, Amendment.State.LOST]


def _live_motion(item: AgendaItem | None) -> dict[str, Any] | None:
    """The current item's motion, its paragraphs numbered, and its
    amendments as the diff of just the paragraphs each changes."""
    from meetings.diffing import amendment_diff_html

    motion = item.motion if item is not None else None
    if motion is None:
        return None
    amendments = [
        {
            "summary": a.summary,
            "state": a.get_state_display(),
            "paragraph": a.paragraph,
            "diff_html": str(amendment_diff_html(a)),
        }
        for a in motion.amendments.filter(state__in=SHOWN_AMENDMENTS).order_by("created_at", "id")
    ]
    return {
        "title": motion.title,
        "text": motion.text,
        "text_html": str(markdown_numbered(motion.text)),  # rendered: the room never reads raw Markdown
        "amended": motion.is_amended,
        "state": motion.get_state_display(),
        "amendments": amendments,
    }


def _live_vote(vote: MeetingVote, *, chair_view: bool) -> dict[str, Any]:
    decided = vote.state == MeetingVote.State.DECIDED
    hide_count = (vote.mode == MeetingVote.Mode.SECRET and not decided and not chair_view) or (
        vote.mode == MeetingVote.Mode.HANDS
    )
    figures_shown = decided and vote.votes_for is not None
    data: dict[str, Any] = {
        "id": vote.pk,
        "title": vote.title,
        "mode": vote.mode,
        "mode_label": vote.get_mode_display(),
        "threshold": vote.threshold,
        "two_thirds": vote.threshold == MeetingVote.Threshold.TWO_THIRDS,
        "state": vote.state,
        "voted": None if hide_count else vote_cast_count(vote=vote),
        "present": vote.present,
        "votes_for": vote.votes_for if figures_shown else None,
        "votes_against": vote.votes_against if figures_shown else None,
        "abstentions": vote.abstentions if figures_shown else None,
        "carried": vote.carried if decided else None,
        "figures_withheld": bool(vote.result.get("figures_withheld")) if decided else False,
        "explanation": vote.result.get("explanation", "") if decided else "",
    }
    data["status"], data["outcome"] = _vote_sentence(data)
    return data


def _vote_sentence(data: dict[str, Any]) -> tuple[str, str]:
    """What the screens say about the vote, and the outcome in one word."""
    how = data["mode_label"] + (" · two-thirds required" if data["two_thirds"] else "")
    if data["state"] == MeetingVote.State.OPEN:
        if data["mode"] == MeetingVote.Mode.HANDS:
            return f"Vote open: show of hands · {how}", ""
        if data["voted"] is None:
            return f"Vote open: vote on your phone · {how}", ""
        return f"Vote open: {data['voted']} of {data['present']} who may vote have voted · {how}", ""
    if data["state"] == MeetingVote.State.CLOSED:
        return f"Vote closed: counting · {how}", ""
    outcome = "CARRIED" if data["carried"] else "LOST"
    if data["votes_for"] is None:
        return f"Figures withheld: too few voted · {how}", outcome
    figures = vote_figures(data["votes_for"], data["votes_against"], data["abstentions"])
    return f"{figures} · {how}", outcome


def _speakers_waiting(*, meeting: Meeting, item: AgendaItem | None) -> int:
    """How many wait to speak on the current item (a count: the names are the room's)."""
    from meetings.speakers import on_the_list

    return on_the_list(meeting=meeting, item=item).filter(state=SpeakerRequest.State.WAITING).count()


def minutes_for_meeting(*, meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).prefetch_related("versions__author").first()


def minutes_awaiting_approval(*, unit: Unit) -> QuerySet[Minutes]:
    return Minutes.objects.filter(meeting__unit=unit, state=Minutes.State.DRAFT).select_related("meeting")


def open_vote_names(*, vote: MeetingVote) -> QuerySet[OpenVoteCast]:
    """The recorded names of an open vote (published once it is closed)."""
    return (
        OpenVoteCast.objects.filter(vote=vote).select_related("voter", "holder").order_by("choice", "voter__full_name")
    )


def meetings_for_person(*, person: Any) -> QuerySet[Meeting]:
    """Upcoming meetings of the units the person belongs to."""
    unit_ids = person.memberships.filter(status="active").values("unit_id")
    return meeting_list_upcoming().filter(unit_id__in=unit_ids)


def discussion_threads(*, motion: Motion) -> dict[int | None, list[Any]]:
    """Every post on ``motion`` and its amendments in one query, grouped by
    thread (``None`` is the motion's own; otherwise the amendment's id):
    top-level posts in order, each with ``thread_replies`` in order."""
    from meetings.models import DiscussionPost

    posts = list(
        DiscussionPost.objects.filter(motion=motion).select_related("author", "hidden_by").order_by("created_at", "id")
    )
    by_id = {p.pk: p for p in posts}
    threads: dict[int | None, list[Any]] = {}
    for post in posts:
        post.thread_replies = []  # type: ignore[attr-defined]
    for post in posts:
        if post.parent_id is not None and post.parent_id in by_id:
            by_id[post.parent_id].thread_replies.append(post)  # type: ignore[attr-defined]
        else:
            threads.setdefault(post.amendment_id, []).append(post)
    return threads


def motion_list_for_unit(*, unit: Unit) -> QuerySet[Motion]:
    """The unit's motions for its public page: never a draft (a draft is its
    proposer's private work, and so is the fact that they are writing one)."""
    return (
        Motion.objects.filter(unit=unit)
        .exclude(state=Motion.State.DRAFT)
        .annotate(seconder_count=Count("secondings"))  # for its state in words (core.glossary)
        .select_related("proposer")
    )


def meeting_list_upcoming_of_unit(*, unit: Unit) -> list[Meeting]:
    """The unit's next five meetings still to come (not cancelled or closed)."""
    return list(
        Meeting.objects.filter(unit=unit, starts_at__gte=timezone.now())
        .exclude(state__in=[Meeting.State.CANCELLED, Meeting.State.CLOSED])
        .order_by("starts_at")[:5]
    )


def meeting_list_past_of_unit(*, unit: Unit) -> list[Meeting]:
    """The unit's last five closed meetings, newest first (their pages carry the minutes)."""
    return list(Meeting.objects.filter(unit=unit, state=Meeting.State.CLOSED).order_by("-starts_at", "-id")[:5])

"""Reads for the speakers' list: the queue in the order the standing orders
give, the current speaker's clock, and who spoke (for the minutes).

The policy, applied in this order:

1. points of order go to the top, in the order they were raised;
2. rows the chair placed by hand (``position``) come next, in that order;
3. the rest: if ``first_time_speakers_first``, those who have not yet spoken
   on the item before those who have; then by when they asked;
4. if ``alternate_by_gender``, the queue after the points of order is
   re-threaded so each speaker differs in stated gender from the one before
   where someone waiting allows it: the first in line whose stated gender
   differs from the last speaker's goes next. Only the gender a member
   stated when asking counts; those who did not say are never passed over
   and do not break the alternation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, SpeakerRequest
from meetings.selectors import standing_orders_of_meeting

R = SpeakerRequest


@dataclass(frozen=True)
class QueuePolicy:
    first_time_first: bool
    alternate: bool
    speech_seconds: int

    def describe(self) -> str:
        parts = ["points of order first"]
        if self.first_time_first:
            parts.append("first-time speakers before those who have spoken")
        if self.alternate:
            parts.append("alternating by the gender speakers stated")
        return "; ".join(parts).capitalize() + f"; {self.speech_seconds // 60}:{self.speech_seconds % 60:02d} a speech."


def policy_for(*, meeting: Meeting) -> QueuePolicy:
    orders = standing_orders_of_meeting(meeting=meeting)
    return QueuePolicy(
        first_time_first=orders.first_time_speakers_first,
        alternate=orders.alternate_by_gender,
        speech_seconds=orders.speech_seconds,
    )


def current_item(*, meeting: Meeting) -> AgendaItem | None:
    return AgendaItem.objects.filter(meeting=meeting, state=AgendaItem.State.CURRENT).first()


def _item_filter(item: AgendaItem | None) -> dict[str, Any]:
    return {"agenda_item": item} if item is not None else {"agenda_item__isnull": True}


def order_queue(
    waiting: Sequence[SpeakerRequest], *, spoken: set[int], last_gender: str, policy: QueuePolicy
) -> list[SpeakerRequest]:
    """The waiting requests in speaking order (pure: no queries)."""
    orders = sorted((r for r in waiting if r.kind == R.Kind.POINT_OF_ORDER), key=lambda r: (r.requested_at, r.pk))
    placed = sorted(
        (r for r in waiting if r.kind != R.Kind.POINT_OF_ORDER and r.position is not None),
        key=lambda r: (r.position, r.pk),
    )
    rest = sorted(
        (r for r in waiting if r.kind != R.Kind.POINT_OF_ORDER and r.position is None),
        key=lambda r: ((policy.first_time_first and r.person_id in spoken), r.requested_at, r.pk),
    )
    if not policy.alternate:
        return orders + placed + rest
    line = placed + rest
    threaded: list[SpeakerRequest] = []
    last = last_gender
    while line:
        pick = 0
        if last and line[0].gender and line[0].gender == last:
            pick = next((i for i, r in enumerate(line) if r.gender != last), 0)
        chosen = line.pop(pick)
        threaded.append(chosen)
        if chosen.gender:
            last = chosen.gender
    return orders + threaded


def on_the_list(*, meeting: Meeting, item: AgendaItem | None = None) -> QuerySet[SpeakerRequest]:
    """Every request on the list as it stands: the current item's (or, before
    the chair takes the first item, those waiting for it), and nothing once
    the meeting is not in progress. The phone, the console and the projector
    all read through here, so they cannot disagree."""
    if meeting.state != Meeting.State.IN_PROGRESS:
        return SpeakerRequest.objects.none()
    item = item if item is not None else current_item(meeting=meeting)
    return SpeakerRequest.objects.filter(meeting=meeting, **_item_filter(item))


def speakers_queue(*, meeting: Meeting, item: AgendaItem | None = None) -> list[SpeakerRequest]:
    """Who waits to speak on the current item, in the order they will be called."""
    on_item = on_the_list(meeting=meeting, item=item).select_related("person")
    waiting = list(on_item.filter(state=R.State.WAITING))
    spoken_rows = list(on_item.filter(state__in=[R.State.DONE, R.State.SPEAKING]).order_by("started_at", "id"))
    last_gender = next((r.gender for r in reversed(spoken_rows) if r.gender), "")
    return order_queue(
        waiting, spoken={r.person_id for r in spoken_rows}, last_gender=last_gender, policy=policy_for(meeting=meeting)
    )


def waiting_sentence(queue: Sequence[SpeakerRequest], *, item: AgendaItem) -> str:
    """Who still waits on ``item``, in a sentence (for the chair's confirmation)."""
    names = ", ".join(f"{r.person} ({r.get_kind_display().lower()})" for r in queue)
    many = "people wait" if len(queue) != 1 else "person waits"
    return f"{len(queue)} {many} to speak on “{item.title}”: {names}."


def speaker_current(*, meeting: Meeting) -> SpeakerRequest | None:
    if meeting.state != Meeting.State.IN_PROGRESS:
        return None
    return SpeakerRequest.objects.filter(meeting=meeting, state=R.State.SPEAKING).select_related("person").first()


def speaker_elapsed(*, request: SpeakerRequest, now: dt.datetime | None = None) -> int:
    """Seconds spoken so far, counting the running clock."""
    running = 0
    if request.clock_started_at is not None:
        running = int(((now or timezone.now()) - request.clock_started_at).total_seconds())
    return request.elapsed_seconds + max(running, 0)


def speaker_live(*, meeting: Meeting) -> dict[str, Any]:
    """The speakers' part of the live feed: plain data, names as shown in the room."""
    current = speaker_current(meeting=meeting)
    queue = speakers_queue(meeting=meeting)
    policy = policy_for(meeting=meeting)
    item = current_item(meeting=meeting) if meeting.state == Meeting.State.IN_PROGRESS else None
    data: dict[str, Any] = {
        "item": item.title if item is not None else None,
        "policy": policy.describe(),
        "queue": [{"id": r.pk, "name": str(r.person), "kind": r.get_kind_display()} for r in queue],
        "current": None,
    }
    if current is not None:
        elapsed = speaker_elapsed(request=current)
        data["current"] = {
            "id": current.pk,
            "name": str(current.person),
            "kind": current.get_kind_display(),
            "running": current.clock_started_at is not None,
            "elapsed": elapsed,
            "limit": current.limit_seconds,
            "remaining": current.limit_seconds - elapsed,
        }
    return data


def speakers_for_minutes(*, meeting: Meeting) -> QuerySet[SpeakerRequest]:
    """Who spoke, on which item, in order, and for how long (``elapsed_seconds``),
    for the minutes."""
    return (
        SpeakerRequest.objects.filter(meeting=meeting, state=R.State.DONE)
        .select_related("person", "agenda_item")
        .order_by("agenda_item__position", "started_at", "id")
    )


def speaker_requests_of(*, meeting: Meeting, person: Any) -> QuerySet[SpeakerRequest]:
    """A member's own requests on the list as it stands, waiting or speaking
    (for their phone: the same rows the console and the projector show)."""
    if not getattr(person, "is_authenticated", False):
        return SpeakerRequest.objects.none()
    waiting = on_the_list(meeting=meeting).filter(person=person, state=R.State.WAITING)
    current = speaker_current(meeting=meeting)
    if current is None or current.person_id != person.pk:
        return waiting.order_by("requested_at", "id")
    return (waiting | SpeakerRequest.objects.filter(pk=current.pk)).order_by("requested_at", "id")

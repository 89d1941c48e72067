"""Pushing the room's state to its screens when it changes.

Every service that changes what the room sees (a vote opened, closed or
decided, attendance, the current item, the speakers' list, the check-in
code shown or hidden) calls ``room_changed`` inside its transaction. When
the transaction commits, the new states are computed once and sent,
already encoded, to the three groups whose sockets
``meetings/consumers.py`` holds: the public view (phones), the officers'
view (the console) and the projector's. A thousand phones get one state
read from the database, not a thousand.

Pushing is best-effort: a change is committed before it is pushed, and a
screen that missed a push (Redis down, a socket dropped) polls the same
state from ``live.json``. So a failure to push is logged and never turns
a committed vote into an error page.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

from meetings.models import Meeting
from meetings.room import officers_live, projector_extras
from meetings.selectors import live_state, vote_current

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 0.5  # a Redis that hangs must not hold the chair's request
CAST_PUSH_EVERY_S = 1  # votes cast move the counter: at most one public push a second


def public_group(meeting_id: int) -> str:
    return f"meeting-{meeting_id}"


def officers_group(meeting_id: int) -> str:
    return f"meeting-{meeting_id}-officers"


def projector_group(meeting_id: int, token: str) -> str:
    """The projector's group carries its secret address: when the chair
    replaces the address, screens opened on the old one are left in a group
    nobody sends to (the check-in code must not reach a leaked link)."""
    return f"meeting-{meeting_id}-projector-{token}"


def room_changed(*, meeting_id: int) -> None:
    """Push the room's new state once the current transaction commits
    (at once outside a transaction)."""
    transaction.on_commit(partial(room_publish, meeting_id=meeting_id), robust=True)


def room_vote_cast(*, meeting_id: int) -> None:
    """A vote was cast: the officers' counter moves; the public one too
    for an open vote, but at most once a second per meeting (a thousand
    votes in a minute must not be a million messages). A secret vote's
    counter is not public (``selectors.live_state``), so its casts go to
    the officers only."""
    transaction.on_commit(partial(_vote_cast_publish, meeting_id=meeting_id), robust=True)


def _vote_cast_publish(*, meeting_id: int) -> None:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return
    vote = vote_current(meeting=meeting)
    public_moves = vote is not None and vote.mode == vote.Mode.OPEN
    if public_moves and cache.add(f"meetings:live:{meeting_id}:cast", 1, timeout=CAST_PUSH_EVERY_S):
        room_publish(meeting_id=meeting_id)
        return
    room_publish(meeting_id=meeting_id, officers_only=True)
    if public_moves and cache.add(f"meetings:live:{meeting_id}:trail", 1, timeout=CAST_PUSH_EVERY_S):
        # Votes held back by the limit are shown by one push at the end of
        # the window, so the room's counter never stops short of the truth.
        from meetings.tasks import room_publish_later  # the tasks module imports the services

        room_publish_later.apply_async((meeting_id,), countdown=CAST_PUSH_EVERY_S)


def room_states(*, meeting: Meeting) -> dict[str, str]:
    """The three views of one moment, each computed and encoded once: the
    public state, the officers' (the chair's view, which differs only while
    a secret vote is open: its turnout; and the speakers' list and clock)
    and the projector's (the public state plus the code
    and the speakers' names)."""
    public = live_state(meeting=meeting)
    vote = public["vote"]
    secret_open = vote is not None and vote["mode"] == "secret" and vote["state"] == "open"
    chair = live_state(meeting=meeting, chair_view=True) if secret_open else public
    extras = projector_extras(meeting=meeting)
    return {
        public_group(meeting.pk): json.dumps(public),
        officers_group(meeting.pk): json.dumps({**chair, "speakers": extras["speakers"]}),
        projector_group(meeting.pk, meeting.projector_token): json.dumps({**public, **extras}),
    }


def room_publish(*, meeting_id: int, officers_only: bool = False) -> None:
    """Compute the room's states now and send them to the groups."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    layer = get_channel_layer()
    if meeting is None or layer is None:
        return
    if officers_only:  # a vote cast: only the officers' counter moves
        states = {officers_group(meeting_id): json.dumps(officers_live(meeting=meeting))}
    else:
        states = room_states(meeting=meeting)
    try:
        _run_send(layer, states)
    except Exception:  # a push that fails leaves the screens to poll; the change stands
        log.exception("Could not push meeting %s's state", meeting_id)


def _run_send(layer: object, states: dict[str, str]) -> None:
    """Send from this thread; or, where an event loop already runs in it (a
    service called from async code, or beside a browser driven by
    Playwright's sync API), from a short-lived thread of its own, since
    ``async_to_sync`` cannot run inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_send_all)(layer, states)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(_send_all), layer, states).result(timeout=SEND_TIMEOUT_S * 4)


async def _send_all(layer: object, states: dict[str, str]) -> None:
    sends = [layer.group_send(group, {"type": "room.state", "text": text}) for group, text in states.items()]  # type: ignore[attr-defined]
    await asyncio.wait_for(asyncio.gather(*sends), timeout=SEND_TIMEOUT_S)

"""The room's sockets: a phone, the console or the projector connects and
is sent each new state of the meeting as it is pushed
(``meetings/services/live.py``), instead of asking every few seconds.

Three addresses, one group each, so no socket gets a message twice:
``/ws/meetings/<id>/`` (the public view, anyone, like ``live.json``),
``/ws/meetings/<id>/officers/`` (the chair's view: refused unless the
signed-in user is one of the meeting's officers) and
``/ws/meetings/<id>/projector/<token>/`` (the screen's view, at the
projector's secret address). On connecting, a socket is sent the current
state first, so a screen that reconnects misses nothing.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from meetings import permissions
from meetings.models import Meeting
from meetings.room import officers_live, projector_live
from meetings.selectors import live_state
from meetings.services.live import officers_group, projector_group, public_group

# Close codes (4000-4999 are the application's). Closing before accepting
# refuses the handshake: a browser sees HTTP 403 and no socket at all.
REFUSED = 4403
NOT_FOUND = 4404


def _join(meeting_id: int, view: str, user: Any, token: str) -> tuple[str, str] | int:
    """The group to join and the current state for it, or a close code."""
    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    if meeting is None:
        return NOT_FOUND
    if view == "officers":
        if not permissions.is_officer(user=user, unit=meeting.unit):
            return REFUSED
        return officers_group(meeting.pk), json.dumps(officers_live(meeting=meeting))
    if view == "projector":
        if not secrets.compare_digest(meeting.projector_token.encode(), token.encode()):
            return NOT_FOUND
        return projector_group(meeting.pk, meeting.projector_token), json.dumps(projector_live(meeting=meeting))
    return public_group(meeting.pk), json.dumps(live_state(meeting=meeting))


class MeetingConsumer(AsyncWebsocketConsumer):
    """Sends states; what a client sends is ignored (the base class's ``receive``)."""

    group: str | None = None

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        joined = await database_sync_to_async(_join)(
            int(kwargs["meeting_id"]), kwargs.get("view", "public"), self.scope.get("user"), kwargs.get("token", "")
        )
        if isinstance(joined, int):
            await self.close(code=joined)
            return
        self.group, state = joined
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=state)

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def room_state(self, event: dict[str, Any]) -> None:
        """A state pushed to the group, already encoded once for everyone."""
        await self.send(text_data=event["text"])

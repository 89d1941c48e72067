"""The room in real time: states pushed to sockets through the real Redis
channel layer (``.henv``'s REDIS_URL), as phones, the console and the
projector receive them (``meetings/consumers.py``,
``meetings/services/live.py``)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from config.asgi import application
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")
WAIT_S = 10  # an upper bound for a message that must come, not a duration asserted


def _session_cookie(user: Any) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


def _drive(scenario: Any) -> None:
    """Run an async scenario to its end from a thread of its own: the main
    thread of a test process may already hold a running event loop (the
    session's Chromium, driven by Playwright's sync API), where
    ``async_to_sync`` cannot run."""

    def call() -> None:
        try:
            async_to_sync(scenario)()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(call).result()


def _socket(path: str, cookie: tuple[bytes, bytes] | None = None) -> WebsocketCommunicator:
    """A socket as a browser opens it: from the site's own page, with its session cookie."""
    return WebsocketCommunicator(application, path, headers=[ORIGIN] + ([cookie] if cookie else []))


async def _until(socket: WebsocketCommunicator, done: Any) -> list[dict[str, Any]]:
    """Every state the socket receives, up to and including the first for which ``done`` holds."""
    seen = []
    while True:
        state = json.loads(await socket.receive_from(timeout=WAIT_S))
        seen.append(state)
        if done(state):
            return seen


def test_the_layer_is_redis() -> None:
    assert type(get_channel_layer()).__module__.startswith("channels_redis"), "these tests are about the Redis layer"


def test_a_site_sharing_the_redis_server_does_not_reach_this_sites_rooms(branch: Any) -> None:
    """Redis's publish/subscribe ignores database numbers: another site on the
    same server, with its own REDIS_URL database, pushing to its own meeting
    of the same id must not reach this site's phones (a bench's room once
    showed up on a test's phones)."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    from meetings.services.live import public_group

    assert str(int(settings.REDIS_URL.rsplit("/", 1)[1])) in settings.CHANNELS_PREFIX
    other_db = (int(settings.REDIS_URL.rsplit("/", 1)[1]) + 7) % 16
    other_url = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{other_db}"
    meeting = running_meeting(branch, present=2)

    async def run() -> None:
        phone = _socket(f"/ws/meetings/{meeting.pk}/")
        assert (await phone.connect())[0]
        await phone.receive_from(timeout=WAIT_S)  # the state on connecting
        other_site = RedisPubSubChannelLayer(hosts=[other_url], prefix=f"agora.db{other_db}")
        await other_site.group_send(public_group(meeting.pk), {"type": "room.state", "text": '{"other": 1}'})
        this_site = get_channel_layer()
        await this_site.group_send(public_group(meeting.pk), {"type": "room.state", "text": '{"this": 1}'})
        assert json.loads(await phone.receive_from(timeout=WAIT_S)) == {"this": 1}  # and not the other's first
        assert await phone.receive_nothing(timeout=0.5)
        await other_site.flush()
        await phone.disconnect()

    _drive(run)


def test_a_vote_closed_by_the_chair_reaches_a_connected_phone_decided(branch: Any) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=4)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    for person, choice in zip([branch.secretary, *branch.members[:3]], ["for", "for", "for", "against"], strict=True):
        meeting_vote_cast(vote_id=vote.pk, voter=person, choice=choice)
    member = _session_cookie(branch.members[0])

    async def run() -> None:
        phone = _socket(f"/ws/meetings/{meeting.pk}/", member)
        connected, _ = await phone.connect()
        assert connected
        first = json.loads(await phone.receive_from(timeout=WAIT_S))
        assert first["vote"]["state"] == "open" and first["vote"]["voted"] == 4
        await database_sync_to_async(meeting_vote_close)(vote_id=vote.pk, actor=branch.secretary)
        seen = await _until(phone, lambda s: s["vote"]["state"] == "decided")
        decided = seen[-1]["vote"]
        assert (decided["votes_for"], decided["votes_against"], decided["abstentions"]) == (3, 1, 0)
        assert decided["carried"] is True and decided["outcome"] == "CARRIED"
        assert seen[-1]["version"] > first["version"]
        await phone.disconnect()

    _drive(run)


def test_only_officers_may_join_the_officers_group(branch: Any) -> None:
    meeting = running_meeting(branch, present=3)
    member, chair_cookie = _session_cookie(branch.members[0]), _session_cookie(branch.secretary)

    async def run() -> None:
        for who, cookie in (("a member", member), ("a signed-out visitor", None)):
            refused = _socket(f"/ws/meetings/{meeting.pk}/officers/", cookie)
            connected, code = await refused.connect()
            assert (connected, code) == (False, 4403), f"{who} joined the officers' group"
        chair = _socket(f"/ws/meetings/{meeting.pk}/officers/", chair_cookie)
        connected, _ = await chair.connect()
        assert connected
        assert json.loads(await chair.receive_from(timeout=WAIT_S))["present"] == 3
        await chair.disconnect()
        wrong_screen = _socket(f"/ws/meetings/{meeting.pk}/projector/not-the-token/")
        assert (await wrong_screen.connect())[0] is False
        elsewhere = WebsocketCommunicator(
            application, f"/ws/meetings/{meeting.pk}/", headers=[(b"origin", b"https://evil.example")]
        )
        assert (await elsewhere.connect())[0] is False, "a page on another site opened a socket"

    _drive(run)


def test_a_secret_votes_figures_are_never_public_before_it_is_decided(branch: Any) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=6)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    voters = [branch.secretary, *branch.members[:5]]
    latecomer = branch.members[6]
    member, chair_cookie = _session_cookie(branch.members[0]), _session_cookie(branch.secretary)

    async def run() -> None:
        phone = _socket(f"/ws/meetings/{meeting.pk}/", member)
        screen = _socket(f"/ws/meetings/{meeting.pk}/projector/{meeting.projector_token}/")
        chair = _socket(f"/ws/meetings/{meeting.pk}/officers/", chair_cookie)
        for socket in (phone, screen, chair):
            assert (await socket.connect())[0]
            await socket.receive_from(timeout=WAIT_S)  # the state on connecting
        vote = await database_sync_to_async(meeting_vote_open)(
            meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion
        )
        for person, choice in zip(voters, ["for", "for", "for", "for", "against", "abstain"], strict=True):
            await database_sync_to_async(meeting_vote_cast)(vote_id=vote.pk, voter=person, choice=choice)
        # The chair's console counts every vote as it is cast, never how.
        counted = await _until(chair, lambda s: s["vote"] and s["vote"]["voted"] == len(voters))
        assert all(s["vote"]["votes_for"] is None for s in counted if s["vote"])
        # Something public happens while the vote is open, then the close.
        await database_sync_to_async(attendance_check_in_by_officer)(
            meeting_id=meeting.pk, person=latecomer, actor=branch.secretary
        )
        await database_sync_to_async(meeting_vote_close)(vote_id=vote.pk, actor=branch.secretary)
        for where, socket in (("phone", phone), ("projector", screen)):
            seen = await _until(socket, lambda s: s["vote"] and s["vote"]["state"] == "decided")
            before = [s for s in seen if s["vote"] and s["vote"]["state"] != "decided"]
            assert any(s["present"] == 7 for s in before), f"the {where} missed the latecomer"
            for state in before:
                public_vote = state["vote"]
                assert public_vote["voted"] is None, f"the {where} was told the turnout of a secret vote"
                for key in ("votes_for", "votes_against", "abstentions", "carried"):
                    assert public_vote[key] is None, f"the {where} was told {key} before the result"
                assert "for," not in public_vote["status"]
            decided = seen[-1]["vote"]
            assert (decided["votes_for"], decided["votes_against"], decided["abstentions"]) == (4, 1, 1), where
        for socket in (phone, screen, chair):
            await socket.disconnect()

    _drive(run)


def test_the_projector_shows_the_public_view_of_a_secret_vote(branch: Any) -> None:
    """One counter policy: the projector, which the whole room sees, shows a
    secret vote's turnout no more than a phone does (``live_state``)."""
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=3)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    meeting_vote_cast(vote_id=vote.pk, voter=branch.members[0], choice="for")
    projector = f"/meetings/{meeting.pk}/projector/{meeting.projector_token}/"
    assert Client().get(projector + "live.json").json()["vote"]["voted"] is None
    assert "1 of 3 present" not in Client().get(projector).content.decode()
    assert Client().get(f"/meetings/{meeting.pk}/live.json").json()["vote"]["voted"] is None


def test_a_replaced_projector_address_gets_no_more_states(branch: Any) -> None:
    """The projector's group carries its secret address: after the chair
    replaces it, states (the check-in code among them) go only to screens
    opened on the new one."""
    from meetings.services.live import projector_group, room_states
    from meetings.services.room import projector_token_rotate

    meeting = running_meeting(branch, present=2)
    old = meeting.projector_token
    projector_token_rotate(meeting_id=meeting.pk, actor=branch.secretary)
    meeting.refresh_from_db()
    groups = room_states(meeting=meeting)
    assert projector_group(meeting.pk, meeting.projector_token) in groups
    assert projector_group(meeting.pk, old) not in groups

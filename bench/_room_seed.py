"""The room benchmark's meeting: a branch of N members, all checked in to a
meeting in progress, with agenda items for the chair to take, a motion in
order for the vote, the chair's signed-in session and every member's API
token. Run by ``bench/room_push.py`` in its own process (Django set up on
the bench database); prints one JSON object on its last line.

Members and their check-ins are written in bulk: the bench measures the
room, not the sign-up. Everything the chair and the members then do goes
through the real pages and API of the servers under test."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import api_token_issue  # noqa: E402
from config.celery_app import app as celery_app  # noqa: E402
from governance.models import Holding, Membership, Office, Unit  # noqa: E402
from meetings.models import AgendaItem, Attendance, StandingOrders  # noqa: E402
from meetings.services import meetings as meeting_services  # noqa: E402
from meetings.services import motions as motion_services  # noqa: E402


def _chair_session(chair: User) -> str:
    """A signed-in session for the chair, as the sign-in page would leave it."""
    store = SessionStore()
    store[SESSION_KEY] = str(chair.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = chair.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--items", type=int, default=12)
    args = parser.parse_args()

    national = Unit.objects.create(name="National network", slug="national", kind="national")
    unit = Unit.objects.create(name="Conference", slug="conference", kind="branch", parent=national)
    StandingOrders.objects.create(unit=unit, seconders_required=2, quorum=10)
    chair = User.objects.create_user(email="chair@example.org", password=None, full_name="Chris Chair")
    Membership.objects.create(unit=unit, person=chair, joined_on=dt.date(2024, 1, 1))
    office = Office.objects.create(unit=unit, title="Chair")
    Holding.objects.create(person=chair, office=office, starts_on=dt.date(2024, 1, 1), authority="Elected")
    members = User.objects.bulk_create(
        User(email=f"delegate{i}@example.org", full_name=f"Delegate {i}", password="!")  # noqa: S106
        for i in range(args.members)
    )
    Membership.objects.bulk_create(Membership(unit=unit, person=m, joined_on=dt.date(2024, 1, 1)) for m in members)

    proposer, s1, s2 = members[:3]
    motion = motion_services.motion_create(
        unit=unit, proposer=proposer, title="Back the renters' union", text="We back it."
    )
    motion_services.motion_submit(motion_id=motion.pk, actor=proposer)
    motion_services.motion_second(motion_id=motion.pk, seconder=s1)
    motion_services.motion_second(motion_id=motion.pk, seconder=s2)
    motion_services.motion_rule(motion_id=motion.pk, actor=chair, in_order=True)

    meeting = meeting_services.meeting_schedule(
        unit=unit, actor=chair, kind="general", title="National conference",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    items = [
        meeting_services.agenda_item_add(meeting_id=meeting.pk, actor=chair, kind=AgendaItem.Kind.REPORT, title=f"Report {n:03d}")
        for n in range(1, args.items + 1)
    ]  # fmt: skip
    vote_item = meeting_services.agenda_item_add(
        meeting_id=meeting.pk, actor=chair, kind=AgendaItem.Kind.MOTION, title="The motion", motion=motion
    )
    meeting_services.meeting_notice_send(meeting_id=meeting.pk, actor=chair)
    celery_app.control.purge()  # the notice's e-mails: not what the bench measures
    meeting_services.meeting_start(meeting_id=meeting.pk, actor=chair, confirm_early=True)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, person=p, method=Attendance.Method.SECRETARY, checked_in_by=chair)
        for p in [chair, *members]
    )
    meeting.refresh_from_db()
    print(
        json.dumps(
            {
                "meeting": meeting.pk,
                "projector_token": meeting.projector_token,
                "items": [{"id": i.pk, "title": i.title} for i in items],
                "vote_item": vote_item.pk,
                "motion": motion.pk,
                "chair_session": _chair_session(chair),
                "tokens": [api_token_issue(user=m) for m in members],
            }
        )
    )


if __name__ == "__main__":
    main()

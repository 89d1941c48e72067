"""Demo data for motions and meetings, called by ``seed_demo``.

Written with plain model writes (not the services) so it does not depend on
who holds which office when it runs, and stays fast on SQLite: a closed
meeting with decided votes and draft minutes, an AGM with its notice sent and
a motion with an amendment on the agenda, and one requisition collecting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.models import Unit
from meetings.models import (
    AgendaItem,
    Amendment,
    AmendmentSeconding,
    Attendance,
    DiscussionPost,
    Meeting,
    MeetingVote,
    Motion,
    MotionFollow,
    OpenVoteCast,
    Requisition,
    RequisitionSignature,
    Seconding,
    StandingOrders,
)
from meetings.services.minutes import minutes_draft


def load_demo(*, unit: Unit, members: list[Any], secretary: Any, chair: Any) -> None:
    """Load the meetings demo for ``unit``. ``members`` needs at least 12 people."""
    if Meeting.objects.filter(unit=unit).exists():
        return
    now = timezone.now()
    with transaction.atomic():
        # Proxies allowed, so the demo's proxy journey works (appoint at /meetings/<id>/proxy/).
        StandingOrders.objects.update_or_create(
            unit=unit,
            defaults={"quorum": 5, "requisition_signatures": 10, "proxies_allowed": True, "proxies_per_holder": 2},
        )
        past = Meeting.objects.create(
            unit=unit, kind=Meeting.Kind.GENERAL, title=f"General meeting of {unit.name}",
            place=unit.meeting_place, starts_at=now - dt.timedelta(days=30), state=Meeting.State.IN_PROGRESS,
            notice_days=7, quorum=5, created_by=secretary, notice_sent_at=now - dt.timedelta(days=40),
            started_at=now - dt.timedelta(days=30),
        )  # fmt: skip
        Attendance.objects.bulk_create(
            Attendance(meeting=past, person=p, method=Attendance.Method.SECRETARY, checked_in_by=secretary)
            for p in members[:9]
        )
        housing = Motion.objects.create(
            unit=unit, proposer=members[0], title="Back the renters' union",
            text="This branch **backs** the local renters' union and will:\n\n1. publicise its meetings;\n2. join its next action.",
            state=Motion.State.IN_ORDER, seconders_required=2, submitted_at=now - dt.timedelta(days=45),
            ruled_at=now - dt.timedelta(days=40), ruled_by=secretary, meeting=past,
        )  # fmt: skip
        housing.original_text = housing.text
        housing.save(update_fields=["original_text"])
        Seconding.objects.bulk_create([Seconding(motion=housing, seconder=p) for p in members[1:3]])
        MotionFollow.objects.bulk_create([MotionFollow(motion=housing, person=p) for p in members[:3]])
        item = AgendaItem.objects.create(
            meeting=past, position=1, kind=AgendaItem.Kind.MOTION, title=housing.title, motion=housing,
            state=AgendaItem.State.DONE,
        )  # fmt: skip
        AgendaItem.objects.create(
            meeting=past, position=2, kind=AgendaItem.Kind.REPORT, title="Treasurer's report",
            notes="Balance £1,204; income from subs £310.", decision="Report received.", state=AgendaItem.State.DONE,
        )  # fmt: skip
        vote = MeetingVote.objects.create(
            meeting=past, agenda_item=item, motion=housing, title=housing.title, mode=MeetingVote.Mode.OPEN,
            state=MeetingVote.State.DECIDED, present=9, votes_for=7, votes_against=1, abstentions=1, carried=True,
            opened_by=chair, closed_at=now - dt.timedelta(days=30),
            result={"explanation": "7 for, 1 against, 0 abstentions; a simple majority needed 2 votes for"},
        )  # fmt: skip
        choices = ["for"] * 7 + ["against", "abstain"]
        OpenVoteCast.objects.bulk_create(
            OpenVoteCast(vote=vote, voter=p, choice=c) for p, c in zip(members[:9], choices, strict=True)
        )
        note = "Carried: 7 for, 1 against, 1 abstention (simple majority; open vote, names recorded)."
        Motion.objects.filter(pk=housing.pk).update(
            state=Motion.State.CARRIED, outcome_note=note, decided_at=now - dt.timedelta(days=30)
        )
        item.decision = f"{housing.title} — {note}"
        item.save(update_fields=["decision"])
        Meeting.objects.filter(pk=past.pk).update(state=Meeting.State.CLOSED, ended_at=now - dt.timedelta(days=30))
        minutes_draft(meeting_id=past.pk, actor=secretary)

        agm = Meeting.objects.create(
            unit=unit, kind=Meeting.Kind.AGM, title=f"Annual general meeting of {unit.name}",
            place=unit.meeting_place, starts_at=now + dt.timedelta(days=20), state=Meeting.State.NOTICE_SENT,
            notice_days=14, motion_deadline_days=7, amendment_deadline_days=2, quorum=5, created_by=secretary,
            notice_sent_at=now - dt.timedelta(days=1),
        )  # fmt: skip
        AgendaItem.objects.create(
            meeting=agm, position=1, kind=AgendaItem.Kind.MINUTES, title=f"Minutes of {past.title}",
            previous_minutes=past.minutes,
        )  # fmt: skip
        AgendaItem.objects.create(meeting=agm, position=2, kind=AgendaItem.Kind.REPORT, title="Chair's report")
        AgendaItem.objects.create(meeting=agm, position=3, kind=AgendaItem.Kind.ACCOUNTS, title="Annual accounts")
        text = "The branch adopts a code of conduct for all meetings and elects a welfare officer."
        conduct = Motion.objects.create(
            unit=unit, proposer=members[3], title="Adopt a code of conduct", text=text, original_text=text,
            state=Motion.State.IN_ORDER, seconders_required=2, amends_constitution=True, meeting=agm,
            submitted_at=now - dt.timedelta(days=2), ruled_at=now - dt.timedelta(days=1), ruled_by=secretary,
        )  # fmt: skip
        Seconding.objects.bulk_create([Seconding(motion=conduct, seconder=p) for p in members[4:6]])
        amended = "The branch adopts a code of conduct for all meetings and elects two welfare officers, at least one a woman."
        amendment = Amendment.objects.create(
            motion=conduct, proposer=members[6], summary="Two welfare officers, one a woman",
            text=amended, base_text=text, paragraph=1, old_paragraph=text, new_paragraph=amended,
            state=Amendment.State.SECONDED,
        )  # fmt: skip
        AmendmentSeconding.objects.create(amendment=amendment, seconder=members[7])
        question = DiscussionPost.objects.create(
            motion=conduct, author=members[4], text="Good idea. Does the code cover **online** meetings too?"
        )
        DiscussionPost.objects.create(
            motion=conduct, author=members[3], parent=question,
            text="Yes: it says *all meetings*, online ones included.",
        )  # fmt: skip
        DiscussionPost.objects.create(
            motion=conduct, amendment=amendment, author=members[8],
            text="Two welfare officers share the load, and members can choose whom to talk to. I support it.",
        )  # fmt: skip
        DiscussionPost.objects.create(
            motion=conduct, author=members[9], text="A remark about another member by name.",
            hidden_at=now, hidden_by=secretary, hidden_reason="Personal remarks about another member",
        )  # fmt: skip
        DiscussionPost.objects.create(
            motion=housing, author=members[1], text="The renters' union meets on the first Tuesday of each month."
        )
        AgendaItem.objects.create(
            meeting=agm, position=4, kind=AgendaItem.Kind.MOTION, title=conduct.title, motion=conduct
        )
        AgendaItem.objects.create(meeting=agm, position=5, kind=AgendaItem.Kind.AOB, title="Any other business")

        requisition = Requisition.objects.create(
            unit=unit, purpose="An extraordinary meeting on the branch's response to the council's budget cuts.",
            created_by=members[8], signatures_required=10,
        )  # fmt: skip
        RequisitionSignature.objects.bulk_create(
            RequisitionSignature(requisition=requisition, signer=p) for p in members[8:12]
        )

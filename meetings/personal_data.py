"""What meetings holds about a person and how it is erased; composed by
``portal.personal_data``.

Held: motions and amendments proposed and seconded, discussion posts, the
speakers' lists they joined (with the gender they stated, if any), proxies
given and held, check-ins, delegate seats, open votes cast (an open vote is a
public record of who voted how; secret votes are in ballots and never linked
to a person), requisitions signed, motions followed.

Erased: the stated gender (set to "not stated"), the text of their posts
(replaced by ``[removed]``; the post stays so replies keep their thread),
their draft motions (private work nobody else saw), motions followed, and
every optional reference to them as an officer (ruled by, hidden by, chair,
checked in by, minutes author, paper confirmer, standing orders editor,
forwarded by).

Kept, pointing at the account's tombstone ("Removed member"): references the
record's integrity counts on (``KEPT`` below says why for each). None of
them names the person once the account row is anonymised.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.personal_data import REMOVED
from meetings.models import (
    Amendment,
    AmendmentSeconding,
    Attendance,
    DiscussionPost,
    Meeting,
    MeetingDelegate,
    MinutesVersion,
    Motion,
    MotionFollow,
    MotionForwarding,
    OpenVoteCast,
    PaperEntry,
    ProxyAppointment,
    RequisitionSignature,
    Seconding,
    SpeakerRequest,
    StandingOrdersVersion,
)

ERASED = frozenset(
    {
        "meetings.Motion.ruled_by",
        "meetings.MotionFollow.person",
        "meetings.DiscussionPost.hidden_by",
        "meetings.StandingOrdersVersion.changed_by",
        "meetings.Meeting.chair",
        "meetings.Attendance.checked_in_by",
        "meetings.MinutesVersion.author",
        "meetings.PaperEntry.confirmed_by",
        "meetings.MotionForwarding.forwarded_by",
    }
)
KEPT: dict[str, str] = {
    "meetings.Motion.proposer": "a motion has a proposer on the record (draft motions are deleted)",
    "meetings.Seconding.seconder": "seconders are counted for the motion to go forward",
    "meetings.Amendment.proposer": "an amendment has a proposer on the record",
    "meetings.AmendmentSeconding.seconder": "seconders are counted for the amendment to go forward",
    "meetings.DiscussionPost.author": "replies keep their thread; the post's text is removed",
    "meetings.Meeting.created_by": "who called a meeting is part of whether it was validly called",
    "meetings.Attendance.person": "check-ins make the quorum and the count of those present",
    "meetings.Requisition.created_by": "a requisition's record of who started it",
    "meetings.RequisitionSignature.signer": "signatures are counted against the threshold",
    "meetings.PaperCount.created_by": "who set up a paper count is part of its record",
    "meetings.PaperEntry.entered_by": "a paper's entry and its second check must be by different people",
    "meetings.ProxyAppointment.principal": "a proxy's vote counts once for its principal",
    "meetings.ProxyAppointment.holder": "a proxy's vote counts once for its principal",
    "meetings.MeetingDelegate.person": "a delegate's weight is counted in votes",
    "meetings.SpeakerRequest.person": "the speakers' list's order and times (the stated gender is erased)",
    "meetings.MeetingVote.opened_by": "who opened a vote is part of its record",
    "meetings.OpenVoteCast.voter": "an open vote's count: one member, one vote",
    "meetings.OpenVoteCast.holder": "a proxy's vote counts once for its principal",
}


def held_about(person: Any) -> dict[str, Any]:
    def motion(m: Motion) -> dict[str, Any]:
        return {"id": m.pk, "title": m.title, "unit": m.unit.slug, "state": m.state}

    return {
        "motions_proposed": [motion(m) for m in Motion.objects.filter(proposer=person).select_related("unit")],
        "motions_seconded": [
            {"motion": s.motion_id, "title": s.motion.title, "at": s.at.isoformat()}
            for s in Seconding.objects.filter(seconder=person).select_related("motion")
        ],
        "amendments_proposed": [
            {"id": a.pk, "motion": a.motion_id, "summary": a.summary, "state": a.state}
            for a in Amendment.objects.filter(proposer=person)
        ],
        "amendments_seconded": [
            {"amendment": s.amendment_id, "at": s.at.isoformat()}
            for s in AmendmentSeconding.objects.filter(seconder=person)
        ],
        "discussion_posts": [
            {"motion": p.motion_id, "amendment": p.amendment_id, "text": p.text, "at": p.created_at.isoformat()}
            for p in DiscussionPost.objects.filter(author=person)
        ],
        "motions_followed": [
            {"motion": f.motion_id, "discussion_email": f.discussion_email}
            for f in MotionFollow.objects.filter(person=person)
        ],
        "speakers_lists": [
            {"meeting": r.meeting_id, "kind": r.kind, "gender": r.gender, "state": r.state}
            for r in SpeakerRequest.objects.filter(person=person)
        ],
        "proxies_given": [
            {"meeting": p.meeting_id, "holder": str(p.holder), "revoked": p.revoked_at is not None}
            for p in ProxyAppointment.objects.filter(principal=person).select_related("holder")
        ],
        "proxies_held": [
            {"meeting": p.meeting_id, "principal": str(p.principal), "revoked": p.revoked_at is not None}
            for p in ProxyAppointment.objects.filter(holder=person).select_related("principal")
        ],
        "attendance": [
            {"meeting": a.meeting_id, "method": a.method, "checked_in_at": a.checked_in_at.isoformat()}
            for a in Attendance.objects.filter(person=person)
        ],
        "delegate_seats": [
            {"meeting": d.meeting_id, "represents": d.represents.slug, "weight": d.weight}
            for d in MeetingDelegate.objects.filter(person=person).select_related("represents")
        ],
        "open_votes_cast": [
            {"vote": c.vote_id, "choice": c.choice, "as_proxy": False}
            for c in OpenVoteCast.objects.filter(voter=person)
        ]
        + [
            {"vote": c.vote_id, "choice": c.choice, "as_proxy": True}
            for c in OpenVoteCast.objects.filter(holder=person)
        ],
        "requisitions_signed": [s.requisition_id for s in RequisitionSignature.objects.filter(signer=person)],
        "meetings_chaired": [m.pk for m in Meeting.objects.filter(chair=person)],
    }


@transaction.atomic
def erase(person: Any) -> None:
    SpeakerRequest.objects.filter(person=person).update(gender=SpeakerRequest.Gender.NOT_STATED)
    DiscussionPost.objects.filter(author=person).update(text=REMOVED)
    MotionFollow.objects.filter(person=person).delete()
    Motion.objects.filter(proposer=person, state=Motion.State.DRAFT).delete()
    Motion.objects.filter(ruled_by=person).update(ruled_by=None)
    DiscussionPost.objects.filter(hidden_by=person).update(hidden_by=None)
    StandingOrdersVersion.objects.filter(changed_by=person).update(changed_by=None)
    Meeting.objects.filter(chair=person).update(chair=None)
    Attendance.objects.filter(checked_in_by=person).update(checked_in_by=None)
    MinutesVersion.objects.filter(author=person).update(author=None)
    PaperEntry.objects.filter(confirmed_by=person).update(confirmed_by=None)
    MotionForwarding.objects.filter(forwarded_by=person).update(forwarded_by=None)

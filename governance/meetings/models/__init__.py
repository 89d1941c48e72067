"""Motions, amendments, meetings, in-meeting votes, minutes and requisitions.

Split by subject so each module stays small; everything is re-exported here so
``from governance.meetings.models import Motion`` keeps working.
"""

from governance.meetings.models.meetings import AgendaItem, Attendance, Meeting, StandingOrders
from governance.meetings.models.minutes import Minutes, MinutesVersion, Requisition, RequisitionSignature
from governance.meetings.models.motions import Amendment, AmendmentSeconding, Motion, MotionFollow, Seconding
from governance.meetings.models.votes import MeetingVote, OpenVoteCast

__all__ = [
    "AgendaItem",
    "Amendment",
    "AmendmentSeconding",
    "Attendance",
    "Meeting",
    "MeetingVote",
    "Minutes",
    "MinutesVersion",
    "Motion",
    "MotionFollow",
    "OpenVoteCast",
    "Requisition",
    "RequisitionSignature",
    "Seconding",
    "StandingOrders",
]

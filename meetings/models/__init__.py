"""Motions, amendments, meetings, in-meeting votes, minutes and requisitions.

Split by subject so each module stays small; everything is re-exported here so
``from meetings.models import Motion`` keeps working.
"""

from meetings.models.discussion import DiscussionPost
from meetings.models.forwarding import MotionForwarding
from meetings.models.meetings import AgendaItem, Attendance, Meeting, StandingOrders, StandingOrdersVersion
from meetings.models.minutes import Minutes, MinutesVersion, Requisition, RequisitionSignature
from meetings.models.motions import Amendment, AmendmentSeconding, Motion, MotionFollow, Seconding
from meetings.models.paper import PaperCount, PaperEntry
from meetings.models.proxies import MeetingDelegate, ProxyAppointment
from meetings.models.speakers import SpeakerRequest
from meetings.models.votes import MeetingVote, OpenVoteCast

__all__ = [
    "AgendaItem",
    "Amendment",
    "AmendmentSeconding",
    "Attendance",
    "DiscussionPost",
    "Meeting",
    "MeetingDelegate",
    "MeetingVote",
    "Minutes",
    "MinutesVersion",
    "Motion",
    "MotionFollow",
    "MotionForwarding",
    "OpenVoteCast",
    "PaperCount",
    "PaperEntry",
    "ProxyAppointment",
    "Requisition",
    "RequisitionSignature",
    "Seconding",
    "SpeakerRequest",
    "StandingOrders",
    "StandingOrdersVersion",
]

"""A secret vote with two people present: each would learn the other's vote
from any per-choice figure, so none is shown anywhere, before or after the
close: not on the meeting page, the projector, the live JSON (public or the
chair's), the console, the motion page, the minutes, the ballot's result page
and API, nor in the result e-mail."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.errors import DomainError
from core.models import OutboxEmail
from meetings.models import MeetingVote, Minutes
from meetings.services import meetings as svc
from meetings.services.motions import motion_follow
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion, running_meeting

pytestmark = pytest.mark.django_db

FIGURES = [
    re.compile(r"\b\d+\s+(?:for|against|abstentions?)\b", re.IGNORECASE),
    re.compile(r"\b(?:for|against|abstentions?)\s*[:=]\s*\d", re.IGNORECASE),
    re.compile(r"\b\d+\s+needed\b", re.IGNORECASE),
]


def _assert_no_figures(where: str, text: str) -> None:
    for pattern in FIGURES:
        match = pattern.search(text)
        assert match is None, (
            f"{where} shows a per-choice figure: …{text[max(match.start() - 80, 0) : match.end() + 80]}…"
        )


def _assert_live_has_no_figures(where: str, data: dict[str, Any]) -> None:
    vote = data["vote"]
    assert vote is not None, where
    for key in ("votes_for", "votes_against", "abstentions"):
        assert vote[key] is None, f"{where}: {key} = {vote[key]}"
    _assert_no_figures(where, json.dumps(data))


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_secret_vote_with_two_present_shows_no_per_choice_figure_anywhere(
    branch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    motion = in_order_motion(branch)
    meeting = running_meeting(branch, present=2)
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    chair, member = branch.secretary, branch.members[0]
    motion_follow(motion=motion, person=member)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=chair, mode="secret", motion=motion)
    meeting_vote_cast(vote_id=vote.pk, voter=chair, choice="for")
    meeting_vote_cast(vote_id=vote.pk, voter=member, choice="against")

    # While open: the public sees nothing of the vote's progress; the chair
    # sees only how many have voted.
    public_live = _client().get(f"/meetings/{meeting.pk}/live.json").json()
    assert public_live["vote"]["voted"] is None, "the public live view counts the votes of a secret vote"
    _assert_live_has_no_figures("public live JSON while open", public_live)
    chair_live = _client(chair).get(f"/meetings/{meeting.pk}/live.json").json()
    assert chair_live["vote"]["voted"] == 2
    _assert_live_has_no_figures("chair's live JSON while open", chair_live)
    projector_url = f"/meetings/{meeting.pk}/projector/{meeting.projector_token}/"
    projector = _client().get(projector_url).content.decode()
    # The projector (a secret address, shown to the room) shows the public
    # view: neither how many have voted nor how (selectors.live_state).
    assert "Vote open: vote on your phone" in projector and "2 of 2 present" not in projector
    _assert_no_figures("projector while open", projector)
    _assert_no_figures("projector JSON while open", _client().get(projector_url + "live.json").content.decode())
    console = _client(chair).get(f"/meetings/{meeting.pk}/console/").content.decode()
    assert re.search(r">2</span> voted of 2 present", console), "the chair sees how many have voted"
    _assert_no_figures("console while open", console)

    with django_capture_on_commit_callbacks(execute=True):
        vote = meeting_vote_close(vote_id=vote.pk, actor=chair)
    assert vote.state == MeetingVote.State.DECIDED and vote.carried is False  # 1 for, 1 against: lost
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (None, None, None)
    svc.meeting_close(meeting_id=meeting.pk, actor=chair)

    pages = {
        "public live JSON": _client().get(f"/meetings/{meeting.pk}/live.json"),
        "chair's live JSON": _client(chair).get(f"/meetings/{meeting.pk}/live.json"),
        "projector": _client().get(projector_url),
        "projector JSON": _client().get(projector_url + "live.json"),
        "meeting page": _client(member).get(f"/meetings/{meeting.pk}/"),
        "console": _client(chair).get(f"/meetings/{meeting.pk}/console/"),
        "motion page": _client().get(f"/meetings/motions/{motion.pk}/"),
        "ballot result page": _client().get(f"/ballots/{vote.ballot_id}/result/"),
        "ballot result API": APIClient().get(f"/api/ballots/{vote.ballot_id}/result/"),
        "count sheet JSON": _client().get(f"/ballots/{vote.ballot_id}/result/sheet.json"),
    }
    for where, response in pages.items():
        # 404: a meeting's secret vote is not declared to the roll as a ballot.
        assert response.status_code in {200, 403, 404}, (where, response.status_code)
        _assert_no_figures(f"{where} after the close", response.content.decode())
    _assert_live_has_no_figures("public live JSON after the close", pages["public live JSON"].json())
    assert pages["public live JSON"].json()["vote"]["figures_withheld"] is True
    assert "LOST" in pages["projector"].content.decode()

    minutes = Minutes.objects.get(meeting=meeting).versions.get(number=1).text
    assert "lost" in minutes

    # Nor can its ballot be declared to the roll by the back door.
    assert _client(chair).get(f"/ballots/{vote.ballot_id}/provisional/").status_code == 404
    from ballots.services.declaring import ballot_declare_confirmed

    with pytest.raises(DomainError, match="decided when the chair closes it"):
        ballot_declare_confirmed(ballot_id=vote.ballot_id, actor=chair, confirmation="anything")
    _assert_no_figures("minutes", minutes)
    results = OutboxEmail.objects.filter(key__startswith=f"ballot-result:{vote.ballot_id}")
    assert results.count() == 0, "a meeting's vote is announced in the room, not e-mailed to the roll"
    decided = OutboxEmail.objects.filter(key__startswith=f"motion:{motion.pk}:decided")
    assert not decided.exists(), "a decision in the room is e-mailed to nobody (issue 17); the minutes carry it"
    for email in OutboxEmail.objects.all():
        _assert_no_figures(f"e-mail {email.key}", email.subject + email.body_text + email.body_html)

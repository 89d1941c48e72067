"""One vote per member in an open or counted-hands meeting vote, whoever
casts it (issue 21, hole 1): a member voting in person and their proxy
voting for them are the same member's vote, so the second is refused, in
either order, and two casts at once store exactly one."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from rest_framework.test import APIClient

from core.errors import Conflict, DomainError
from meetings.models import MeetingVote, OpenVoteCast
from meetings.services.attendance import attendance_check_in_by_officer, attendance_check_out
from meetings.services.proxies import proxy_appoint, proxy_vote_cast
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open
from tests.meetings.conftest import in_order_motion
from tests.meetings.test_proxies import allow_proxies, called_meeting, start


def _open_vote_with_proxy(branch: Any, mode: str = "open") -> tuple[MeetingVote, Any, Any]:
    """A appoints B; B and five others are in the room; A is not. Returns (vote, A, B)."""
    allow_proxies(branch)
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    principal, holder = branch.members[7], branch.members[3]
    proxy_appoint(meeting_id=meeting.pk, principal=principal, holder=holder)
    start(branch, meeting, [branch.secretary, *branch.members[:6]])  # 7 in the room, B among them
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode=mode, motion=motion)
    return vote, principal, holder


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_proxy_votes_then_the_principal_arrives_and_is_refused(branch) -> None:
    vote, principal, holder = _open_vote_with_proxy(branch)
    assert vote.present == 8  # seven in the room and A's proxy
    meeting_vote_cast(vote_id=vote.pk, voter=holder, choice="for")
    proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="for")
    attendance_check_in_by_officer(meeting_id=vote.meeting_id, person=principal, actor=branch.secretary)
    refused = _api(principal).post(f"/api/meetings/votes/{vote.pk}/cast/", {"choice": "against"}, format="json")
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "already_voted"
    assert "Your proxy has already voted for you" in refused.json()["message"]
    for member in branch.members[:6]:
        if member != holder:
            meeting_vote_cast(vote_id=vote.pk, voter=member, choice="against")
    meeting_vote_cast(vote_id=vote.pk, voter=branch.secretary, choice="against")
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (2, 6, 0)
    assert OpenVoteCast.objects.filter(vote=vote, voter=principal).count() == 1


@pytest.mark.django_db
def test_principal_votes_leaves_and_the_proxy_is_refused(branch) -> None:
    vote, principal, holder = _open_vote_with_proxy(branch)
    attendance_check_in_by_officer(meeting_id=vote.meeting_id, person=principal, actor=branch.secretary)
    meeting_vote_cast(vote_id=vote.pk, voter=principal, choice="against")
    attendance_check_out(meeting_id=vote.meeting_id, person=principal, actor=principal)
    refused = _api(holder).post(
        f"/api/meetings/votes/{vote.pk}/proxy-cast/", {"principal": principal.pk, "choice": "for"}, format="json"
    )
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "already_voted"
    assert f"{principal} has already voted in person" in refused.json()["message"]
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against) == (0, 1)


@pytest.mark.django_db
def test_a_hands_vote_keeps_one_proxy_vote_per_principal(branch) -> None:
    """Counted hands record only proxy votes on phones; the same rule holds."""
    vote, principal, holder = _open_vote_with_proxy(branch, mode="hands")
    proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="against")
    with pytest.raises(Conflict) as twice:
        proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="for")
    assert twice.value.code == "already_voted" and f"already voted for {principal}" in twice.value.message
    attendance_check_in_by_officer(meeting_id=vote.meeting_id, person=principal, actor=branch.secretary)
    with pytest.raises(DomainError):  # hands in the room are the chair's to count, not a phone's
        meeting_vote_cast(vote_id=vote.pk, voter=principal, choice="for")
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=4, votes_against=2, abstentions=1)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (4, 3, 1)
    assert vote.result["by_proxy"] == {"for": 0, "against": 1, "abstain": 0}


@pytest.mark.django_db
def test_the_schema_refuses_a_second_vote_for_the_same_member(branch) -> None:
    """The guarantee is the database's, not only the service's checks: one
    row per (vote, member), whether cast in person or by a proxy."""
    vote, principal, holder = _open_vote_with_proxy(branch)
    OpenVoteCast.objects.create(vote=vote, voter=principal, holder=holder, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        OpenVoteCast.objects.create(vote=vote, voter=principal, choice="against")


@pytest.mark.django_db(transaction=True)
def test_casts_for_the_same_member_at_once_store_exactly_one(branch) -> None:
    """On PostgreSQL: the member's own phone twice and the holder's phone
    twice, released together while the member is between checking in and
    out; exactly one vote is stored and every other cast is refused."""
    if connection.vendor != "postgresql":
        pytest.fail("concurrency tests need PostgreSQL")
    vote, principal, holder = _open_vote_with_proxy(branch)
    attendance_check_in_by_officer(meeting_id=vote.meeting_id, person=principal, actor=branch.secretary)
    calls = [
        lambda: meeting_vote_cast(vote_id=vote.pk, voter=principal, choice="for"),
        lambda: meeting_vote_cast(vote_id=vote.pk, voter=principal, choice="against"),
        lambda: attendance_check_out(meeting_id=vote.meeting_id, person=principal, actor=principal),
        lambda: proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="abstain"),
        lambda: proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="against"),
    ]
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = calls[i]()
        except DomainError as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert OpenVoteCast.objects.filter(vote=vote, voter=principal).count() == 1
    casts = [outcomes[i] for i in (0, 1, 3, 4)]
    assert sum(1 for o in casts if o is None) == 1  # exactly one cast succeeded
    assert all(isinstance(o, DomainError) for o in casts if o is not None)

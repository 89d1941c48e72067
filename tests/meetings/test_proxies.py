"""Proxies and delegates' weights (issue 17): appointment within the
standing orders' limits, the holder's votes for each principal (open, hands
recorded apart, secret one paper each with nothing linking paper and
principal), weighted open votes, and the page, API and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ballots.models import BallotPaper, Participation, RollEntry
from core.errors import Conflict, DomainError, NotFound, NotPermitted
from meetings.models import Meeting, MeetingDelegate, MeetingVote, OpenVoteCast, ProxyAppointment, StandingOrders
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.proxies import proxy_appoint, proxy_revoke, proxy_vote_cast
from meetings.services.votes import meeting_vote_cast, meeting_vote_close, meeting_vote_open, meeting_vote_refresh
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.meetings.conftest import in_order_motion

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def allow_proxies(branch, **orders) -> None:
    StandingOrders.objects.filter(unit=branch.unit).update(proxies_allowed=True, **orders)


def called_meeting(branch) -> Meeting:
    """A meeting 20 days ahead, notice sent: proxies may be appointed."""
    meeting = svc.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind=Meeting.Kind.GENERAL, title="General meeting",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    svc.meeting_notice_send(meeting_id=meeting.pk, actor=branch.secretary)
    return meeting


def start(branch, meeting: Meeting, present: list) -> Meeting:
    """The meeting's day has come: start it and check ``present`` in."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    svc.meeting_start(meeting_id=meeting.pk, actor=branch.secretary)
    for person in present:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=branch.secretary)
    meeting.refresh_from_db()
    return meeting


def test_proxies_refused_where_the_standing_orders_allow_none(branch) -> None:
    meeting = called_meeting(branch)
    with pytest.raises(NotPermitted) as refused:
        proxy_appoint(meeting_id=meeting.pk, principal=branch.members[0], holder=branch.members[1])
    assert refused.value.code == "proxies_not_allowed"


def test_limits_per_holder_same_unit_and_no_chains(branch) -> None:
    allow_proxies(branch, proxies_per_holder=2)
    meeting = called_meeting(branch)
    a, b, c, d, e = branch.members[:5]
    proxy_appoint(meeting_id=meeting.pk, principal=a, holder=e)
    proxy_appoint(meeting_id=meeting.pk, principal=b, holder=e)
    with pytest.raises(Conflict) as full:
        proxy_appoint(meeting_id=meeting.pk, principal=c, holder=e)
    assert full.value.code == "proxy_limit" and "already holds 2 proxies" in full.value.message
    with pytest.raises(Conflict):  # a holder cannot give their own vote away
        proxy_appoint(meeting_id=meeting.pk, principal=e, holder=d)
    with pytest.raises(Conflict):  # nor hold for someone who has given theirs away
        proxy_appoint(meeting_id=meeting.pk, principal=d, holder=a)
    with pytest.raises(DomainError):
        proxy_appoint(meeting_id=meeting.pk, principal=c, holder=c)
    outsider = MembershipFactory(unit=UnitFactory(name="Elsewhere", slug="elsewhere"), person=UserFactory()).person
    with pytest.raises(DomainError) as other_unit:
        proxy_appoint(meeting_id=meeting.pk, principal=c, holder=outsider)
    assert other_unit.value.code == "holder_unavailable"
    StandingOrders.objects.filter(unit=branch.unit).update(proxies_same_unit_only=False)
    assert proxy_appoint(meeting_id=meeting.pk, principal=c, holder=outsider).holder == outsider
    with pytest.raises(NotPermitted):  # not entitled to this meeting, so cannot appoint
        proxy_appoint(meeting_id=meeting.pk, principal=outsider, holder=c)


def test_appoint_replaces_revoke_and_the_deadline(branch) -> None:
    allow_proxies(branch, proxy_deadline_hours=48)
    meeting = called_meeting(branch)
    a, b, c = branch.members[:3]
    proxy_appoint(meeting_id=meeting.pk, principal=a, holder=b)
    proxy_appoint(meeting_id=meeting.pk, principal=a, holder=c)
    assert ProxyAppointment.objects.get(meeting=meeting, principal=a, revoked_at__isnull=True).holder == c
    assert ProxyAppointment.objects.filter(meeting=meeting, principal=a).count() == 2
    proxy_revoke(meeting_id=meeting.pk, principal=a)
    with pytest.raises(NotFound):
        proxy_revoke(meeting_id=meeting.pk, principal=a)
    late = meeting.starts_at - dt.timedelta(hours=47)
    with pytest.raises(Conflict) as closed:
        proxy_appoint(meeting_id=meeting.pk, principal=a, holder=b, now=late)
    assert closed.value.code == "deadline_passed"
    proxy_appoint(meeting_id=meeting.pk, principal=a, holder=b, now=meeting.starts_at - dt.timedelta(hours=49))
    with pytest.raises(Conflict):
        proxy_revoke(meeting_id=meeting.pk, principal=a, now=late)


def test_hands_vote_records_proxy_votes_apart_and_adds_them(branch) -> None:
    allow_proxies(branch)
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    holder, principal = branch.members[3], branch.members[7]
    proxy_appoint(meeting_id=meeting.pk, principal=principal, holder=holder)
    start(branch, meeting, [branch.secretary, *branch.members[:4]])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    with pytest.raises(DomainError):  # hands in the room are the chair's to count
        meeting_vote_cast(vote_id=vote.pk, voter=holder, choice="for")
    assert proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="against") is None
    with pytest.raises(Conflict) as twice:
        proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="for")
    assert twice.value.code == "already_voted"
    with pytest.raises(NotPermitted) as not_holder:
        proxy_vote_cast(vote_id=vote.pk, holder=branch.members[0], principal_id=principal.pk, choice="for")
    assert not_holder.value.code == "not_a_proxy"
    with pytest.raises(DomainError) as too_many:  # 5 in the room + 1 proxy: 6 hands would count the proxy twice
        meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=4, votes_against=1, abstentions=1)
    assert too_many.value.code == "bad_figures" and "1 proxy votes were cast on phones" in too_many.value.message
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary, votes_for=3, votes_against=1, abstentions=1)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (3, 2, 1)
    assert vote.result["by_proxy"] == {"for": 0, "against": 1, "abstain": 0}
    cast = OpenVoteCast.objects.get(vote=vote)
    assert (cast.voter, cast.holder, cast.choice) == (principal, holder, "against")
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    drafted = meeting.minutes.versions.get(number=1).text
    assert f"Proxies: {principal} (held by {holder})." in drafted
    assert "3 for, 2 against, 1 abstention (by proxy: 0 for, 1 against, 0 abstentions)." in drafted


def test_open_vote_counts_proxies_and_a_principal_present_votes_in_person(branch) -> None:
    allow_proxies(branch, proxies_per_holder=2)
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    holder, away, came = branch.members[3], branch.members[7], branch.members[6]
    proxy_appoint(meeting_id=meeting.pk, principal=away, holder=holder)
    proxy_appoint(meeting_id=meeting.pk, principal=came, holder=holder)
    start(branch, meeting, [branch.secretary, holder, came])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    meeting_vote_cast(vote_id=vote.pk, voter=holder, choice="for")
    proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=away.pk, choice="for")
    with pytest.raises(Conflict):  # in the room: votes in person
        proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=came.pk, choice="for")
    meeting_vote_cast(vote_id=vote.pk, voter=came, choice="against")
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.carried) == (2, 1, 0, True)


def test_secret_vote_one_paper_per_principal_and_nothing_links_them(branch) -> None:
    allow_proxies(branch)
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    holder, principal = branch.members[3], branch.members[7]
    proxy_appoint(meeting_id=meeting.pk, principal=principal, holder=holder)
    present = [branch.secretary, branch.members[0], holder]
    start(branch, meeting, present)
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    roll = set(RollEntry.objects.filter(ballot=vote.ballot).values_list("voter_id", flat=True))
    assert roll == {p.pk for p in [*present, principal]}
    meeting_vote_cast(vote_id=vote.pk, voter=holder, choice="for")
    receipt = proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="against")
    assert receipt is not None and receipt.receipt
    with pytest.raises(Conflict):
        proxy_vote_cast(vote_id=vote.pk, holder=holder, principal_id=principal.pk, choice="for")
    meeting_vote_cast(vote_id=vote.pk, voter=branch.members[0], choice="for")
    meeting_vote_cast(vote_id=vote.pk, voter=branch.secretary, choice="against")
    assert not OpenVoteCast.objects.exists()  # a secret proxy vote is a paper, nothing else
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote = meeting_vote_refresh(vote_id=vote.pk)
    assert vote.state == MeetingVote.State.DECIDED
    assert (vote.votes_for, vote.votes_against) == (2, 2)
    assert BallotPaper.objects.filter(question__ballot=vote.ballot).count() == 4
    assert Participation.objects.filter(ballot=vote.ballot, voter=principal).exists()
    paper_fields = {f.name for f in BallotPaper._meta.get_fields()}
    assert not paper_fields & {"voter", "principal", "holder", "participation", "cast_by"}


def test_delegates_carry_their_branch_weight_in_an_open_vote(branch) -> None:
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    big, small = branch.members[3], branch.members[4]
    other = UnitFactory(name="Other branch", slug="other-branch")
    MeetingDelegate.objects.create(meeting=meeting, person=big, represents=branch.unit, weight=40)
    MeetingDelegate.objects.create(meeting=meeting, person=small, represents=other, weight=25)
    start(branch, meeting, [branch.secretary, big, small])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    meeting_vote_cast(vote_id=vote.pk, voter=big, choice="against")
    meeting_vote_cast(vote_id=vote.pk, voter=small, choice="for")
    meeting_vote_cast(vote_id=vote.pk, voter=branch.secretary, choice="for")
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.carried) == (26, 40, False)


def test_proxy_page_form_errors_appoint_and_revoke(branch) -> None:
    allow_proxies(branch)
    meeting = called_meeting(branch)
    principal, holder = branch.members[0], branch.members[1]
    c = client_for(principal)
    url = f"/meetings/{meeting.pk}/proxy/"
    page = c.get(url).content.decode()
    assert "Appoint or revoke a proxy until" in page and "holds at most 1 proxy" in page
    bad = c.post(url, {"holder_email": "not an e-mail"})
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()
    unknown = c.post(url, {"holder_email": "nobody@example.org"})
    assert unknown.status_code == 400 and "cannot hold your proxy" in unknown.content.decode()
    itself = c.post(url, {"holder_email": principal.email})
    assert itself.status_code == 400 and "cannot be your own proxy" in itself.content.decode()
    ok = c.post(url, {"holder_email": holder.email.upper()}, follow=True)
    assert ok.status_code == 200 and f"{holder} is your proxy" in ok.content.decode()
    assert ProxyAppointment.objects.get(meeting=meeting, revoked_at__isnull=True).holder == holder
    assert (
        f"Your proxy for this meeting: <strong>{holder}</strong>" in c.get(f"/meetings/{meeting.pk}/").content.decode()
    )
    assert "Proxies you hold" in client_for(holder).get(url).content.decode()
    assert (
        "Proxy list and delegates (officers)"
        in client_for(branch.secretary).get(f"/meetings/{meeting.pk}/").content.decode()
    )
    assert "Proxy list and delegates" not in c.get(f"/meetings/{meeting.pk}/").content.decode()
    officer_page = client_for(branch.secretary).get(url).content.decode()
    assert "The proxy list (officers)" in officer_page and str(principal) in officer_page
    assert "The proxy list" not in c.get(url).content.decode()
    c.post(f"/meetings/{meeting.pk}/proxy/revoke/")
    assert not ProxyAppointment.objects.filter(revoked_at__isnull=True).exists()
    assert Client().get(url).status_code == 302
    assert c.get("/meetings/999999/proxy/").status_code == 404


def test_holder_sees_a_vote_per_principal_and_votes_from_the_page(branch) -> None:
    allow_proxies(branch)
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    holder, principal = branch.members[3], branch.members[7]
    proxy_appoint(meeting_id=meeting.pk, principal=principal, holder=holder)
    start(branch, meeting, [branch.secretary, holder])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    c = client_for(holder)
    page = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Your proxy votes" in page and f'aria-label="Vote for {principal}"' in page
    assert "Your proxy votes" not in client_for(branch.secretary).get(f"/meetings/{meeting.pk}/").content.decode()
    before = OpenVoteCast.objects.count()
    c.get(f"/meetings/{meeting.pk}/")
    assert OpenVoteCast.objects.count() == before  # GET writes nothing
    r = c.post(f"/meetings/votes/{vote.pk}/proxy-cast/", {"principal": str(principal.pk), "choice": "for"}, follow=True)
    assert "The proxy vote is recorded." in r.content.decode() and "vote recorded." in r.content.decode()
    bad = c.post(f"/meetings/votes/{vote.pk}/proxy-cast/", {"principal": "x", "choice": "for"}, follow=True)
    assert "Choose the member you are voting for." in bad.content.decode()
    assert c.post("/meetings/votes/999999/proxy-cast/", {"principal": "1", "choice": "for"}).status_code == 404


def test_proxy_api(branch) -> None:
    allow_proxies(branch)
    meeting = called_meeting(branch)
    principal, holder = branch.members[0], branch.members[1]
    api = APIClient()
    assert api.get(f"/api/meetings/{meeting.pk}/proxy/").status_code in {401, 403}
    api.force_authenticate(principal)
    assert api.get(f"/api/meetings/{meeting.pk}/proxy/").json()["holder"] is None
    assert api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": "x"}, format="json").status_code == 400
    missing = api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": "no@example.org"}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "holder_unavailable"
    made = api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": holder.email}, format="json")
    assert made.status_code == 201 and made.json()["holder"] == str(holder)
    api.force_authenticate(holder)
    assert api.get(f"/api/meetings/{meeting.pk}/proxy/").json()["holds_for"] == [
        {"id": principal.pk, "name": str(principal)}
    ]
    api.force_authenticate(principal)
    assert api.delete(f"/api/meetings/{meeting.pk}/proxy/").status_code == 204
    assert api.delete(f"/api/meetings/{meeting.pk}/proxy/").status_code == 404
    StandingOrders.objects.filter(unit=branch.unit).update(proxies_allowed=False)
    refused = api.post(f"/api/meetings/{meeting.pk}/proxy/", {"holder_email": holder.email}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "proxies_not_allowed"


def test_proxy_vote_api(branch) -> None:
    allow_proxies(branch)
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    holder, principal = branch.members[3], branch.members[7]
    proxy_appoint(meeting_id=meeting.pk, principal=principal, holder=holder)
    start(branch, meeting, [branch.secretary, holder])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="secret", motion=motion)
    api = APIClient()
    api.force_authenticate(branch.members[0])
    url = f"/api/meetings/votes/{vote.pk}/proxy-cast/"
    assert api.post(url, {"principal": principal.pk, "choice": "for"}, format="json").status_code == 403
    api.force_authenticate(holder)
    assert api.post(url, {"principal": principal.pk, "choice": "maybe"}, format="json").status_code == 400
    ok = api.post(url, {"principal": principal.pk, "choice": "for"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert ok.status_code == 201 and ok.json()["receipt"]
    again = api.post(url, {"principal": principal.pk, "choice": "for"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json()["receipt"] == ok.json()["receipt"]
    assert api.post(url, {"principal": principal.pk, "choice": "for"}, format="json").status_code == 409


def test_officers_name_delegates_with_weights_on_the_page(branch) -> None:
    from meetings.services.proxies import meeting_delegate_set

    meeting = called_meeting(branch)
    delegate = branch.members[2]
    elsewhere = UnitFactory(name="Elsewhere", slug="elsewhere")
    with pytest.raises(NotPermitted):
        meeting_delegate_set(
            meeting_id=meeting.pk, actor=branch.members[0], person=delegate, represents=branch.unit, weight=5
        )
    with pytest.raises(DomainError) as wrong_unit:
        meeting_delegate_set(
            meeting_id=meeting.pk, actor=branch.secretary, person=delegate, represents=elsewhere, weight=5
        )
    assert wrong_unit.value.code == "wrong_unit"
    c = client_for(branch.secretary)
    url = f"/meetings/{meeting.pk}/delegates/"
    bad = c.post(url, {"delegate_email": delegate.email, "represents": "stockport", "weight": "-3"})
    assert bad.status_code == 400 and "Ensure this value is greater than or equal to 0." in bad.content.decode()
    unknown = c.post(url, {"delegate_email": "x@example.org", "represents": "stockport", "weight": "3"})
    assert unknown.status_code == 400 and "No member is registered" in unknown.content.decode()
    not_a_choice = c.post(url, {"delegate_email": delegate.email, "represents": "elsewhere", "weight": "3"})
    assert not_a_choice.status_code == 400 and "Select a valid choice." in not_a_choice.content.decode()
    ok = c.post(url, {"delegate_email": delegate.email, "represents": "stockport", "weight": "40"}, follow=True)
    assert "Delegates updated." in ok.content.decode() and "<td>40</td>" in ok.content.decode()
    assert MeetingDelegate.objects.get(meeting=meeting, person=delegate).weight == 40
    c.post(url, {"delegate_email": delegate.email, "represents": "stockport", "weight": "0"})
    assert not MeetingDelegate.objects.exists()
    assert client_for(branch.members[0]).post(url, {"weight": "1"}).status_code == 403
    assert (
        "Delegates and their weights"
        not in client_for(branch.members[0]).get(f"/meetings/{meeting.pk}/proxy/").content.decode()
    )


def test_a_late_arrival_voting_in_an_open_vote_does_not_break_the_count(branch) -> None:
    motion = in_order_motion(branch)
    meeting = called_meeting(branch)
    start(branch, meeting, [branch.secretary, branch.members[0]])
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", motion=motion)
    assert vote.present == 2
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=branch.members[1], actor=branch.secretary)
    for voter in (branch.secretary, branch.members[0], branch.members[1]):
        meeting_vote_cast(vote_id=vote.pk, voter=voter, choice="for")
    meeting_vote_close(vote_id=vote.pk, actor=branch.secretary)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.carried) == (3, True)

"""Paper and hybrid meetings (issue 17): counted hands entered by the
secretary with form errors; a ranked paper ballot entered paper by paper,
each counting only once a different officer confirms it, then counted by
the engine like any ballot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ballots.counting import Ballot, Election, count
from core.errors import Conflict, DomainError, NotPermitted
from governance.models import Holding
from meetings.models import Meeting, MeetingVote, PaperCount, PaperEntry
from meetings.services import meetings as svc
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.paper import (
    paper_count_create,
    paper_count_run,
    paper_entry_add,
    paper_entry_confirm,
    paper_entry_reject,
)
from meetings.services.votes import meeting_vote_open
from tests.factories import MembershipFactory, OfficeFactory, UserFactory
from tests.meetings.conftest import in_order_motion

pytestmark = pytest.mark.django_db
NAMES = ["Ann", "Bob", "Cat", "Dan"]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def chair_of(branch):
    chair = UserFactory(full_name="Cho Chair", email="cho@example.org")
    MembershipFactory(unit=branch.unit, person=chair)
    office = OfficeFactory(unit=branch.unit, title="Chair")
    Holding.objects.create(person=chair, office=office, starts_on=dt.date(2024, 1, 1), authority="Elected")
    return chair


def running(branch, present: int = 5) -> Meeting:
    meeting = svc.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind=Meeting.Kind.AGM, title="AGM",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    svc.meeting_notice_send(meeting_id=meeting.pk, actor=branch.secretary)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    svc.meeting_start(meeting_id=meeting.pk, actor=branch.secretary)
    for person in [branch.secretary, *branch.members][:present]:
        attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=branch.secretary)
    return meeting


def marks(*prefs: str) -> dict[int, str]:
    return dict(enumerate(prefs))


PAPERS = [("1", "2", "", ""), ("2", "1", "3", ""), ("1", "", "", "2"), ("2", "", "1", ""), ("3", "1", "2", "")]


def test_ranked_paper_ballot_counts_only_confirmed_papers_with_the_engine(branch) -> None:
    chair = chair_of(branch)
    meeting = running(branch)
    pc = paper_count_create(
        meeting_id=meeting.pk, actor=branch.secretary, title="Election of the secretary",
        method="irv", seats=1, candidates=NAMES,
    )  # fmt: skip
    entries = [paper_entry_add(count_id=pc.pk, actor=branch.secretary, marks=marks(*p)) for p in PAPERS]
    assert [e.number for e in entries] == [1, 2, 3, 4, 5]
    assert entries[1].ranking == [1, 0, 2]
    with pytest.raises(NotPermitted) as same:
        paper_entry_confirm(entry_id=entries[0].pk, actor=branch.secretary)
    assert same.value.code == "same_officer"
    with pytest.raises(Conflict) as unchecked:
        paper_count_run(count_id=pc.pk, actor=chair)
    assert unchecked.value.code == "papers_unchecked" and "5 papers still await" in unchecked.value.message
    for entry in entries[:4]:
        paper_entry_confirm(entry_id=entry.pk, actor=chair)
    paper_entry_reject(entry_id=entries[4].pk, actor=chair)  # mistyped: entered again, by the chair this time
    with pytest.raises(Conflict):
        paper_entry_confirm(entry_id=entries[4].pk, actor=chair)
    again = paper_entry_add(count_id=pc.pk, actor=chair, marks=marks("3", "1", "2", ""))
    paper_entry_confirm(entry_id=again.pk, actor=branch.secretary)
    pc = paper_count_run(count_id=pc.pk, actor=chair)
    rankings = ([0, 1], [1, 0, 2], [0, 3], [2, 0], [1, 2, 0])
    papers = tuple(Ballot(tuple(r)) for r in rankings)
    expected = count("irv", Election(candidates=tuple(NAMES), ballots=papers), seed=pc.seed).to_json()
    assert pc.state == PaperCount.State.COUNTED and pc.result == expected
    assert pc.result["elected"] == ["Ann"]  # Cat's paper passes to Ann: 3 to Bob's 2
    with pytest.raises(Conflict):
        paper_entry_add(count_id=pc.pk, actor=chair, marks=marks("1", "", "", ""))
    svc.meeting_close(meeting_id=meeting.pk, actor=branch.secretary)
    drafted = meeting.minutes.versions.get(number=1).text
    assert "## Paper ballots" in drafted and "- Election of the secretary (Alternative vote" in drafted
    assert f"seed {pc.seed}): elected Ann." in drafted


@pytest.mark.parametrize(
    ("method", "written", "message"),
    [
        ("irv", ("1", "1", "", ""), "no number missing or repeated"),
        ("irv", ("1", "3", "", ""), "no number missing or repeated"),
        ("irv", ("x", "", "", ""), "is not a preference number"),
        ("irv", ("", "", "", ""), "no preference"),
        ("plurality", ("1", "1", "", ""), "Mark at most 1 candidate with 1"),
        ("plurality", ("2", "", "", ""), "Mark at most 1 candidate with 1"),
    ],
)
def test_bad_papers_are_refused_with_a_reason(branch, method, written, message) -> None:
    meeting = running(branch, present=1)
    pc = paper_count_create(
        meeting_id=meeting.pk, actor=branch.secretary, title="E", method=method, seats=1, candidates=NAMES
    )
    with pytest.raises(DomainError) as refused:
        paper_entry_add(count_id=pc.pk, actor=branch.secretary, marks=marks(*written))
    assert message in refused.value.message
    assert not PaperEntry.objects.exists()


def test_setting_up_a_paper_ballot_checks_names_seats_and_officers(branch) -> None:
    meeting = running(branch, present=1)
    make = lambda **kw: paper_count_create(  # noqa: E731
        meeting_id=meeting.pk, actor=kw.pop("actor", branch.secretary), title=kw.pop("title", "E"),
        method=kw.pop("method", "scottish-stv"), seats=kw.pop("seats", 2), candidates=kw.pop("candidates", NAMES),
    )  # fmt: skip
    with pytest.raises(DomainError, match="named twice"):
        make(candidates=["Ann", "ann ", "Bob"])
    with pytest.raises(DomainError, match="between 2 and 50"):
        make(candidates=["Ann"])
    with pytest.raises(DomainError, match="Seats must be from 1 to 3"):
        make(seats=4)
    with pytest.raises(DomainError, match="one seat"):
        make(method="irv")
    with pytest.raises(DomainError, match="Choose how"):
        make(method="borda")
    with pytest.raises(NotPermitted):
        make(actor=branch.members[0])
    assert make().seats == 2


def test_paper_pages_enter_check_count_and_show_form_errors(branch) -> None:
    chair = chair_of(branch)
    meeting = running(branch)
    sec, ch = client_for(branch.secretary), client_for(chair)
    index = f"/meetings/{meeting.pk}/paper/"
    assert sec.get(index).status_code == 200
    assert client_for(branch.members[0]).get(index).status_code == 403
    bad = sec.post(index, {"title": "", "method": "irv", "seats": "1", "candidates": "Ann\nBob"})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    twice = sec.post(index, {"title": "E", "method": "irv", "seats": "1", "candidates": "Ann\nAnn"})
    assert twice.status_code == 400 and "A candidate is named twice." in twice.content.decode()
    made = sec.post(
        index, {"title": "Election of the chair", "method": "irv", "seats": "1", "candidates": "\n".join(NAMES)}
    )
    pc = PaperCount.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/meetings/paper/{pc.pk}/"
    page = f"/meetings/paper/{pc.pk}/"
    wrong = sec.post(page, {"c0": "1", "c1": "1"})
    assert wrong.status_code == 400 and "no number missing or repeated" in wrong.content.decode()
    assert sec.post(page, {"c0": "2", "c1": "1"}).status_code == 302
    own = sec.get(page).content.decode()
    assert "Paper 1</strong>: 1. Bob; 2. Ann" in own and "Another officer checks this one." in own
    entry = PaperEntry.objects.get()
    refused = sec.post(f"/meetings/paper/entries/{entry.pk}/confirm/", follow=True)
    assert "must be checked by an officer who did not enter it" in refused.content.decode()
    assert "Matches paper 1" in ch.get(page).content.decode()
    ch.post(f"/meetings/paper/entries/{entry.pk}/confirm/")
    assert PaperEntry.objects.get().confirmed_by == chair
    assert sec.post(f"/meetings/paper/entries/{entry.pk}/nonsense/").status_code == 404
    done = ch.post(f"/meetings/paper/{pc.pk}/count/", follow=True).content.decode()
    assert "Elected: <strong>Bob</strong>" in done
    assert client_for(branch.members[0]).get(page).status_code == 403
    assert sec.get("/meetings/paper/999999/").status_code == 404


def test_counted_hands_figures_entered_with_form_errors(branch) -> None:
    motion = in_order_motion(branch)
    meeting = running(branch, present=5)
    sec = client_for(branch.secretary)
    url = f"/meetings/{meeting.pk}/paper/hands/"
    none_open = sec.post(url, {"votes_for": "1", "votes_against": "0", "abstentions": "0"})
    assert none_open.status_code == 409 and "No show of hands is open" in none_open.content.decode()
    vote = meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="hands", motion=motion)
    assert "Enter the figures and decide" in sec.get(f"/meetings/{meeting.pk}/paper/").content.decode()
    neg = sec.post(url, {"votes_for": "-1", "votes_against": "x", "abstentions": "0"})
    body = neg.content.decode()
    assert neg.status_code == 400 and "Ensure this value is greater than or equal to 0." in body
    assert "Enter a whole number." in body
    too_many = sec.post(url, {"votes_for": "9", "votes_against": "1", "abstentions": "0"})
    assert too_many.status_code == 400 and "hands counted, but only" in too_many.content.decode()
    assert MeetingVote.objects.get(pk=vote.pk).state == MeetingVote.State.OPEN
    ok = sec.post(url, {"votes_for": "3", "votes_against": "1", "abstentions": "1"})
    assert ok.status_code == 302
    vote.refresh_from_db()
    assert (vote.state, vote.votes_for, vote.votes_against, vote.abstentions, vote.carried) == (
        MeetingVote.State.DECIDED, 3, 1, 1, True,
    )  # fmt: skip
    assert client_for(branch.members[0]).post(url, {"votes_for": "1"}).status_code == 403


def test_paper_ballot_api_enter_check_and_count(branch) -> None:
    from rest_framework.test import APIClient

    chair = chair_of(branch)
    meeting = running(branch, present=1)
    pc = paper_count_create(
        meeting_id=meeting.pk, actor=branch.secretary, title="Committee", method="scottish-stv",
        seats=2, candidates=NAMES,
    )  # fmt: skip
    sec, ch, member = APIClient(), APIClient(), APIClient()
    sec.force_authenticate(branch.secretary)
    ch.force_authenticate(chair)
    member.force_authenticate(branch.members[0])
    base = f"/api/meetings/paper/{pc.pk}/"
    assert APIClient().get(base).status_code in {401, 403}
    assert member.get(base).status_code == 403
    assert member.post(f"{base}papers/", {"marks": ["1"]}, format="json").status_code == 403
    assert sec.get("/api/meetings/paper/999999/").status_code == 404
    bad = sec.post(f"{base}papers/", {"marks": ["1", "1"]}, format="json")
    assert bad.status_code == 400 and "no number missing or repeated" in bad.json()["message"]
    assert sec.post(f"{base}papers/", {"marks": "nope"}, format="json").status_code == 400
    ids = [
        sec.post(f"{base}papers/", {"marks": m}, format="json").json()["id"]
        for m in (["1", "2"], ["", "1", "2"], ["2", "", "1"])
    ]
    state = sec.get(base).json()
    assert [p["ranking"] for p in state["awaiting_check"]] == [["Ann", "Bob"], ["Bob", "Cat"], ["Cat", "Ann"]]
    own = sec.post(f"/api/meetings/paper/entries/{ids[0]}/check/", {"matches": True}, format="json")
    assert own.status_code == 403 and own.json()["code"] == "same_officer"
    early = ch.post(f"{base}count/")
    assert early.status_code == 409 and early.json()["code"] == "papers_unchecked"
    for entry_id in ids:
        assert (
            ch.post(f"/api/meetings/paper/entries/{entry_id}/check/", {"matches": True}, format="json").status_code
            == 204
        )
    counted = ch.post(f"{base}count/")
    assert counted.status_code == 200 and counted.json()["state"] == "counted" and counted.json()["confirmed"] == 3
    assert len(counted.json()["result"]["elected"]) == 2
    assert ch.post(f"{base}count/").status_code == 409

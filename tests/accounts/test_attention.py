"""Issue 26: "Needs your attention" tells each person their next step, per role,
and each item links to the page where the act is done."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import Ballot
from ballots.services import lifecycle, tallying
from ballots.services.casting import vote_cast
from governance.models import Holding
from meetings.models import Meeting, StandingOrders
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from meetings.services.attendance import attendance_check_in_by_officer
from meetings.services.paper import paper_count_create, paper_entry_add
from tests.factories import BallotFactory, MembershipFactory, OfficeFactory, UnitFactory, election_question, option
from tests.meetings.conftest import Branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(db: object) -> Branch:
    """A branch needing two seconders, with a secretary in office and eight members."""
    unit = UnitFactory(name="Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, seconders_required=2, quorum=3, requisition_signatures=3)
    secretary = MembershipFactory(unit=unit).person
    Holding.objects.create(
        person=secretary, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1), authority="Appointed"
    )
    return Branch(unit=unit, secretary=secretary, members=[MembershipFactory(unit=unit).person for _ in range(8)])


def attention(user) -> list[tuple[str, str]]:
    """(text, href) of each item under "Needs your attention" on /me."""
    client = Client()
    client.force_login(user)
    page = client.get("/me/").content.decode()
    section = page.split('id="attention"')[1].split("</ul>")[0]
    items = []
    for li in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S):
        href = re.search(r'href="([^"]+)"', li)
        items.append((re.sub(r"<[^>]+>", "", li).strip(), href.group(1) if href else ""))
    return items


def what_you_run(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/me/").content.decode()
    return page.split('id="ballots-running"')[1].split("</ul>")[0]


def counted_ballot() -> Ballot:
    ballot = BallotFactory(title="Branch secretary election")
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    question = election_question(ballot, ["Nia", "Ben"], method="irv", seats=1)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter in voters:
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, "Nia").pk]})
    lifecycle.ballot_close(ballot_id=ballot.pk)
    tallying.ballot_tally(ballot_id=ballot.pk)  # on commit in the app; this test runs in one transaction
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.COUNTED
    return ballot


def test_returning_officer_is_told_to_declare_a_counted_ballot() -> None:
    ballot = counted_ballot()
    items = attention(ballot.returning_officer)
    declare = [i for i in items if "declare" in i[0].lower()]
    assert declare == [(declare[0][0], f"/ballots/{ballot.pk}/provisional/")]
    assert "Branch secretary election" in declare[0][0]
    running = what_you_run(ballot.returning_officer)
    assert "declare" in running and f"/ballots/{ballot.pk}/provisional/" in running
    assert "closes" not in running


def test_a_named_scrutineer_is_asked_to_review_the_provisional_result() -> None:
    ballot = counted_ballot()
    scrutineer = MembershipFactory(unit=ballot.unit).person
    ballot.scrutineers.add(scrutineer)
    items = attention(scrutineer)
    assert [href for text, href in items if "provisional result" in text] == [f"/ballots/{ballot.pk}/provisional/"]
    Ballot.objects.filter(pk=ballot.pk).update(state=Ballot.State.DECLARED)
    assert not [i for i in attention(scrutineer) if "provisional" in i[0]]


def test_the_secretary_is_asked_to_rule_and_nobody_to_second_a_seconded_motion(branch) -> None:
    proposer, s1, s2, other = branch.members[:4]
    seconded = motion_services.motion_create(unit=branch.unit, proposer=proposer, title="Back the strike", text="x")
    seeking = motion_services.motion_create(unit=branch.unit, proposer=proposer, title="Fund the paper", text="x")
    for m in (seconded, seeking):
        motion_services.motion_submit(motion_id=m.pk, actor=proposer)
    motion_services.motion_second(motion_id=seconded.pk, seconder=s1)
    motion_services.motion_second(motion_id=seconded.pk, seconder=s2)
    motion_services.motion_second(motion_id=seeking.pk, seconder=s1)

    secretary = attention(branch.secretary)
    assert [h for t, h in secretary if t.startswith("Rule on")] == [f"/meetings/motions/{seconded.pk}/#ruling"]
    assert not [t for t, _h in secretary if "Second" in t and "Back the strike" in t]
    assert [t for t, _h in secretary if "Second" in t and "Fund the paper" in t]  # members who rule still second
    assert "1 more seconder" in next(t for t, _h in attention(other) if "Fund the paper" in t)
    assert not [t for t, _h in attention(other) if "Back the strike" in t]  # enough seconders: not asked
    assert not [t for t, _h in attention(s1) if "Fund the paper" in t]  # already seconded
    assert not [t for t, _h in attention(proposer) if "Second" in t]  # never one's own
    assert not [t for t, _h in attention(other) if t.startswith("Rule")]  # members do not rule

    client = Client()
    client.force_login(branch.secretary)
    page = client.get(f"/meetings/motions/{seconded.pk}/").content.decode()
    assert 'id="ruling"' in page and page.index('id="ruling"') < page.index("<h2>Amendments</h2>")  # above the fold

    motion_services.motion_rule(motion_id=seconded.pk, actor=branch.secretary, in_order=True)
    assert not [t for t, _h in attention(branch.secretary) if t.startswith("Rule")]


def test_vote_only_where_on_the_roll_and_not_yet_voted() -> None:
    ballot = BallotFactory(title="Policy ballot")
    voter, voted = (MembershipFactory(unit=ballot.unit).person for _ in range(2))
    question = election_question(ballot, ["Nia", "Ben"], method="irv", seats=1)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    vote_cast(ballot_id=ballot.pk, voter=voted, answers={question.pk: [option(question, "Ben").pk]})
    assert [h for t, h in attention(voter) if t.startswith("Vote in")] == [f"/ballots/{ballot.pk}/"]
    assert not [t for t, _h in attention(voted) if t.startswith("Vote in")]


def _meeting(branch, title: str) -> Meeting:
    meeting = meeting_services.meeting_schedule(
        unit=branch.unit, actor=branch.secretary, kind=Meeting.Kind.GENERAL, title=title,
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    meeting_services.meeting_notice_send(meeting_id=meeting.pk, actor=branch.secretary)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    meeting_services.meeting_start(meeting_id=meeting.pk, actor=branch.secretary)
    return meeting


def test_officers_are_asked_to_approve_minutes_and_check_papers(branch) -> None:
    first = _meeting(branch, "March meeting")
    Meeting.objects.filter(pk=first.pk).update(starts_at=timezone.now() - dt.timedelta(days=30))
    meeting_services.meeting_close(meeting_id=first.pk, actor=branch.secretary)
    assert not [t for t, _h in attention(branch.secretary) if "minutes" in t]  # no meeting to approve them at
    second = _meeting(branch, "April meeting")
    attendance_check_in_by_officer(meeting_id=second.pk, person=branch.secretary, actor=branch.secretary)
    minutes = [(t, h) for t, h in attention(branch.secretary) if "minutes of" in t]
    assert minutes == [(minutes[0][0], f"/meetings/{second.pk}/console/#minutes")] and "March meeting" in minutes[0][0]

    chair = MembershipFactory(unit=branch.unit).person
    Holding.objects.create(
        person=chair, office=OfficeFactory(unit=branch.unit, title="Chair"), starts_on=dt.date(2024, 1, 1),
        authority="Elected",
    )  # fmt: skip
    count = paper_count_create(
        meeting_id=second.pk, actor=branch.secretary, title="Election of the treasurer",
        method="irv", seats=1, candidates=["Ann", "Bob"],
    )  # fmt: skip
    paper_entry_add(count_id=count.pk, actor=branch.secretary, marks={0: "1", 1: "2"})
    assert not [t for t, _h in attention(branch.secretary) if "papers" in t]  # not their own entry
    check = [(t, h) for t, h in attention(chair) if t.startswith("Check the papers")]
    assert check == [(check[0][0], f"/meetings/paper/{count.pk}/")] and "1 paper another" in check[0][0]

"""Issue 26, done when: for each role, Chromium starts at /me and completes
every item under "Needs your attention" by following its link and doing
the act on the page it leads to, until the list is empty. Screenshots of
/me and of each act's page, for each role at 390×844 and 1280×800, go to
tests/artifacts/.

Roles: a member (vote, second), the secretary (rule), the returning officer
(declare), a trustee of a verifiable ballot (make their key in the browser;
the later steps, shuffle and decrypt, are crawled by the verifiable
journeys' own pages and listed by tests/accounts/test_attention_trustees.py),
the chair (check the papers another officer entered, approve the
last meeting's minutes at this one) and a scrutineer, whose item (read the
provisional result) is not an act of theirs: it leaves their list when the
returning officer declares, which the crawl checks. Meetings to attend are
not acts done on a page, so they stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from meetings.services.paper import paper_count_create, paper_entry_add
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import BallotFactory, MembershipFactory, OfficeFactory, UnitFactory, motion_question, option

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
DESKTOP = {"width": 1280, "height": 800}
NOT_ACTS = {"attend", "scrutinise"}


def _as(new_page: Any, live_server: Any, user: Any) -> Any:
    page = new_page(PHONE)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def _items(page: Any, live_server: Any) -> list[dict[str, str]]:
    page.goto(f"{live_server.url}/me/")
    return page.eval_on_selector_all(
        "#attention li[data-kind]",
        "els => els.map(e => ({kind: e.dataset.kind, href: e.querySelector('a').getAttribute('href'), text: e.innerText}))",
    )


def _both_widths(page: Any, name: str) -> None:
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), name


def _do(page: Any, live_server: Any, item: dict[str, str], role: str) -> None:
    """Follow the item's link, as a person would, and do the act on that page."""
    page.goto(f"{live_server.url}/me/")
    page.locator(f'#attention a[href="{item["href"]}"]').first.click()
    page.wait_for_load_state()
    _both_widths(page, f"attention-{role}-{item['kind']}")
    if item["kind"] == "vote":
        page.locator("input.form-check-input").first.check()
        page.get_by_role("button", name="Check my vote").click()
        page.get_by_role("button", name="Cast my vote").click()
        page.locator("#receipt").wait_for()
    elif item["kind"] == "second":
        page.get_by_role("button", name="Second this motion").click()
        page.get_by_text("You seconded this motion.").wait_for()
    elif item["kind"] == "rule":
        ruling = page.locator("#ruling")
        assert ruling.is_visible()
        ruling.get_by_role("button", name="Rule in order").click()
        page.locator("#motion-state", has_text="Ruled in order").wait_for()
    elif item["kind"] == "declare":
        page.locator("#confirm").check()
        page.get_by_role("button", name="Declare the result").click()
        page.wait_for_url("**/result/")
    elif item["kind"] == "confirm_papers":
        page.get_by_role("button", name="Matches paper").first.click()
        page.wait_for_load_state()
    elif item["kind"] == "trustee_key":
        with page.expect_download():
            page.get_by_role("button", name="Make my key in this browser").click()
        page.get_by_label("somewhere safe").check()
        page.get_by_role("button", name="Send my public key").click()
        page.get_by_text("Your public key is accepted.").wait_for()
    elif item["kind"] == "approve_minutes":
        minutes = page.locator("#minutes")
        assert minutes.is_visible(), "the item leads to the console's minutes, with their button"
        minutes.get_by_role("button").first.click()
        page.get_by_text("Minutes approved as a true record.").wait_for()
    else:
        raise AssertionError(f"no act known for {item}")


def _crawl(page: Any, live_server: Any, role: str, *, expect: set[str]) -> None:
    """Complete every actionable item; the list must then hold none."""
    page.goto(f"{live_server.url}/me/")
    _both_widths(page, f"me-{role}")
    page.set_viewport_size(PHONE)
    seen: set[str] = set()
    for _ in range(12):
        items = [i for i in _items(page, live_server) if i["kind"] not in NOT_ACTS]
        if not items:
            break
        seen.add(items[0]["kind"])
        _do(page, live_server, items[0], role)
        after = [i for i in _items(page, live_server) if i["kind"] not in NOT_ACTS]
        assert item_gone(items[0], after), (role, items[0], "did not go away")
    else:
        raise AssertionError(f"{role}: the list never emptied")
    assert expect <= seen, (role, seen)
    page.goto(f"{live_server.url}/me/")
    _both_widths(page, f"me-{role}-done")
    texts = page.locator("#attention").inner_text()
    assert "Vote in" not in texts and "Rule on" not in texts and "Second" not in texts and "declare" not in texts


def item_gone(item: dict[str, str], items: list[dict[str, str]]) -> bool:
    return not [i for i in items if i["kind"] == item["kind"] and i["href"] == item["href"]]


def _meeting(unit: Any, secretary: Any, title: str) -> Meeting:
    meeting = meeting_services.meeting_schedule(
        unit=unit, actor=secretary, kind=Meeting.Kind.GENERAL, title=title,
        starts_at=timezone.now() + dt.timedelta(days=20),
    )  # fmt: skip
    meeting_services.meeting_notice_send(meeting_id=meeting.pk, actor=secretary)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    meeting_services.meeting_start(meeting_id=meeting.pk, actor=secretary)
    return meeting


def test_each_role_empties_their_list_by_following_its_links(live_server, new_page) -> None:
    unit = UnitFactory(name="Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, seconders_required=2, quorum=3, requisition_signatures=3)
    secretary = MembershipFactory(unit=unit).person
    Holding.objects.create(
        person=secretary, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1), authority="Appointed"
    )
    proposer, s1, member = (MembershipFactory(unit=unit).person for _ in range(3))
    motion = motion_services.motion_create(unit=unit, proposer=proposer, title="Back the strike", text="We back it.")
    motion_services.motion_submit(motion_id=motion.pk, actor=proposer)
    motion_services.motion_second(motion_id=motion.pk, seconder=s1)

    open_ballot = BallotFactory(unit=unit, title="Policy vote")
    motion_question(open_ballot)
    MembershipFactory(unit=unit)
    lifecycle.ballot_open(ballot_id=open_ballot.pk)

    returning_officer = MembershipFactory(unit=unit).person
    counted = BallotFactory(unit=unit, title="Treasurer election", returning_officer=returning_officer)
    q = motion_question(counted)
    lifecycle.ballot_open(ballot_id=counted.pk)
    for voter in (proposer, s1, member):
        vote_cast(ballot_id=counted.pk, voter=voter, answers={q.pk: [option(q, "For").pk]})
    lifecycle.ballot_close(ballot_id=counted.pk)
    tallying.ballot_tally(ballot_id=counted.pk)
    assert Ballot.objects.get(pk=counted.pk).state == Ballot.State.COUNTED
    scrutineer = MembershipFactory(unit=unit).person
    counted.scrutineers.add(scrutineer)

    watcher = _as(new_page, live_server, scrutineer)
    assert [i["kind"] for i in _items(watcher, live_server) if i["kind"] == "scrutinise"] == ["scrutinise"]
    _both_widths(watcher, "me-scrutineer")
    watcher.locator('#attention li[data-kind="scrutinise"] a').click()
    watcher.get_by_role("heading", name="Provisional result").first.wait_for()
    _both_widths(watcher, "attention-scrutineer-scrutinise")

    _crawl(_as(new_page, live_server, member), live_server, "member", expect={"vote", "second"})
    _crawl(_as(new_page, live_server, secretary), live_server, "secretary", expect={"rule", "vote"})
    _crawl(_as(new_page, live_server, returning_officer), live_server, "returning-officer", expect={"declare"})
    assert not [i for i in _items(watcher, live_server) if i["kind"] == "scrutinise"]  # declared: nothing to scrutinise
    _both_widths(watcher, "me-scrutineer-done")

    # The chair: last month's minutes to approve at this meeting, and a paper the secretary entered.
    chair = MembershipFactory(unit=unit).person
    Holding.objects.create(
        person=chair, office=OfficeFactory(unit=unit, title="Chair"), starts_on=dt.date(2024, 1, 1), authority="Elected"
    )
    march = _meeting(unit, secretary, "March meeting")
    Meeting.objects.filter(pk=march.pk).update(starts_at=timezone.now() - dt.timedelta(days=30))
    meeting_services.meeting_close(meeting_id=march.pk, actor=secretary)
    april = _meeting(unit, secretary, "April meeting")
    count = paper_count_create(
        meeting_id=april.pk, actor=secretary, title="Delegate", method="irv", seats=1, candidates=["Ann", "Bob"]
    )
    paper_entry_add(count_id=count.pk, actor=secretary, marks={0: "1", 1: "2"})
    _crawl(_as(new_page, live_server, chair), live_server, "chair", expect={"confirm_papers", "approve_minutes"})


def test_a_trustee_empties_their_list_by_making_their_key(live_server, new_page) -> None:
    """The trustee's item leads to their page; the key made in the browser
    (downloaded, only the public half sent) takes it off the list."""
    from ballots.models import Question
    from ballots.services.verifiable_setup import verifiable_enable
    from tests.factories import election_question

    ballot = BallotFactory(title="Regional delegate", state=Ballot.State.DRAFT)
    election_question(ballot, ["Ann Archer", "Bob Baker", "Cat Carter"], method=Question.Method.IRV)
    trustee = MembershipFactory(unit=ballot.unit).person
    verifiable_enable(ballot_id=ballot.pk, actor=ballot.returning_officer, trustees=[trustee])
    page = _as(new_page, live_server, trustee)
    _crawl(page, live_server, "trustee", expect={"trustee_key"})

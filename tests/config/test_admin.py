"""The admin site: every page a superuser can reach loads; each app has its
own heading; ballots, meetings and motions are read-only; and no admin page
shows a paper, a tracker or a participation, let alone beside a voter."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from ballots.models import Ballot, BallotPaper, Participation, PendingPaper, PendingTracker, Result, RollEntry, Tracker
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from governance.models import Holding
from meetings.models import StandingOrders
from meetings.services import discussion as discussion_services
from tests.factories import (
    BallotFactory,
    MembershipFactory,
    OfficeFactory,
    UnitFactory,
    UserFactory,
    election_question,
    option,
)
from tests.meetings.conftest import Branch, in_order_motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(db: Any) -> Branch:
    unit = UnitFactory(name="Stockport", slug="stockport")
    StandingOrders.objects.create(unit=unit, seconders_required=2)
    secretary = MembershipFactory(unit=unit).person
    Holding.objects.create(person=secretary, office=OfficeFactory(unit=unit), starts_on=dt.date(2024, 1, 1))
    return Branch(unit=unit, secretary=secretary, members=[MembershipFactory(unit=unit).person for _ in range(5)])


def closed_election(rankings: list[list[str]]) -> Ballot:
    """A closed ballot, its papers and trackers in their final tables."""
    ballot = BallotFactory()
    question = election_question(ballot, ["Ann", "Bob", "Cat"])
    voters = [MembershipFactory(unit=ballot.unit).person for _ in rankings]
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter, ranking in zip(voters, rankings, strict=True):
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, n).pk for n in ranking]})
    return lifecycle.ballot_close(ballot_id=ballot.pk)


@pytest.fixture
def superuser_client(branch) -> Client:
    c = Client()
    c.force_login(UserFactory(is_staff=True, is_superuser=True))
    return c


def crawl_admin(c: Client) -> dict[str, str]:
    """Every changelist linked from the admin index, and up to three change
    pages linked from each: url -> page."""
    index = c.get("/admin/")
    assert index.status_code == 200
    pages = {"/admin/": index.content.decode()}
    lists = sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', pages["/admin/"])))
    for url in lists:
        response = c.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        for change in sorted(set(re.findall(rf'href="({re.escape(url)}[^/"]+/change/)', pages[url])))[:3]:
            detail = c.get(change)
            assert detail.status_code == 200, change
            pages[change] = detail.content.decode()
    return pages


def test_every_admin_page_loads_and_secret_rows_are_nowhere(branch, superuser_client) -> None:
    ballot = closed_election([["Ann", "Bob"], ["Bob", "Ann"], ["Ann"], ["Cat", "Ann"]])
    motion = in_order_motion(branch)
    discussion_services.discussion_post_create(motion_id=motion.pk, author=branch.members[3], text="A post")
    pages = crawl_admin(superuser_client)
    for listed in ("/admin/ballots/ballot/", "/admin/meetings/motion/", "/admin/meetings/meeting/"):
        assert listed in pages
    assert f"/admin/ballots/ballot/{ballot.pk}/change/" in pages
    assert f"/admin/meetings/motion/{motion.pk}/change/" in pages

    for model in (Participation, PendingPaper, BallotPaper, PendingTracker, Tracker, RollEntry, Result):
        assert not admin.site.is_registered(model), model
    secrets = [str(pk) for pk in BallotPaper.objects.values_list("pk", flat=True)]
    secrets += list(Tracker.objects.values_list("tracker", flat=True))
    assert len(secrets) == 8  # four papers, four trackers: the search below is for something real
    voters = list(Participation.objects.filter(ballot=ballot).values_list("voter__email", flat=True))
    assert len(voters) == 4
    for url, page in pages.items():
        for secret in secrets:
            assert secret not in page, url
        if url.startswith("/admin/ballots/"):
            for email in voters:
                assert email not in page, url


def test_each_app_has_its_own_heading(superuser_client) -> None:
    index = superuser_client.get("/admin/").content.decode()
    headings = re.findall(r'<a href="/admin/[a-z_]+/" class="section"[^>]*>([^<]+)</a>', index)
    assert headings, "no app headings found on the admin index"
    assert [h for h, n in Counter(h.strip().lower() for h in headings).items() if n > 1] == []


def test_ballots_meetings_and_motions_are_read_only(branch, superuser_client) -> None:
    ballot = closed_election([["Ann"], ["Bob"], ["Ann"]])
    motion = in_order_motion(branch)
    for url in (
        f"/admin/ballots/ballot/{ballot.pk}/change/",
        f"/admin/meetings/motion/{motion.pk}/change/",
    ):
        page = superuser_client.get(url).content.decode()
        assert 'name="_save"' not in page, url
        assert superuser_client.post(url, {"title": "Changed"}).status_code == 403, url
    assert superuser_client.get("/admin/ballots/ballot/add/").status_code == 403
    assert superuser_client.get(f"/admin/meetings/motion/{motion.pk}/delete/").status_code == 403
    ballot.refresh_from_db()
    motion.refresh_from_db()
    assert ballot.title != "Changed" and motion.title != "Changed"


def test_only_staff_see_a_link_to_the_admin_in_the_navigation() -> None:
    """Issue 26, part 6: staff reach the admin from any page; nobody else is shown it."""
    staff = UserFactory(is_staff=True)
    member = UserFactory()
    for person, shown in ((staff, True), (member, False), (None, False)):
        client = Client()
        if person is not None:
            client.force_login(person)
        page = client.get("/ballots/").content.decode()
        nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
        assert ('href="/admin/"' in nav) is shown, person

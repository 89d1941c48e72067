"""Unit and network pages: counts that add up the tree, bodies with their
current members (office holders included), links wherever something is
named, no raw addresses, no drafts, breadcrumbs, and bounded queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Body, Unit
from meetings.models import Meeting
from meetings.services import meetings as meeting_services
from meetings.services import motions as motion_services
from tests.factories import BodyFactory, HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Any]:
    national = UnitFactory(name="Momentum", slug="momentum", kind=Unit.Kind.NATIONAL)
    region = UnitFactory(name="North West", slug="north-west", parent=national, kind=Unit.Kind.REGION)
    stockport = UnitFactory(name="Stockport", slug="stockport", parent=region)
    manchester = UnitFactory(name="Manchester", slug="manchester", parent=region)
    for _ in range(3):
        MembershipFactory(unit=stockport)
    for _ in range(2):
        MembershipFactory(unit=manchester)
    both = MembershipFactory(unit=stockport).person
    MembershipFactory(unit=manchester, person=both)  # in two branches: one person in the region's count
    MembershipFactory(unit=manchester, kind="supporter")
    MembershipFactory(unit=manchester, status="lapsed")
    return {"national": national, "region": region, "stockport": stockport, "manchester": manchester}


def test_the_network_and_a_region_add_up_their_branches(client: Client, tree: dict[str, Any]) -> None:
    html = client.get("/units/").content.decode()
    counts = dict(re.findall(r'>([^<]+)</a>\n<span[^>]*>[^<]*<span class="tree-count">([^<]+)</span>', html))
    assert counts == {
        "Momentum": "6 members and 1 supporter",
        "North West": "6 members and 1 supporter",
        "Manchester": "3 members and 1 supporter",
        "Stockport": "4 members",
    }
    region = client.get("/units/north-west/").content.decode()
    assert "6 members and 1 supporter with its groups (0 and 0 directly in North West)" in region
    assert "4 members and 0 supporters; 0 in the Labour Party." in client.get("/units/stockport/").content.decode()


def test_a_body_lists_its_office_holders_as_current_members(client: Client, tree: dict[str, Any]) -> None:
    branch = tree["stockport"]
    committee = BodyFactory(unit=branch, name="Stockport branch committee", kind=Body.Kind.COMMITTEE)
    chair = OfficeFactory(unit=branch, title="Chair", body=committee)
    secretary = OfficeFactory(unit=branch, title="Secretary", body=committee)
    HoldingFactory(office=chair, person=UserFactory(full_name="Cath Chair"))
    HoldingFactory(office=secretary, person=UserFactory(full_name="Sam Secretary"))
    HoldingFactory(office=None, body=committee, person=UserFactory(full_name="Seat Holder"))
    HoldingFactory(
        office=None, body=committee, person=UserFactory(full_name="Gone Member"), ends_on=dt.date(2025, 1, 1)
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    HoldingFactory(office=None, body=committee, person=UserFactory(full_name="Future Member"), starts_on=tomorrow)
    empty = BodyFactory(unit=branch, name="Empty working group", seats=3)

    unit_page = client.get("/units/stockport/").content.decode()
    section = unit_page.split(f'id="body-{committee.pk}"')[1].split("</section>")[0]
    assert "Cath Chair, chair" in section and "Sam Secretary, secretary" in section and "Seat Holder" in section
    assert "No current members" not in section
    assert "Gone Member" not in section and "Future Member" not in section
    empty_section = unit_page.split(f'id="body-{empty.pk}"')[1].split("</section>")[0]
    assert "No current members (3 seats vacant)." in empty_section

    body_page = client.get(f"/units/stockport/bodies/{committee.pk}/").content.decode()
    current = body_page.split('id="current-members"')[1].split("</ul>")[0]
    assert "Cath Chair, chair" in current and "Sam Secretary, secretary" in current and "Seat Holder" in current
    assert "Gone Member" not in current and "Future Member" not in current
    assert f'href="/units/stockport/offices/{chair.pk}/"' in body_page


def test_authority_addresses_are_links_not_raw_text(client: Client, tree: dict[str, Any]) -> None:
    branch = tree["manchester"]
    address = f"{settings.SITE_URL}/ballots/3/result/"
    committee = BodyFactory(
        unit=branch, name="Manchester committee", mandate_authority=f"Declared result of ballot “AGM” ({address})"
    )
    HoldingFactory(office=None, body=committee, authority=f"Declared result of ballot “AGM” ({address})")
    HoldingFactory(office=OfficeFactory(unit=branch, title="Chair"), authority=f"Elected ({address})")
    HoldingFactory(office=OfficeFactory(unit=branch, title="Treasurer"), authority="See <script>x</script>")
    for url in ("/units/manchester/", f"/units/manchester/bodies/{committee.pk}/"):
        html = client.get(url).content.decode()
        assert address not in html, url
        assert '<a href="/ballots/3/result/">Declared result of ballot “AGM”</a>' in html, url
    html = client.get("/units/manchester/").content.decode()
    assert '<a href="/ballots/3/result/">Elected</a>' in html
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_meetings_motions_and_results_are_links_and_drafts_are_never_listed(client: Client, tree: dict) -> None:
    branch = tree["stockport"]
    proposer = MembershipFactory(unit=branch, person=UserFactory(full_name="Dana Drafter")).person
    draft = motion_services.motion_create(unit=branch, proposer=proposer, title="Secret draft idea", text="x")
    other = MembershipFactory(unit=branch, person=UserFactory(full_name="Pat Proposer")).person
    public = motion_services.motion_create(unit=branch, proposer=other, title="Public motion", text="x")
    motion_services.motion_submit(motion_id=public.pk, actor=other)
    meeting = meeting_services.meeting_schedule(
        unit=branch,
        actor=UserFactory(is_superuser=True),
        kind=Meeting.Kind.GENERAL,
        title="Branch meeting",
        starts_at=timezone.now() + dt.timedelta(days=40),
    )
    held = meeting_services.meeting_schedule(
        unit=branch,
        actor=UserFactory(is_superuser=True),
        kind=Meeting.Kind.GENERAL,
        title="Last month's meeting",
        starts_at=timezone.now() + dt.timedelta(days=50),
    )
    Meeting.objects.filter(pk=held.pk).update(
        state=Meeting.State.CLOSED, starts_at=timezone.now() - dt.timedelta(days=30)
    )
    for viewer in (None, proposer):
        c = Client()
        if viewer is not None:
            c.force_login(viewer)
        html = c.get("/units/stockport/").content.decode()
        assert "Secret draft idea" not in html and "Dana Drafter" not in html
        assert f'<a href="/meetings/motions/{public.pk}/">Public motion</a>' in html
        assert f'<a href="/meetings/{meeting.pk}/">Branch meeting</a>' in html
        past = html.split('id="past-meetings"')[1].split("</ul>")[0]
        assert f'<a href="/meetings/{held.pk}/">Last month&#x27;s meeting</a>' in past
    assert draft.pk


def test_breadcrumbs_on_every_unit_page(client: Client, tree: dict[str, Any]) -> None:
    branch = tree["stockport"]
    body = BodyFactory(unit=branch, name="Committee")
    office = OfficeFactory(unit=branch, title="Chair", body=body)
    network = client.get("/units/").content.decode()
    assert 'nav aria-label="Breadcrumb"' in network
    for url, last in [
        ("/units/stockport/", "Stockport"),
        (f"/units/stockport/bodies/{body.pk}/", "Committee"),
        (f"/units/stockport/offices/{office.pk}/", "Chair"),
    ]:
        html = client.get(url).content.decode()
        crumbs = html.split('<nav aria-label="Breadcrumb">')[1].split("</nav>")[0]
        assert '<a href="/units/">The network</a>' in crumbs, url
        assert (
            '<a href="/units/momentum/">Momentum</a>' in crumbs
            and '<a href="/units/north-west/">North West</a>' in crumbs
        )
        assert f'aria-current="page">{last}</li>' in crumbs, url
    office_crumbs = client.get(f"/units/stockport/offices/{office.pk}/").content.decode()
    assert f'<a href="/units/stockport/bodies/{body.pk}/">Committee</a>' in office_crumbs


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_unit_and_network_pages_use_bounded_queries(client: Client, tree: dict[str, Any]) -> None:
    branch = tree["stockport"]

    def grow(n: int) -> None:
        for _ in range(n):
            i = Unit.objects.count()
            body = BodyFactory(unit=branch, name=f"Body {i}")
            office = OfficeFactory(unit=branch, title=f"Office {i}", body=body)
            HoldingFactory(office=office)
            HoldingFactory(office=None, body=body)
            person = MembershipFactory(unit=branch).person
            motion = motion_services.motion_create(unit=branch, proposer=person, title=f"Motion {i}", text="x")
            motion_services.motion_submit(motion_id=motion.pk, actor=person)
            UnitFactory(name=f"Branch {i}", slug=f"branch-{i}", parent=tree["region"])

    grow(1)
    unit_before, body_before, network_before = (
        _queries(client, "/units/stockport/"),
        _queries(client, f"/units/stockport/bodies/{branch.bodies.first().pk}/"),
        _queries(client, "/units/"),
    )
    grow(6)
    assert _queries(client, "/units/stockport/") == unit_before
    assert _queries(client, f"/units/stockport/bodies/{branch.bodies.first().pk}/") == body_before
    assert _queries(client, "/units/") == network_before
    assert network_before <= 3, network_before  # the tree with its counts is one query (plus the session's)

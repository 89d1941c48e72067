"""The public "who runs it" pages, and a member's own data pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from governance.models import Body, GoverningDocument, Membership, Unit
from governance.services.documents import document_create, document_version_adopt
from tests.factories import BodyFactory, HoldingFactory, MembershipFactory, OfficeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network() -> dict[str, object]:
    national = UnitFactory(name="Momentum", slug="momentum", kind=Unit.Kind.NATIONAL)
    branch = UnitFactory(
        name="Momentum Stockport", slug="momentum-stockport", parent=national, meeting_place="Stockport Labour Club"
    )
    group = BodyFactory(
        unit=national,
        name="Interim reference group",
        kind=Body.Kind.REFERENCE_GROUP,
        mandate=Body.Mandate.APPOINTED,
        ends_when_elected_body_constituted=True,
        mandate_authority="Named on the founding statement",
    )
    for name, seat in [
        ("Richard Burgon", "MP for Leeds East"),
        ("Katy Clark", "former MP for North Ayrshire and Arran"),
    ]:
        HoldingFactory(
            person=UserFactory(full_name=name), body=group, office=None, authority=f"Founding statement ({seat})"
        )
    chair = OfficeFactory(unit=branch, title="Chair")
    HoldingFactory(office=chair, person=UserFactory(full_name="Old Chair"), ends_on=dt.date(2025, 1, 1))
    HoldingFactory(office=chair, person=UserFactory(full_name="Cath Chair"), starts_on=dt.date(2025, 1, 1))
    treasurer = OfficeFactory(unit=branch, title="Treasurer")
    for i in range(3):
        MembershipFactory(unit=branch, kind="member", party_member=i == 0)
    MembershipFactory(unit=branch, kind="supporter")
    MembershipFactory(unit=branch, kind="member", status="lapsed")
    return {"national": national, "branch": branch, "group": group, "chair": chair, "treasurer": treasurer}


def test_network_page_shows_the_tree(client: Client, network: dict) -> None:
    response = client.get("/units/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Momentum</a>") < html.index("Momentum Stockport</a>")
    # The branch's active members and supporters, and the national unit adds up the branch's.
    assert html.count("3 members and 1 supporter") == 2


def test_unit_page_shows_who_runs_it_on_whose_authority(client: Client, network: dict) -> None:
    html = client.get("/units/momentum/").content.decode()
    assert "Interim reference group" in html and "Named on the founding statement" in html
    assert "Richard Burgon" in html and "Founding statement (MP for Leeds East)" in html
    assert "until the elected body is constituted" in html
    assert "Interim (run by appointees)" in html


def test_branch_page_shows_officers_vacancies_counts_and_open_ballots(client: Client, network: dict) -> None:
    from ballots.models import Ballot
    from tests.factories import BallotFactory

    BallotFactory(unit=network["branch"], title="Committee election", state=Ballot.State.OPEN)
    html = client.get("/units/momentum-stockport/").content.decode()
    assert "Cath Chair" in html and "Old Chair" not in html
    assert 'Treasurer</a>:\n<em class="vacant">vacant' in html
    assert "3 members and 1 supporter; 1 in the Labour Party." in html
    assert "Committee election" in html and "Stockport Labour Club" in html
    assert "Manage the roll" not in html


def test_office_page_shows_the_history(client: Client, network: dict) -> None:
    html = client.get(f"/units/momentum-stockport/offices/{network['chair'].pk}/").content.decode()
    assert html.index("Cath Chair") < html.index("Old Chair")
    assert "1 Jan 2025" in html and "Appointed at the founding meeting" in html
    html = client.get(f"/units/momentum-stockport/offices/{network['treasurer'].pk}/").content.decode()
    assert "Vacant" in html and "Nobody has held this yet." in html


def test_body_page_and_wrong_unit_404(client: Client, network: dict) -> None:
    html = client.get(f"/units/momentum/bodies/{network['group'].pk}/").content.decode()
    assert "Katy Clark" in html and "Its mandate lasts until the elected body is constituted." in html
    assert client.get(f"/units/momentum-stockport/bodies/{network['group'].pk}/").status_code == 404
    assert client.get("/units/no-such-unit/").status_code == 404
    assert client.get(f"/units/momentum/offices/{network['chair'].pk}/").status_code == 404


def test_document_page_shows_current_text_and_versions(client: Client, network: dict) -> None:
    doc = document_create(unit=network["branch"], kind=GoverningDocument.Kind.CONSTITUTION, title="Branch constitution")
    document_version_adopt(document=doc, text="First text", adopted_on=dt.date(2025, 1, 1), authority="Founding")
    document_version_adopt(document=doc, text="Second <b>text</b>", adopted_on=dt.date(2025, 6, 1), authority="AGM")
    html = client.get(f"/units/momentum-stockport/documents/{doc.pk}/").content.decode()
    assert "Version 2, adopted 1 Jun 2025" in html and "Second &lt;b&gt;text&lt;/b&gt;" in html
    assert "First text" not in html and "version 1" in html
    assert (
        'Branch constitution</a> <span class="small text-body-secondary">version 2'
        in client.get("/units/momentum-stockport/").content.decode()
    )


def test_my_memberships_and_data_download(client: Client, network: dict) -> None:
    member = Membership.objects.filter(unit=network["branch"]).earliest("pk").person
    client.force_login(member)
    html = client.get("/units/me/memberships/").content.decode()
    assert "Momentum Stockport" in html and "Erase my data" in html and "/me/export.json" in html
    data = json.loads(client.get("/me/export.json").content)
    assert data["accounts"]["account"]["email"] == member.email
    assert data["governance"]["memberships"][0]["unit_name"] == "Momentum Stockport"
    assert client.get("/units/me/memberships/", follow=False).status_code == 200
    client.logout()
    assert client.get("/me/export.json").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_removal_anonymises_and_keeps_ballot_counts(client: Client) -> None:
    from ballots.models import Participation, RollEntry
    from ballots.services import lifecycle
    from ballots.services.casting import vote_cast
    from tests.factories import BallotFactory, motion_question

    ballot = BallotFactory()
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter in voters:
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [question.options.get(label="For").pk]})
    leaver = voters[0]
    client.force_login(leaver)
    response = client.post("/me/erase/", {"password": "wrong"})
    assert response.status_code == 400 and "not your password" in response.content.decode()
    response = client.post("/me/erase/", {"password": "correct-horse-battery"})
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.full_name == "Removed member" and leaver.email.endswith("@removed.invalid")
    assert not leaver.is_active and not leaver.has_usable_password()
    assert not Membership.objects.filter(person=leaver).exists()
    assert (
        Participation.objects.filter(ballot=ballot).count() == 3
        and RollEntry.objects.filter(ballot=ballot).count() == 3
    )
    lifecycle.ballot_close(ballot_id=ballot.pk)
    from ballots.models import Result

    assert Result.objects.get(question=question).count_sheet["votes_for"] == 3
    assert User.objects.filter(pk=leaver.pk).exists()
    assert timezone.now()  # keep the import used

"""Every e-mail is logged per person (kind, why, when; never its text): the
member sees theirs on /me, the unit's managers see their members' through the gate."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import UnitAccessPolicy
from accounts.selectors import emails_sent_to
from ballots.services import lifecycle, reminders
from tests.accounts.helpers import make_officer
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, motion_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    unit = UnitFactory(name="Stockport", slug="stockport")
    members = [MembershipFactory(unit=unit).person for _ in range(3)]
    secretary = MembershipFactory(unit=unit).person
    make_officer(secretary, unit)
    ballot = BallotFactory(unit=unit, title="Affiliation ballot")
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    reminders.reminders_enqueue(ballot=ballot)
    return unit, members, secretary, ballot


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_sees_what_was_sent_to_them_and_why(branch) -> None:
    _unit, (member, other, _), _secretary, _ballot = branch
    log = emails_sent_to(person=member)
    assert {(e["what"], e["why"]) for e in log} == {
        ("Notice of poll", "Notice of poll: Affiliation ballot"),
        ("Reminder to vote", "Reminder: voting closes soon in Affiliation ballot"),
    }
    assert all(set(e) == {"kind", "what", "why", "queued_at", "sent_at", "status"} for e in log)  # no body
    page = signed_in(member).get("/me/").content.decode()
    assert "Notice of poll: Affiliation ballot" in page.split('id="emails-sent"')[1].split("</ul>")[0]
    full = signed_in(member).get("/me/emails/").content.decode()
    assert "Reminder to vote" in full and "Notice of poll: Affiliation ballot" in full
    assert other.email not in full


def test_the_secretary_sees_counts_per_kind_and_each_members_list_without_reminders(branch) -> None:
    _unit, (member, *_), secretary, _ballot = branch
    client = signed_in(secretary)
    page = client.get("/me/units/stockport/emails/").content.decode()
    counts = page.split('id="email-counts"')[1].split("</table>")[0]
    assert 'Notice of poll</td><td class="text-end">4<' in counts  # three members and the secretary
    assert f"/me/units/stockport/emails/{member.pk}/" in page
    theirs = client.get(f"/me/units/stockport/emails/{member.pk}/")
    assert theirs.status_code == 200
    text = theirs.content.decode()
    assert "Notice of poll: Affiliation ballot" in text and "Reminder: voting" not in text
    assert "/me/units/stockport/emails/" in signed_in(secretary).get("/me/").content.decode()
    stranger = MembershipFactory(unit=UnitFactory()).person
    assert client.get(f"/me/units/stockport/emails/{stranger.pk}/").status_code == 404


def test_members_and_officers_of_other_units_are_refused(branch) -> None:
    _unit, (member, *_), _secretary, _ballot = branch
    elsewhere = UnitFactory()
    foreign = MembershipFactory(unit=elsewhere).person
    make_officer(foreign, elsewhere)
    for person in (member, foreign):
        for path in ("/me/units/stockport/emails/", f"/me/units/stockport/emails/{member.pk}/"):
            response = signed_in(person).get(path)
            assert response.status_code == 403, (person, path)
            assert b"read the log of e-mails sent to its members" in response.content


def test_the_unit_demanding_mfa_sends_an_officer_without_it_to_set_it_up(branch) -> None:
    unit, _members, secretary, _ballot = branch
    UnitAccessPolicy.objects.create(unit=unit, officers_require_mfa=True)
    response = signed_in(secretary).get("/me/units/stockport/emails/")
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/accounts/2fa/" in response["Location"]

"""A member's own pages: overview, preferences, unsubscribe, data export; sign-up as supporter."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts import tokens
from accounts.models import User
from ballots.models import BallotPaper, PendingPaper
from ballots.services import lifecycle
from ballots.services.casting import vote_cast
from governance.models import Membership
from tests.accounts.helpers import verified_user
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, motion_question, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_with_ballots():
    unit = UnitFactory(name="Momentum Stockport")
    member = verified_user(full_name="Maya Member")
    MembershipFactory(unit=unit, person=member)
    voted = BallotFactory(unit=unit, title="Hospital campaign motion")
    pending = BallotFactory(unit=unit, title="Branch secretary election")
    for ballot in (voted, pending):
        motion_question(ballot)
        lifecycle.ballot_open(ballot_id=ballot.pk)
    question = voted.questions.get()
    vote_cast(ballot_id=voted.pk, voter=member, answers={question.pk: [option(question, "Against").pk]})
    client = Client()
    client.force_login(member)
    return member, client, voted, pending


def test_my_page_shows_ballots_voted_and_not_yet_voted(member_with_ballots) -> None:
    _member, client, _voted, _pending = member_with_ballots
    page = client.get("/me/").content.decode()
    open_section = page.split('id="ballots-open"')[1].split("</ul>")[0]
    assert "Hospital campaign motion" in open_section and "Branch secretary election" in open_section
    assert open_section.index("voted") > 0
    voted_item = next(li for li in open_section.split("<li>") if "Hospital campaign motion" in li)
    pending_item = next(li for li in open_section.split("<li>") if "Branch secretary election" in li)
    assert "not yet voted" not in voted_item and "voted" in voted_item
    assert "not yet voted" in pending_item
    assert "Momentum Stockport: Member" in page


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    for path in ("/me/", "/me/preferences/", "/me/export.json"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_preferences_turn_optional_mail_off_and_on(member_with_ballots) -> None:
    member, client, *_ = member_with_ballots
    assert client.post("/me/preferences/", {}).status_code == 302  # unchecked box: off
    assert User.objects.get(pk=member.pk).optional_email is False
    client.post("/me/preferences/", {"optional_email": "on"})
    assert User.objects.get(pk=member.pk).optional_email is True


def test_unsubscribe_link_asks_then_turns_optional_mail_off_without_signing_in() -> None:
    member = verified_user()
    token = tokens.unsubscribe_token_make(user=member)
    anonymous = Client(enforce_csrf_checks=True)
    ask = anonymous.get(f"/me/unsubscribe/{token}/")
    assert ask.status_code == 200 and User.objects.get(pk=member.pk).optional_email is True  # GET changes nothing
    done = anonymous.post(f"/me/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"will no longer get optional news" in done.content
    assert User.objects.get(pk=member.pk).optional_email is False
    forged = anonymous.post(f"/me/unsubscribe/{token[:-3]}abc/")
    assert forged.status_code == 400 and b"not valid" in forged.content


def test_data_export_has_my_data_and_no_vote_content(member_with_ballots) -> None:
    member, client, _voted, _pending = member_with_ballots
    response = client.get("/me/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="agora-my-data-')
    data = json.loads(response.content)
    assert data["accounts"]["account"]["email"] == member.email
    assert [m["unit_name"] for m in data["governance"]["memberships"]] == ["Momentum Stockport"]
    ballots = {b["title"]: b["voted"] for b in data["ballots"]["ballots"]}
    assert ballots == {"Hospital campaign motion": True, "Branch secretary election": False}
    # Nothing that says how the member voted: the ballot entries say only
    # whether they took part, and no key anywhere carries a paper or receipt.
    assert all(set(b) == {"id", "title", "unit", "state", "voted"} for b in data["ballots"]["ballots"])
    text = response.content.decode()
    assert "Against" not in text
    assert PendingPaper.objects.exists() or BallotPaper.objects.exists(), "a paper was cast"

    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert not {k for k in keys(data) if any(w in k for w in ("paper", "choice", "receipt", "tracker", "content"))}


def test_supporter_signup_only_for_units_that_allow_it() -> None:
    closed = UnitFactory(allows_supporter_signup=False)
    client = Client()
    assert (
        b"Sign Up Closed" in client.get("/accounts/signup/").content
        or b"closed" in client.get("/accounts/signup/").content.lower()
    )
    open_unit = UnitFactory(name="Momentum Stockport", allows_supporter_signup=True)
    form = {
        "email": "new@example.org",
        "password1": "a-fine-password-26",
        "password2": "a-fine-password-26",
        "full_name": "New Person",
        "unit": closed.pk,
    }
    refused = client.post("/accounts/signup/", form)
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    assert not User.objects.filter(email="new@example.org").exists()
    accepted = client.post("/accounts/signup/", {**form, "unit": open_unit.pk})
    assert accepted.status_code == 302
    person = User.objects.get(email="new@example.org")
    assert person.full_name == "New Person"
    membership = Membership.objects.get(person=person)
    assert membership.unit == open_unit and membership.kind == Membership.Kind.SUPPORTER


def test_my_page_says_what_needs_attention_and_what_i_run(django_assert_max_num_queries) -> None:
    """A member sees the ballot to vote in, the motion to second and the
    meeting to attend; an officer also sees the ballots they run, the
    meetings they may chair and links to manage their groups."""
    import datetime as dt

    from django.utils import timezone

    from ballots.services import lifecycle
    from meetings.models import Motion
    from meetings.services.meetings import meeting_schedule
    from tests.factories import BallotFactory, HoldingFactory, MembershipFactory, OfficeFactory, motion_question

    ballot = BallotFactory(title="Affiliation ballot")
    unit = ballot.unit
    member = MembershipFactory(unit=unit).person
    secretary = HoldingFactory(office=OfficeFactory(unit=unit, title="Secretary")).person
    MembershipFactory(unit=unit, person=secretary)
    ballot.returning_officer = secretary
    ballot.save(update_fields=["returning_officer"])
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk, send_notices=False)
    proposer = MembershipFactory(unit=unit).person
    motion = Motion.objects.create(unit=unit, title="Back the strike", text="…", proposer=proposer, state="submitted")
    meeting = meeting_schedule(
        unit=unit, actor=secretary, kind="general", title="Branch AGM", starts_at=timezone.now() + dt.timedelta(days=30)
    )

    client = Client()
    client.force_login(member)
    html = client.get("/me/").content.decode()
    attention = html[html.index('id="attention"') : html.index("</ul>", html.index('id="attention"'))]
    assert f'href="/ballots/{ballot.pk}/"' in attention
    assert f'href="/meetings/motions/{motion.pk}/"' in attention
    assert f'href="/meetings/{meeting.pk}/"' in attention
    assert f'href="/meetings/requisitions/{unit.slug}/"' in html
    assert 'id="runs-h"' not in html  # no office, nothing run

    officer = Client()
    officer.force_login(secretary)
    officer.get("/me/")
    with django_assert_max_num_queries(32):  # + the e-mails we sent you, + a trustee's steps (one query)
        page = officer.get("/me/").content.decode()
    assert f'href="/ballots/{ballot.pk}/manage/"' in page
    assert f'href="/meetings/{meeting.pk}/console/"' in page
    assert f'href="/meetings/schedule/{unit.slug}/"' in page and f'href="/units/{unit.slug}/manage/"' in page

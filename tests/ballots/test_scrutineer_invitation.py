"""Issue 26: a named scrutineer is told, by e-mail with the link, and finds
the provisional result under "Needs your attention" on their page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from ballots.models import Ballot
from ballots.services import lifecycle, tallying
from ballots.services.casting import vote_cast
from core.emails import outbox_send_pending
from core.models import OutboxEmail
from tests.factories import BallotFactory, MembershipFactory, election_question, option

pytestmark = pytest.mark.django_db


def _ballot(*, count: bool) -> Ballot:
    ballot = BallotFactory(title="Treasurer & auditor election")
    voters = [MembershipFactory(unit=ballot.unit).person for _ in range(3)]
    question = election_question(ballot, ["Nia", "Ben"], method="irv", seats=1)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    for voter in voters:
        vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [option(question, "Nia").pk]})
    if count:
        lifecycle.ballot_close(ballot_id=ballot.pk)
        tallying.ballot_tally(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    return ballot


@pytest.mark.parametrize("counted", [True, False])
def test_naming_a_scrutineer_sends_them_the_link_once(counted: bool) -> None:
    ballot = _ballot(count=counted)
    agent = MembershipFactory(unit=ballot.unit).person
    ro = Client()
    ro.force_login(ballot.returning_officer)
    url = f"/ballots/{ballot.pk}/provisional/scrutineers/"
    outbox_send_pending()  # the notice of poll and the like
    mail.outbox.clear()
    ro.post(url, {"email": agent.email})
    assert outbox_send_pending() == 1
    (message,) = mail.outbox
    assert message.to == [agent.email]
    assert message.subject == 'You are a scrutineer of "Treasurer & auditor election"'
    link = f"/ballots/{ballot.pk}/provisional/"
    assert link in message.body and link in message.alternatives[0][0]
    assert ("The votes are counted." in message.body) is counted
    assert ("Once the votes are counted" in message.body) is not counted
    ro.post(url, {"remove": str(agent.pk)})
    ro.post(url, {"email": agent.email})  # named again: no second e-mail
    assert OutboxEmail.objects.filter(recipient=agent).count() == 1


def test_the_provisional_page_is_on_the_scrutineers_page() -> None:
    ballot = _ballot(count=True)
    agent = MembershipFactory(unit=ballot.unit).person
    ro = Client()
    ro.force_login(ballot.returning_officer)
    ro.post(f"/ballots/{ballot.pk}/provisional/scrutineers/", {"email": agent.email})
    scrutineer = Client()
    scrutineer.force_login(agent)
    page = scrutineer.get("/me/").content.decode()
    attention = page.split('id="attention"')[1].split("</ul>")[0]
    assert f'href="/ballots/{ballot.pk}/provisional/"' in attention
    assert scrutineer.get(f"/ballots/{ballot.pk}/provisional/").status_code == 200

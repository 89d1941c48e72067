"""The demo shows the seed's reference group and a branch whose committee was elected."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ballots.models import Ballot
from governance.models import Body, DocumentVersion, Holding, Unit
from meetings.models import StandingOrders

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_demo_loads_the_reference_group_and_an_elected_branch() -> None:
    out = StringIO()
    call_command("seed_demo", members=20, stdout=out)
    group = Body.objects.get(unit__slug="momentum", kind=Body.Kind.REFERENCE_GROUP)
    current = Holding.objects.filter(body=group, ends_on__isnull=True).select_related("person")
    assert sorted(h.person.full_name for h in current) == [
        "Becky Long-Bailey",
        "Clive Lewis",
        "Kate Osamor",
        "Katy Clark",
        "Richard Burgon",
    ]
    assert Unit.objects.get(slug="momentum").governance_status == Unit.GovernanceStatus.INTERIM
    manchester = Unit.objects.get(slug="momentum-manchester")
    assert manchester.governance_status == Unit.GovernanceStatus.ESTABLISHED
    committee = Body.objects.get(unit=manchester, kind=Body.Kind.COMMITTEE)
    assert committee.mandate == Body.Mandate.ELECTED and "Declared result" in committee.mandate_authority
    assert Holding.objects.filter(body=committee, ends_on__isnull=True, ballot_question__isnull=False).count() == 3
    assert Body.objects.get(unit=manchester, kind=Body.Kind.REFERENCE_GROUP).mandate_ended_at is not None
    assert DocumentVersion.objects.filter(document__unit__slug="momentum-stockport", number=2, amends_number=1).exists()
    orders = StandingOrders.objects.get(unit__slug="momentum-stockport")
    assert orders.proxies_allowed is True, "the demo branch allows proxies, so the proxy journey works"
    # Every demo ballot that opened froze its roll at its opening time (issue 26, part 6).
    opened = Ballot.objects.filter(roll_frozen_at__isnull=False)
    assert opened.count() >= 3
    assert [(b.title, b.roll_frozen_at) for b in opened] == [(b.title, b.opens_at) for b in opened]
    call_command("seed_demo", stdout=out)
    assert "already loaded" in out.getvalue()


def test_demo_logins_sign_in_through_allauth() -> None:
    """The logins the run command prints work at once (allauth demands a
    verified address), for the web and the API."""
    from django.test import Client

    call_command("seed_demo", verbosity=0)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "member@example.org", "password": "demo-password-2026"}, follow=False
    )
    assert response.status_code == 302 and "confirm-email" not in response["Location"]
    assert client.get("/me/").status_code == 200
    token = Client().post(
        "/api/accounts/token/",
        {"email": "secretary@example.org", "password": "demo-password-2026"},
        content_type="application/json",
    )
    assert token.status_code in (200, 201), token.content

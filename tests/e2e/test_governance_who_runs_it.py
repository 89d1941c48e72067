"""An anonymous visitor finds out who runs the network and a branch, on whose
authority, and how it changed when the branch elected its committee."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_who_runs_it(live_server, page) -> None:
    call_command("seed_demo", members=30, stdout=None)
    page.goto(f"{live_server.url}/")  # the home page (portal): the network's top units, ballots and results
    home = page.locator("section[aria-labelledby=units-h]")
    expect(home.get_by_role("link", name="Momentum", exact=True)).to_be_visible()
    screenshot(page, "home")
    page.goto(f"{live_server.url}/units/")
    tree = page.get_by_role("list", name="Units of the network")
    expect(tree.get_by_role("link", name="Momentum Manchester")).to_be_visible()
    screenshot(page, "governance-network")

    tree.get_by_role("link", name="Momentum", exact=True).click()
    group = page.locator("section.body", has=page.get_by_role("heading", name="Interim reference group"))
    text = group.inner_text()
    for name in ["Richard Burgon", "Katy Clark", "Clive Lewis", "Becky Long-Bailey", "Kate Osamor"]:
        assert name in text
    assert "MP for Leeds East" in text and "until the elected body is constituted" in text
    assert "Interim (run by appointees)" in page.locator("#governance-status").inner_text()
    screenshot(page, "governance-national")

    page.goto(f"{live_server.url}/units/momentum-manchester/")
    assert "Established (run by elected bodies)" in page.locator("#governance-status").inner_text()
    assert "mandate ended" in page.locator("section.body.ended").inner_text()
    page.get_by_role("link", name="Manchester branch committee", exact=True).click()
    history = page.get_by_role("table", name="Who has sat on it, on whose authority")
    expect(history.locator("tbody tr")).to_have_count(3)
    assert "Declared result of ballot" in history.inner_text()
    screenshot(page, "governance-elected-body")

    page.goto(f"{live_server.url}/units/momentum-manchester/")
    page.get_by_role("link", name="Chair").click()
    expect(page.locator("p.vacant")).to_be_visible()

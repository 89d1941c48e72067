"""axe-core in Chromium on every page of the member, officer and observer
journeys: 0 violations at WCAG 2.2 AA, at a desktop and a phone viewport,
with a screenshot of each page in tests/artifacts/.

axe-core comes from npm (``package.json``; ``scripts/test.sh`` installs it)
and is injected into each page through Playwright. The site's CSP forbids
inline script, so the audit's browser context bypasses CSP for the injected
script only; the pages are otherwise as served.

Also: the ranked ballot (number inputs) can be filled in and cast with the
keyboard alone, and the current order is announced in a live region.

Figures: pages audited per viewport, violations (0).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from ballots.models import Ballot
from governance.models import Unit
from meetings.models import Meeting, Motion
from tests.e2e.conftest import ARTIFACTS, PAGE_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "demo-password-2026"


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root (scripts/test.sh does)")
    return AXE.read_text()


def journeys() -> dict[str, list[tuple[str, str]]]:
    stockport = Unit.objects.get(slug="momentum-stockport")
    open_ballot = Ballot.objects.get(unit=stockport, state=Ballot.State.OPEN)
    declared = Ballot.objects.filter(unit=stockport, state=Ballot.State.DECLARED).first()
    assert declared is not None
    motion = Motion.objects.filter(unit=stockport, state=Motion.State.IN_ORDER).order_by("pk").first()
    assert motion is not None
    agm = Meeting.objects.get(unit=stockport, kind=Meeting.Kind.AGM)
    past = Meeting.objects.filter(unit=stockport).exclude(pk=agm.pk).first()
    assert past is not None
    observer = [
        ("home", "/"),
        ("network", "/units/"),
        ("unit", "/units/momentum-stockport/"),
        ("national", "/units/momentum/"),
        ("ballots", "/ballots/"),
        ("result", f"/ballots/{declared.pk}/result/"),
        ("receipt-check", f"/ballots/{declared.pk}/receipt/"),
        ("meetings", "/meetings/"),
        ("motions", "/meetings/motions/"),
        ("motion", f"/meetings/motions/{motion.pk}/"),
        ("meeting", f"/meetings/{agm.pk}/"),
        ("projector", f"/meetings/{agm.pk}/projector/{agm.projector_token}/"),  # its secret address
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("password-reset", "/accounts/password/reset/"),
    ]
    member = [
        ("my-page", "/me/"),
        ("preferences", "/me/preferences/"),
        ("memberships", "/units/me/memberships/"),
        ("ballot", f"/ballots/{open_ballot.pk}/"),
        ("nominations", f"/ballots/{open_ballot.pk}/nominations/"),
        ("motion", f"/meetings/motions/{motion.pk}/"),
        ("propose", "/meetings/motions/new/momentum-stockport/"),
        ("amend", f"/meetings/motions/{motion.pk}/amend/"),
        ("requisitions", "/meetings/requisitions/momentum-stockport/"),
        ("2fa", "/accounts/2fa/"),
        ("email", "/accounts/email/"),
        ("password-change", "/accounts/password/change/"),
    ]
    officer = [
        ("roll", "/units/momentum-stockport/roll/"),
        ("manage", "/units/momentum-stockport/manage/"),
        ("audit", "/me/units/momentum-stockport/audit/"),
        ("console", f"/meetings/{agm.pk}/console/"),
        ("minutes", f"/meetings/{past.pk}/minutes/"),
        ("schedule", "/meetings/schedule/momentum-stockport/"),
        ("ballot-ro", f"/ballots/{open_ballot.pk}/"),
    ]
    return {"observer": observer, "member": member, "officer": officer}


def _load_demo() -> None:
    """The demo, with the journeys' logins verified (as after claiming an invitation)."""
    from allauth.account.models import EmailAddress

    call_command("seed_demo", members=30, stdout=None)
    for email in ("member@example.org", "secretary@example.org"):
        user = User.objects.get(email=email)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/me/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/me/$"))
    assert "Sign out" in page.content(), f"{email} did not sign in"


def _audit(page: Any, axe: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return result["violations"]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_journey_page_has_no_wcag22_aa_violation(browser: Any, live_server: Any, viewport: str) -> None:
    _load_demo()
    axe = _axe_source()
    found: list[str] = []
    audited = 0
    for role, pages in journeys().items():
        context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        if role != "observer":
            _sign_in(page, live_server.url, {"member": "member@example.org", "officer": "secretary@example.org"}[role])
        for name, url in pages:
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None and response.status < 400, f"{role} {url}: {response and response.status}"
            assert page.url.startswith(f"{live_server.url}{url}"), f"{role} {url} went to {page.url}"
            for violation in _audit(page, axe):
                targets = [", ".join(n["target"]) for n in violation["nodes"][:3]]
                found.append(f"[{viewport}] {role} {url}: {violation['id']} ({violation['impact']}) {targets}")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"a11y-{role}-{name}-{VIEWPORTS[viewport]['width']}.png"), full_page=True
            )
            audited += 1
        context.close()
    print(f"\naxe-core WCAG 2.2 AA [{viewport}]: {audited} pages, {len(found)} violations")  # noqa: T201
    assert not found, "\n".join(found)


def test_ranked_ballot_works_with_the_keyboard_alone(browser: Any, live_server: Any) -> None:
    _load_demo()
    ballot = Ballot.objects.get(unit__slug="momentum-stockport", state=Ballot.State.OPEN)
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    _sign_in(page, live_server.url, "member@example.org")
    page.goto(f"{live_server.url}/ballots/{ballot.pk}/")
    # From the top of the page, Tab until the first control of the ballot paper.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.ballot-paper') !== null"):
            break
    typed = 0
    ranks = iter(["1", "2", "3"])
    for _ in range(60):
        kind = page.evaluate("[document.activeElement.type, document.activeElement.name]")
        if kind[0] == "radio" and typed == 0:
            page.keyboard.press("Space")  # the motion: the first choice, "For"
        elif kind[0] == "number":
            rank = next(ranks, None)
            if rank:
                page.keyboard.type(rank)
                typed += 1
        elif kind[0] == "submit" and page.evaluate("document.activeElement.closest('.ballot-paper') !== null"):
            break
        page.keyboard.press("Tab")
    assert typed == 3
    live = page.locator("[aria-live]").filter(has_text="1")
    expect(live.first).to_be_attached()  # the ranked order is announced in a live region
    announced = live.first.text_content() or ""
    assert announced.startswith("Your order: 1 "), announced
    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Check my vote"
    page.wait_for_load_state()
    assert "Check your vote" in page.content()
    for _ in range(40):  # then, by keyboard, to "Cast my vote"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Cast my vote":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    text = page.content().lower()
    assert "receipt" in text or "thank you" in text, text[:2000]
    page.screenshot(path=str(ARTIFACTS / "a11y-ballot-keyboard-390.png"), full_page=True)
    context.close()
    print(f"\nranked ballot by keyboard: 3 candidates numbered, order announced ({announced!r}), vote cast")  # noqa: T201

"""Every page a role may use is reachable by clicking links from the home
page, and no page overflows a phone's width.

For each role (an anonymous observer, a member, a returning officer who is
also the branch secretary, the branch chair) Chromium signs in, opens the
home page and follows same-site links breadth first, never typing a URL.
A page counts as reached only if the crawl found a link to it. The test then
checks that every page the role may use (computed from the demo data, not
from the crawl) was reached, that no page answered with a server error, and,
at 390 pixels wide, that ``scrollWidth <= clientWidth`` on every page, so no
text or table runs off a phone's screen. Screenshots of each role's first three
pages, at 390 and at 1280 wide, go to tests/artifacts/crawl-<role>-<page>-<width>.png.

The crawl runs once per role, at phone width: the links on a page are the
same at every width (the layout hides and shows them with CSS, never by
leaving them out of the HTML), so a second crawl at desktop width would
visit the same pages to learn nothing new. The desktop pictures are taken
on the same visit by widening the window.

Downloads (CSV, JSON, BLT, text), the API, the admin and signing out are not
followed; pages that differ only by an id are visited at most twice each
(unless a link leads to one of the pages the role must reach). The
projector, laid out for a beamer, is left out of the phone-width check.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from ballots.models import Ballot
from governance.models import Unit
from meetings.models import Meeting, Motion
from tests.e2e.conftest import ARTIFACTS, PAGE_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password-2026"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ROLES = {
    "observer": None,
    "member": "member@example.org",
    "returning-officer": "secretary@example.org",
    "chair": "chair@example.org",
}
NOT_FOLLOWED = re.compile(r"(/accounts/logout|\.(csv|json|blt|txt|pdf)$|/export|/api/|/admin/|/static/)")
PER_PATTERN = 2
# The projector is laid out for a beamer (1280×720 and up), not a phone.
BEAMER_ONLY = re.compile(r"/projector/")
MAX_PAGES = 160


@dataclass
class Crawl:
    reached: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _must_reach() -> dict[str, set[str]]:
    """The pages each role may use, from the demo's data."""
    stockport = Unit.objects.get(slug="momentum-stockport")
    open_ballot = Ballot.objects.get(unit=stockport, state=Ballot.State.OPEN)
    declared = Ballot.objects.filter(unit=stockport, state=Ballot.State.DECLARED).order_by("pk").first()
    assert declared is not None
    motion = Motion.objects.filter(unit=stockport, state=Motion.State.IN_ORDER).order_by("pk").first()
    assert motion is not None
    agm = Meeting.objects.get(unit=stockport, kind=Meeting.Kind.AGM)
    observer = {
        "/",
        "/units/",
        "/units/momentum/",
        "/units/momentum-stockport/",
        "/ballots/",
        f"/ballots/{declared.pk}/result/",
        f"/ballots/{declared.pk}/receipt/",
        "/meetings/",
        f"/meetings/{agm.pk}/",
        f"/meetings/motions/{motion.pk}/",
        "/accounts/login/",
    }
    member = observer - {"/accounts/login/"} | {
        "/me/",
        "/me/preferences/",
        f"/ballots/{open_ballot.pk}/",
        f"/meetings/motions/{motion.pk}/amend/",
        "/meetings/motions/new/momentum-stockport/",
        "/meetings/requisitions/momentum-stockport/",
        "/accounts/2fa/",
        "/accounts/email/",
        "/accounts/password/change/",
    }
    officer = member | {
        "/units/momentum-stockport/manage/",
        "/units/momentum-stockport/roll/",
        "/me/units/momentum-stockport/audit/",
        "/meetings/schedule/momentum-stockport/",
        f"/meetings/{agm.pk}/console/",
    }
    returning_officer = officer | {f"/ballots/{open_ballot.pk}/manage/", "/ballots/new/momentum-stockport/"}
    return {"observer": observer, "member": member, "returning-officer": returning_officer, "chair": officer}


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/me/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/me/$"))


def _crawl(page: Any, base: str, role: str, must_reach: set[str]) -> Crawl:
    crawl = Crawl()
    host = urlparse(base).netloc
    queue: deque[str] = deque(["/"])
    per_pattern: dict[str, set[str]] = {}
    shots = 0
    while queue and len(crawl.reached) < MAX_PAGES:
        path = queue.popleft()
        if path in crawl.reached:
            continue
        crawl.reached.add(path)
        response = page.goto(base + path)
        if response is None or response.status >= 500:
            crawl.errors.append(f"{path}: {response.status if response else 'no response'}")
            continue
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client and not BEAMER_ONLY.search(path):
            crawl.overflowing.append(f"{path}: {scroll} > {client}")
        if shots < 3:  # the first pages of each journey (the journeys picture the rest); all are checked
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            ARTIFACTS.mkdir(exist_ok=True)
            for viewport in (VIEWPORTS["phone"], VIEWPORTS["desktop"]):
                page.set_viewport_size(viewport)
                page.screenshot(path=str(ARTIFACTS / f"crawl-{role}-{name}-{viewport['width']}.png"), full_page=True)
            page.set_viewport_size(VIEWPORTS["phone"])
            shots += 1
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlparse(urljoin(base + path, href))
            if url.netloc != host or NOT_FOLLOWED.search(url.path):
                continue
            target = url.path + (f"?{url.query}" if url.query and "page=" not in url.query else "")
            seen = per_pattern.setdefault(_pattern(target), set())
            if target not in seen and (len(seen) < PER_PATTERN or target in must_reach):
                seen.add(target)
                queue.append(target)
    return crawl


def test_every_page_a_role_uses_is_reachable_by_links_and_fits_the_screen(browser: Any, live_server: Any) -> None:
    call_command("seed_demo", members=30, stdout=None)
    for email in filter(None, ROLES.values()):
        user = User.objects.get(email=email)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    must_reach = _must_reach()
    problems: list[str] = []
    for role, email in ROLES.items():
        context = browser.new_context(viewport=VIEWPORTS["phone"])
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        if email:
            _sign_in(page, live_server.url, email)
        crawl = _crawl(page, live_server.url, role, must_reach[role])
        context.close()
        unreached = sorted(must_reach[role] - crawl.reached)
        print(f"\ncrawl {role}: {len(crawl.reached)} pages, {len(unreached)} unreached")  # noqa: T201
        problems += [f"{role}: no link leads to {path}" for path in unreached]
        problems += [f"{role}: server error at {e}" for e in crawl.errors]
        problems += [f"{role}: overflows at 390 wide: {o}" for o in crawl.overflowing]
    assert not problems, "\n".join(problems)

"""Issue 24 in Chromium at 1024×768: Stockport's secretary forwards the
carried "Back the renters' union" to the North West's regional conference,
which shows it with the branch's history (text as carried, seconders, the
vote); then composites two of the AGM's motions into one. axe-core finds no
WCAG 2.2 AA violation on the new pages; screenshots in tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from governance.models import Unit
from meetings.models import Meeting, Motion, MotionForwarding
from tests.e2e.conftest import ARTIFACTS, PAGE_TIMEOUT_MS
from tests.e2e.test_a11y_journeys import _audit, _axe_source, _load_demo, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORT = {"width": 1024, "height": 768}


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"issue24-{name}-1024.png"), full_page=True)


def _clean(page: Any, axe: str, found: list[str]) -> None:
    for violation in _audit(page, axe):
        targets = [", ".join(n["target"]) for n in violation["nodes"][:3]]
        found.append(f"{page.url}: {violation['id']} ({violation['impact']}) {targets}")


def test_forward_a_carried_motion_and_composite_two(browser: Any, live_server: Any) -> None:
    _load_demo()
    axe = _axe_source()
    stockport = Unit.objects.get(slug="momentum-stockport")
    region = stockport.parent
    assert region is not None
    conference = Meeting.objects.create(
        unit=region, kind=Meeting.Kind.GENERAL, title="North West regional conference",
        starts_at=timezone.now() + dt.timedelta(days=40), state=Meeting.State.NOTICE_SENT, notice_days=14,
        quorum=20, created_by=User.objects.get(email="admin@example.org"),
    )  # fmt: skip
    carried = Motion.objects.get(unit=stockport, title="Back the renters' union", state=Motion.State.CARRIED)
    agm = Meeting.objects.get(unit=stockport, kind=Meeting.Kind.AGM)
    conduct = Motion.objects.get(unit=stockport, title="Adopt a code of conduct")
    text = "The branch adopts a safe-spaces policy for its meetings, online ones included."
    safe = Motion.objects.create(
        unit=stockport, proposer=carried.proposer, title="Safe spaces at meetings", text=text, original_text=text,
        state=Motion.State.SUBMITTED, seconders_required=2, meeting=agm, submitted_at=timezone.now(),
    )  # fmt: skip
    found: list[str] = []
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    base = live_server.url
    _sign_in(page, base, "secretary@example.org")

    # --- forwarding
    page.goto(f"{base}/meetings/motions/{carried.pk}/")
    page.get_by_role("link", name="Forward to a higher body's meeting").click()
    page.wait_for_url(f"**/meetings/motions/{carried.pk}/forward/")
    option = page.get_by_label(re.compile("North West regional conference"))
    expect(option).to_be_visible()
    expect(page.get_by_text("Momentum Stockport", exact=False).first).to_be_visible()
    _clean(page, axe, found)
    _shot(page, "forward-form")
    option.check()
    page.get_by_role("button", name="Forward the motion").click()
    page.wait_for_url(f"**/meetings/motions/{carried.pk}/")
    expect(page.get_by_text("Forwarded to North West regional conference (Momentum North West).")).to_be_visible()
    went = page.locator("#forwarded-to")
    expect(went.get_by_role("link", name="North West regional conference")).to_be_visible()
    _clean(page, axe, found)
    _shot(page, "forwarded-original")

    went.get_by_role("link", name="North West regional conference").click()
    forwarded = MotionForwarding.objects.get(original=carried, meeting=conference).forwarded
    page.wait_for_url(f"**/meetings/motions/{forwarded.pk}/")
    history = page.locator("#forwarded-from")
    expect(history.get_by_role("heading", name="Forwarded by Momentum Stockport")).to_be_visible()
    for seconding in carried.secondings.select_related("seconder"):
        expect(history.get_by_text(seconding.seconder.full_name, exact=False)).to_be_visible()
    expect(history.get_by_text("Carried: 7 for, 1 against", exact=False)).to_be_visible()
    expect(history.locator(".result")).to_contain_text("carried")
    history.get_by_text("The text as carried").click()
    expect(history.locator(".motion-text")).to_contain_text("publicise its meetings")
    expect(page.locator("#motion-state")).to_contain_text(re.compile("submitted|ruling", re.IGNORECASE))
    _clean(page, axe, found)
    _shot(page, "forwarded-at-region")

    # A second time to the same meeting: the form no longer offers it.
    page.goto(f"{base}/meetings/motions/{carried.pk}/forward/")
    expect(page.get_by_label(re.compile("North West regional conference"))).to_have_count(0)

    # --- compositing
    page.goto(f"{base}/meetings/{agm.pk}/")
    page.get_by_role("link", name="Composite motions").click()
    page.wait_for_url(f"**/meetings/{agm.pk}/composite/")
    _clean(page, axe, found)
    _shot(page, "composite-choose")
    page.get_by_role("checkbox", name=re.compile("Adopt a code of conduct")).check()
    page.get_by_role("checkbox", name=re.compile("Safe spaces at meetings")).check()
    page.get_by_role("button", name="Next: write the composite").click()
    text_box = page.get_by_label("The composite's text")
    expect(text_box).to_have_value(re.compile("code of conduct.*safe-spaces policy", re.DOTALL))
    expect(page.get_by_label("The composite's title")).to_have_value(
        "Adopt a code of conduct / Safe spaces at meetings"
    )
    _clean(page, axe, found)
    _shot(page, "composite-write")
    page.get_by_label("The composite's title").fill("Conduct and safe spaces")
    text_box.fill("The branch adopts a code of conduct and a safe-spaces policy for all its meetings.")
    page.get_by_role("button", name="Composite these motions").click()
    composite = Motion.objects.get(title="Conduct and safe spaces")
    page.wait_for_url(f"**/meetings/motions/{composite.pk}/")
    sources = page.locator("#composited-from")
    expect(sources.get_by_role("link", name="Adopt a code of conduct")).to_be_visible()
    expect(sources.get_by_role("link", name="Safe spaces at meetings")).to_be_visible()
    _clean(page, axe, found)
    _shot(page, "composite")
    sources.get_by_role("link", name="Safe spaces at meetings").click()
    page.wait_for_url(f"**/meetings/motions/{safe.pk}/")
    expect(page.locator("#motion-state")).to_contain_text("Composited")
    expect(page.get_by_role("link", name="Conduct and safe spaces")).to_be_visible()
    _shot(page, "composited-source")
    context.close()
    assert {m.state for m in Motion.objects.filter(pk__in=[conduct.pk, safe.pk])} == {Motion.State.COMPOSITED}
    print(f"\nissue 24 journey at 1024x768: 6 pages audited, {len(found)} axe violations")  # noqa: T201
    assert not found, "\n".join(found)

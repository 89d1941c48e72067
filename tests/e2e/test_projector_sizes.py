"""The projector read from the back of the room, in Chromium at 1920x1080,
a 1280x720 beamer and a 4:3 screen (1024x768): every visible piece of text
is at least 32 px at 1920x1080 (and the same share of the smaller
screens), the check-in card never covers the speakers' queue, nothing
overflows the screen, and axe-core finds no WCAG 2.2 AA violation.
Screenshots: tests/artifacts/projector-sizes-<width>.png."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.services import amendments as amendment_services
from meetings.services import meetings as svc
from meetings.services.room import room_code_show
from meetings.services.speakers import speaker_call_next, speaker_request
from meetings.services.votes import meeting_vote_open
from tests.e2e.conftest import screenshot
from tests.e2e.test_meeting_room_journey import _axe
from tests.meetings.conftest import branch, in_order_motion, running_meeting  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}, {"width": 1024, "height": 768}]

# Each visible text node with its element's computed font size.
TEXT_SIZES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (!text) continue;
    const el = n.parentElement;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    if (!range.getClientRects().length) continue;
    out.push([text.slice(0, 60), parseFloat(getComputedStyle(el).fontSize)]);
  }
  return out;
}"""

BOXES = """() => {
  const box = (id) => { const r = document.getElementById(id).getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
  return { code: box("pj-code"), queue: box("pj-queue") };
}"""


def _intersect(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_the_projector_is_readable_from_the_back_at_three_sizes(browser: Any, live_server: Any, branch: Any) -> None:  # noqa: F811
    motion = in_order_motion(branch, title="Fund the renters' union for a year")
    meeting = running_meeting(branch, present=7)
    amendment = amendment_services.amendment_propose(
        motion_id=motion.pk, proposer=branch.members[3], summary="Two years, not one",
        text="We back it, and fund the renters' union for two years.",
    )  # fmt: skip
    amendment_services.amendment_second(amendment_id=amendment.pk, seconder=branch.members[4])
    item = svc.agenda_item_add(meeting_id=meeting.pk, actor=branch.secretary, kind="motion", motion=motion)
    svc.agenda_item_take(item_id=item.pk, actor=branch.secretary)
    for person, kind in zip(branch.members[:5], ["for", "against", "order", "for", "against"], strict=True):
        speaker_request(meeting_id=meeting.pk, person=person, kind=kind)
    speaker_call_next(meeting_id=meeting.pk, actor=branch.secretary)
    meeting_vote_open(meeting_id=meeting.pk, actor=branch.secretary, mode="open", amendment=amendment)
    room_code_show(meeting_id=meeting.pk, actor=branch.secretary, shown=True)

    for screen in SCREENS:
        context = browser.new_context(viewport=screen, bypass_csp=True)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/meetings/{meeting.pk}/projector/{meeting.projector_token}/")
            page.wait_for_selector("main[data-updated]")  # the first state drawn by projector.js
            page.wait_for_function("document.getElementById('pj-qr').complete")
            assert page.locator("#pj-code").is_visible()
            assert page.locator("#pj-queue li:not(.pj-more)").count() == 4

            floor = 32 * min(screen["width"] / 1920, screen["height"] / 1080) - 0.01
            sizes = page.evaluate(TEXT_SIZES)
            assert any("check in at" in t.lower() for t, _ in sizes) and any("Point of order" in t for t, _ in sizes)
            small = [(t, s) for t, s in sizes if s < floor]
            assert small == [], f"{screen}: text below {floor:.1f} px: {small}"

            # The queue shows whom it has room for and says how many more wait.
            shown = page.locator("#pj-queue li:not(.pj-more):visible").count()
            more = page.locator("#pj-queue .pj-more")
            if shown < 4:
                assert more.inner_text() == f"and {4 - shown} more"
            else:
                assert more.count() == 0
            fits = page.evaluate(
                "(q => [q.scrollHeight, q.clientHeight, q.innerHTML])(document.getElementById('pj-queue'))"
            )
            assert fits[0] <= fits[1] + 1, (screen, fits)
            boxes = page.evaluate(BOXES)
            assert not _intersect(boxes["code"], boxes["queue"]), f"{screen}: the check-in card covers the queue"
            assert boxes["code"]["bottom"] <= screen["height"] and boxes["code"]["right"] <= screen["width"]
            assert page.evaluate("document.documentElement.scrollWidth") <= screen["width"]
            screenshot(page, "projector-sizes")
            if screen["width"] == 1920:
                violations = _axe(page)
                assert violations == [], violations
        finally:
            context.close()

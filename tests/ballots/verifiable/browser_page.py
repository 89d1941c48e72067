"""A page on the live server that loads ``static/js/verifiable/`` as ES modules, for tests and the bench.

The page itself is a blank document that Playwright serves at a path of
the live server (so it has the server's origin and a secure context,
which ``crypto.subtle`` needs); the modules come from Django's static
files, exactly as the app would serve them.
"""

from __future__ import annotations

from typing import Any

PAGE_PATH = "/__verifiable_test__/"

# Runs in the page: make one ballot and hand back its text, tracker and randomness (base 10).
ENCRYPT = """async ([electionText, credential, choices]) => {
  const v = await import("/static/js/verifiable/index.js");
  const election = await v.readElection(electionText);
  return v.revealBallot(await v.createBallot(election, credential, choices));
}"""


def open_page(browser: Any, base_url: str) -> Any:
    """A new page at the blank test document on ``base_url``."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(60000)
    page.route(
        f"{base_url}{PAGE_PATH}",
        lambda route: route.fulfill(content_type="text/html", body="<!doctype html><title>Ballot test</title>"),
    )
    page.goto(f"{base_url}{PAGE_PATH}")
    return page


def browser_ballot(page: Any, election_text: str, credential: str, choices: list[list[int]]) -> dict[str, Any]:
    """``{"ballot", "tracker", "randomness"}`` from the browser's modules."""
    result: dict[str, Any] = page.evaluate(ENCRYPT, [election_text, credential, choices])
    return result

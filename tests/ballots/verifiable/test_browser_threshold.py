"""The trustee's browser side of the threshold ceremony (``static/js/verifiable/threshold.js``) against ours.

Trustee 2 of 3 runs in Chromium; trustees 1 and 3 run our Python. Each
side reads the other's messages: the server's checks accept the browser's
certificate, polynomial and voutput; the browser checks the shares our
trustees sent it, and our trustees check the browser's; the browser opens
its sealed key share to the value our code opens. A share off its sender's
polynomial is refused in the browser by the same name as here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ballots.verifiable import pki
from ballots.verifiable import threshold as th
from ballots.verifiable.group import BELENIOS_2048
from tests.ballots.verifiable.browser_page import open_page

pytestmark = pytest.mark.browser

G = BELENIOS_2048
CALL = """async ([name, args]) => {
  const t = await import("/static/js/verifiable/threshold.js");
  try {
    return { value: String(await t[name](...args)) };
  } catch (error) {
    return { error: error.reason ?? String(error) };
  }
}"""


@pytest.fixture(scope="module")
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    page = open_page(browser, live_server.url)
    yield page
    page.context.close()


def _js(page: Any, name: str, *args: object) -> str:
    out: dict[str, str] = page.evaluate(CALL, [name, list(args)])
    assert "value" in out, out
    return out["value"]


def _js_error(page: Any, name: str, *args: object) -> str:
    out: dict[str, str] = page.evaluate(CALL, [name, list(args)])
    assert "error" in out, out
    return out["error"]


def test_the_browsers_ceremony_interoperates_with_ours(page: Any) -> None:
    browser_seed = _js(page, "newSeed")
    assert len(pki.read_seed(browser_seed)) == 22
    seeds = {1: pki.new_seed(), 2: browser_seed, 3: pki.new_seed()}
    cert_texts = [
        th.certificate(G, seeds[1]),
        _js(page, "certificate", G.name, browser_seed),
        th.certificate(G, seeds[3]),
    ]
    certs = th.read_certificates(G, cert_texts)
    assert certs[1].verification == pki.g_pow(G, pki.TrusteeSecrets.from_seed(browser_seed).signing)

    texts = {
        1: th.polynomial(G, seeds[1], certs, 2),
        2: _js(page, "polynomial", G.name, browser_seed, cert_texts, 2),
        3: th.polynomial(G, seeds[3], certs, 2),
    }
    polys = [th.read_polynomial(G, certs, j, 2, texts[j]) for j in (1, 2, 3)]
    vinputs = th.vinputs(polys)

    outputs = {
        1: th.voutput(G, seeds[1], certs, vinputs[0]),  # opens and checks the browser's share
        2: _js(page, "voutput", G.name, browser_seed, cert_texts, vinputs[1]),  # opens and checks ours
        3: th.voutput(G, seeds[3], certs, vinputs[2]),
    }
    checked = [th.read_voutput(G, polys, j, outputs[j]) for j in (1, 2, 3)]
    th.read_pedersen(G, th.threshold_parameters(certs, polys, checked))

    sealed = json.loads(outputs[2])["private_key"]
    assert int(_js(page, "decryptionKey", G.name, browser_seed, cert_texts, sealed)) == th.decryption_key(
        G, browser_seed, certs, sealed
    )

    # Trustee 1 swaps the share it sent trustee 2 for one addressed to trustee 3: the browser refuses it.
    shares = list(polys[0].shares)
    shares[1] = polys[0].shares[2]
    polys[0] = th.Polynomial(polys[0].own, tuple(shares), polys[0].coefexps, polys[0].commitments)
    bad = th.vinputs(polys)[1]
    assert _js_error(page, "voutput", G.name, browser_seed, cert_texts, bad) == "threshold_bad_channel"
    # A share that opens but is off trustee 1's committed polynomial.
    signing = pki.TrusteeSecrets.from_seed(seeds[1]).signing
    shares[1] = pki.channel_send(G, signing, certs[1].encryption, json.dumps({"secret": "7"}))
    polys[0] = th.Polynomial(polys[0].own, tuple(shares), polys[0].coefexps, polys[0].commitments)
    off = th.vinputs(polys)[1]
    assert _js_error(page, "voutput", G.name, browser_seed, cert_texts, off) == "threshold_bad_share"

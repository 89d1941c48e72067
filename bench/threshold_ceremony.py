"""Time the threshold key ceremony (t of n) and a threshold decryption: our pure Python, per trustee and server.

For each group, runs Belenios' key ceremony for ``n`` trustees with
threshold ``t`` entirely in our code (``ballots.verifiable.threshold``):
what one trustee's device does at each step (certificate, polynomial,
voutput) and what the server does to check every message and build the
threshold parameters. Then, for an encrypted tally of ``--ciphertexts``
ciphertexts, the cost for the server to check and combine ``t`` partial
decryptions (Lagrange) beside the ``n``-of-``n`` product of the same
number of "Single" decryptions.

It refuses to print figures unless the work was right: the parameters pass
``read_pedersen``, and the combined factors decrypt every ciphertext to the
value encrypted. Times are CPU seconds of this process. Run from the
repository root::

    python bench/threshold_ceremony.py               # 3 trustees, threshold 2
    python bench/threshold_ceremony.py --trustees 7 --threshold 4
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ballots.verifiable import pki
from ballots.verifiable import threshold as th
from ballots.verifiable.answers import Ciphertext
from ballots.verifiable.decryption import check_partial_decryption, partial_decryption
from ballots.verifiable.election import Election, Question
from ballots.verifiable.group import GROUPS, Group


def _clock() -> float:
    return time.process_time()


def run(group: Group, n: int, t: int, count: int) -> None:
    seeds = [pki.new_seed() for _ in range(n)]
    start = _clock()
    texts = [th.certificate(group, s) for s in seeds]
    device = [(_clock() - start) / n]
    start = _clock()
    certs = th.read_certificates(group, texts)
    server = [_clock() - start]

    start = _clock()
    poly_texts = [th.polynomial(group, s, certs, t) for s in seeds]
    device.append((_clock() - start) / n)
    start = _clock()
    polys = [th.read_polynomial(group, certs, j, t, text) for j, text in enumerate(poly_texts, 1)]
    vinputs = th.vinputs(polys)
    server.append(_clock() - start)

    start = _clock()
    out_texts = [th.voutput(group, s, certs, vinputs[j]) for j, s in enumerate(seeds)]
    device.append((_clock() - start) / n)
    start = _clock()
    outputs = [th.read_voutput(group, polys, j, text) for j, text in enumerate(out_texts, 1)]
    pedersen = th.read_pedersen(group, th.threshold_parameters(certs, polys, outputs))
    server.append(_clock() - start)

    # An encrypted tally of small counts under the election key, decrypted by the first t trustees.
    election = Election(
        raw="{}",
        fingerprint="bench",
        uuid="bench",
        name="bench",
        group=group,
        public_key=pedersen.public_key,
        questions=(Question("q", tuple("a" for _ in range(count)), 0, count, False),),
    )
    values = [k % 5 for k in range(count)]
    tally = []
    for m in values:
        r = group.random_exponent()
        tally.append(
            Ciphertext(
                pow(group.g, r, group.p), pow(pedersen.public_key, r, group.p) * pow(group.g, m, group.p) % group.p
            )
        )
    encrypted = (tuple(tally),)
    shares = {j: th.decryption_key(group, seeds[j - 1], certs, outputs[j - 1].sealed_key) for j in range(1, t + 1)}
    pds = {j: partial_decryption(election, x, encrypted) for j, x in shares.items()}
    start = _clock()
    combined = th.combined_factors(election, pedersen, encrypted, pds)
    threshold_time = _clock() - start
    for c, factor, m in zip(tally, combined[0], values, strict=True):
        if c.beta * pow(factor, -1, group.p) % group.p != pow(group.g, m, group.p):
            sys.exit("a combined factor did not decrypt its ciphertext: no figures")

    # The n-of-n path for the same number of trustees: check each, multiply.
    start = _clock()
    product = [1] * count
    for j, text in pds.items():
        if not check_partial_decryption(election, outputs[j - 1].public_key, encrypted, text):
            sys.exit("a partial decryption failed its check: no figures")
        for i, factor in enumerate(json.loads(text)["decryption_factors"][0]):
            product[i] = product[i] * int(factor) % group.p
    single_time = _clock() - start

    steps = ("certificate", "polynomial", "voutput")
    print(f"{group.name}, {t} of {n}:")
    for step, d, s in zip(steps, device, server, strict=True):
        print(f"  {step:<12} one trustee's device {d:6.3f} s   server check {s:6.3f} s")
    print(
        f"  decryption of {count} ciphertexts by {t}: check and combine {threshold_time:.3f} s "
        f"(Lagrange), against {single_time:.3f} s for {t} Single trustees' product"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trustees", type=int, default=3)
    parser.add_argument("--threshold", type=int, default=2)
    parser.add_argument("--ciphertexts", type=int, default=20)
    args = parser.parse_args()
    th.check_threshold(args.threshold, args.trustees)
    for group in GROUPS.values():
        run(group, args.trustees, args.threshold, args.ciphertexts)


if __name__ == "__main__":
    main()

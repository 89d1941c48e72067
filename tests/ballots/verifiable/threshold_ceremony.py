"""A threshold key ceremony run with belenios-tool for some trustees and our code for the others.

``Ceremony`` keeps what each side needs: the tool's trustees are files in a
directory (``.key`` seeds, as ``setup generate-trustee-key-threshold``
writes them), ours are seeds in memory. Every message passes through our
server-side checks (``read_polynomial``, ``read_voutput``) and through the
tool's (steps 2, 4 and 6), so each side accepts the other's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ballots.verifiable import pki
from ballots.verifiable import threshold as th
from ballots.verifiable.group import Group
from tests.ballots.verifiable.belenios_tool import run_ok


def keygen(directory: Path, group: Group, *args: str, stdin: str | None = None) -> str:
    return run_ok(["setup", "generate-trustee-key-threshold", "--group", group.name, *args], directory, stdin)


@dataclass
class Ceremony:
    """``kinds[j - 1]`` is ``"tool"`` or ``"ours"`` for trustee ``j``."""

    directory: Path
    group: Group
    kinds: tuple[str, ...]
    threshold: int
    seeds: dict[int, str] = field(default_factory=dict)  # every trustee's seed (the tool's read from .key)
    certs_text: list[str] = field(default_factory=list)
    polynomials_text: list[str] = field(default_factory=list)
    vinputs: list[str] = field(default_factory=list)
    voutputs_text: list[str] = field(default_factory=list)

    def key_file(self, j: int) -> Path:
        path = self.directory / f"trustee{j}.key"
        path.write_text(self.seeds[j] + "\n")
        return path

    def run(self) -> str:
        """Steps 1 to 6; returns our threshold parameters, after checking the tool's are the same."""
        self.directory.mkdir(parents=True, exist_ok=True)
        g = self.group
        for j, kind in enumerate(self.kinds, 1):
            if kind == "tool":
                scratch = self.directory / f"t{j}"
                scratch.mkdir()
                keygen(scratch, g, "--step", "1")
                (cert,) = scratch.glob("*.cert")
                (key,) = scratch.glob("*.key")
                self.certs_text.append(cert.read_text().strip())
                self.seeds[j] = key.read_text().strip()
            else:
                self.seeds[j] = pki.new_seed()
                self.certs_text.append(th.certificate(g, self.seeds[j]))
        certs_file = self.directory / "certs.jsons"
        certs_file.write_text("".join(c + "\n" for c in self.certs_text))
        certs = th.read_certificates(g, self.certs_text)
        keygen(self.directory, g, "--certs", "certs.jsons", "--step", "2")  # the tool checks ours

        polynomials = []
        for j, kind in enumerate(self.kinds, 1):
            if kind == "tool":
                args = ["--certs", "certs.jsons", "--key", str(self.key_file(j)), "--step", "3"]
                text = keygen(self.directory, g, *args, "--threshold", str(self.threshold)).strip()
            else:
                text = th.polynomial(g, self.seeds[j], certs, self.threshold)
            self.polynomials_text.append(text)
            polynomials.append(th.read_polynomial(g, certs, j, self.threshold, text))
        (self.directory / "polynomials.jsons").write_text("".join(p + "\n" for p in self.polynomials_text))

        # Step 4 both ways: the tool's routing must be ours, byte for byte.
        self.vinputs = th.vinputs(polynomials)
        keygen(self.directory, g, "--certs", "certs.jsons", "--step", "4", "--polynomials", "polynomials.jsons")
        for cert, ours in zip(self.certs_text, self.vinputs, strict=True):
            name = hashlib.sha256(json.loads(cert)["message"].encode()).hexdigest()
            assert (self.directory / f"{name}.vinput").read_text().strip() == ours

        voutputs = []
        for j, kind in enumerate(self.kinds, 1):
            if kind == "tool":
                args = ["--certs", "certs.jsons", "--key", str(self.key_file(j)), "--step", "5"]
                text = keygen(self.directory, g, *args, stdin=self.vinputs[j - 1]).strip()
            else:
                text = th.voutput(g, self.seeds[j], certs, self.vinputs[j - 1])
            self.voutputs_text.append(text)
            voutputs.append(th.read_voutput(g, polynomials, j, text))
        args = ["--certs", "certs.jsons", "--step", "6", "--polynomials", "polynomials.jsons"]
        theirs = keygen(self.directory, g, *args, stdin="".join(v + "\n" for v in self.voutputs_text)).strip()
        ours = th.threshold_parameters(certs, polynomials, voutputs)
        assert json.loads(theirs) == json.loads(ours)
        return ours

    def sealed_key(self, j: int) -> str:
        """Trustee ``j``'s sealed decryption key (its voutput's ``private_key``: the tool's ``.dkey``)."""
        return str(json.loads(self.voutputs_text[j - 1])["private_key"])

"""Reading a Belenios 2.0 public board (``UUID.bel``), as belenios-tool writes it.

The board is a tar archive that only grows: a ``BELENIOS`` header, then
data files named by the SHA-256 of their content and events that point to
their parent event and to a payload by that hash. The setup event's
payload names the election, trustees and public credentials; each
``Ballot`` event's payload is one ballot's exact text. After the close, the
``EncryptedTally`` event's payload names the encrypted tally, and each
``Shuffle`` event's payload (``owned_shuffle``) names a shuffle and the
trustee who made it.

This reader checks that every file's name is the hash of its content, so a
changed byte is noticed, and returns the texts, unparsed: the election's
fingerprint is a hash of its exact text, and a ballot's tracker of its own.
Checking the chain of events itself is left to belenios-tool for now.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from ballots.verifiable.errors import FormatError


@dataclass(frozen=True)
class Board:
    election: str
    trustees: str
    public_credentials: str
    ballots: tuple[str, ...]
    encrypted_tally: str | None = None
    shuffles: tuple[str, ...] = ()
    result: str | None = None


def read_board(path: Path) -> Board:
    """The setup texts and every ballot, in the order they were cast."""
    data: dict[str, str] = {}
    events: list[dict[str, object]] = []
    with tarfile.open(path, mode="r:") as archive:
        for member in archive:
            if not member.isfile() or member.name == "BELENIOS":
                continue
            handle = archive.extractfile(member)
            content = handle.read().decode("utf-8") if handle else ""
            digest, _, kind = member.name.partition(".")
            if hashlib.sha256(content.encode("utf-8")).hexdigest() != digest:
                raise FormatError(f"{member.name} is not named by the hash of its content")
            if kind == "event.json":
                events.append(json.loads(content))
            else:
                data[digest] = content
    setup = [e for e in events if e.get("type") == "Setup"]
    if len(setup) != 1:
        raise FormatError("the board must have exactly one Setup event")
    roots = json.loads(data[str(setup[0]["payload"])])
    tallies = [json.loads(data[str(e["payload"])]) for e in events if e.get("type") == "EncryptedTally"]
    owned = [json.loads(data[str(e["payload"])]) for e in events if e.get("type") == "Shuffle"]
    return Board(
        election=data[roots["election"]],
        trustees=data[roots["trustees"]],
        public_credentials=data[roots["credentials"]],
        ballots=tuple(data[str(e["payload"])] for e in events if e.get("type") == "Ballot"),
        encrypted_tally=data[tallies[0]["encrypted_tally"]] if tallies else None,
        shuffles=tuple(data[o["payload"]] for o in owned),
        result=next((data[str(e["payload"])] for e in events if e.get("type") == "Result"), None),
    )


def owned(owner: int, payload: str) -> str:
    """The ``owned`` wrapper a trustee's shuffle or partial decryption is posted in: owner and hash."""
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return json.dumps({"owner": owner, "payload": digest}, separators=(",", ":"))

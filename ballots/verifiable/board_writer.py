"""Writing a Belenios 2.0 public board (``UUID.bel``) that ``belenios-tool election verify`` reads.

The board is a tar archive of JSON files. Each data file is named by the
SHA-256 of its exact text; each event names its parent event, its height
and its payload by hash, so the chain of events fixes the whole record:
change one byte of one ballot and every later name changes. The order is
Belenios': ``Setup`` (election, trustees, credentials), the ballots,
``EndBallots``, ``EncryptedTally``, the shuffles, ``EndShuffles``, the
partial decryptions, ``Result``. A shuffle or partial decryption is posted
inside an ``owned`` wrapper naming its trustee (1 to n; 0, which no
trustee has, is the server's own shuffle).

The tar headers are written as belenios-tool writes them (old-style, no
end-of-archive blocks, since Belenios appends to the file), because
belenios-tool reads the archive with its own parser.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from ballots.verifiable.archive import owned


def _octal(value: int, width: int) -> bytes:
    return f"{value:0{width - 1}o}".encode("ascii") + b"\0"


def _member(name: str, content: bytes, timestamp: int) -> bytes:
    header = bytearray(512)
    header[0:100] = name.encode("ascii").ljust(100, b"\0")
    header[100:108] = _octal(0o644, 8)
    header[108:116] = _octal(0, 8)
    header[116:124] = _octal(0, 8)
    header[124:136] = _octal(len(content), 12)
    header[136:148] = _octal(timestamp, 12)
    header[148:156] = b" " * 8
    header[156:157] = b"0"
    checksum = sum(header)
    header[148:156] = f"{checksum:06o}".encode("ascii") + b"\0 "
    padding = b"\0" * (-len(content) % 512)
    return bytes(header) + content + padding


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class BoardWriter:
    """Appends data and events in order; ``archive()`` gives the ``.bel`` bytes."""

    timestamp: int
    _parts: list[bytes] = field(default_factory=list)
    _parent: str | None = None
    _height: int = 0

    def __post_init__(self) -> None:
        header = json.dumps({"version": 1, "timestamp": str(self.timestamp)}, separators=(",", ":"))
        self._parts.append(_member("BELENIOS", header.encode("utf-8"), self.timestamp))

    def data(self, text: str) -> str:
        digest = _sha256(text)
        self._parts.append(_member(f"{digest}.data.json", text.encode("utf-8"), self.timestamp))
        return digest

    def event(self, kind: str, payload: str | None = None) -> None:
        body: dict[str, object] = {}
        if self._parent is not None:
            body["parent"] = self._parent
        body["height"] = self._height
        body["type"] = kind
        if payload is not None:
            body["payload"] = payload
        text = json.dumps(body, separators=(",", ":"))
        self._parent = _sha256(text)
        self._height += 1
        self._parts.append(_member(f"{self._parent}.event.json", text.encode("utf-8"), self.timestamp))

    def archive(self) -> bytes:
        return b"".join(self._parts)


@dataclass(frozen=True)
class Record:
    """Everything the public record of a verifiable ballot holds, as exact texts."""

    election: str
    trustees: str
    public_credentials: str
    ballots: Sequence[str]
    encrypted_tally: str | None = None
    num_tallied: int = 0
    shuffles: Sequence[tuple[int, str]] = ()
    shuffles_ended: bool = False
    partial_decryptions: Sequence[tuple[int, str]] = ()
    result: str | None = None


def write_board(record: Record, timestamp: int) -> bytes:
    """The ``.bel`` archive of ``record``, as far as it goes (a board may stop after any step)."""
    board = BoardWriter(timestamp)
    roots = {
        "election": board.data(record.election),
        "trustees": board.data(record.trustees),
        "credentials": board.data(record.public_credentials),
    }
    board.event("Setup", board.data(json.dumps(roots, separators=(",", ":"))))
    for ballot in record.ballots:
        board.event("Ballot", board.data(ballot))
    if record.encrypted_tally is None:
        return board.archive()
    board.event("EndBallots")
    tally = board.data(record.encrypted_tally)
    summary = {"num_tallied": record.num_tallied, "total_weight": record.num_tallied, "encrypted_tally": tally}
    board.event("EncryptedTally", board.data(json.dumps(summary, separators=(",", ":"))))
    for owner, text in record.shuffles:
        board.data(text)
        board.event("Shuffle", board.data(owned(owner, text)))
    if not record.shuffles_ended:
        return board.archive()
    if record.shuffles:  # an election without ranked questions has nothing to shuffle
        board.event("EndShuffles")
    for owner, text in record.partial_decryptions:
        board.data(text)
        board.event("PartialDecryption", board.data(owned(owner, text)))
    if record.result is not None:
        board.event("Result", board.data(record.result))
    return board.archive()

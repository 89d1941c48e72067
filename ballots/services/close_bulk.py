"""The close's data path for a large ballot on PostgreSQL: a million sealed
papers out of the database, opened, shuffled and back in, with no Python
object per paper.

The database sends the ``v3`` papers as fixed-width lines
(the question id zero-padded, the paper's base64: a ballot's papers all have
one size), so they become one ``numpy`` array; the base64 of all of them is
decoded in one call (each sealed paper is a whole number of base64 groups,
``paper_crypto.paper_size``), and ``paper_crypto.papers_open_bulk`` opens a
question's papers together. A ``v3`` plaintext is the tracker then the
paper's JSON padded with spaces, which is already what ``jsonb`` reads, so
the rows for ``COPY … FROM`` are assembled as byte columns: a fresh random
id, the question, the paper. Papers in any older form, or stored in the
clear, take the one-by-one path (``paper_crypto.papers_open_json``) and
join the same arrays.

Secrecy is the storage module's (``services/storage.py``): the papers go in
in an order drawn from the operating system's random source, with ids that
ascend in that order, and the trackers sorted by their values.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from ballots.services.paper_crypto import NONCE, PREFIX, TAG, TRACKER_LENGTH, papers_open_bulk, papers_open_json

QUESTION_DIGITS = 19
"""A question id's width in the lines ``COPY`` sends and takes: a bigint's."""
BLOCK_ROWS = 100_000
"""Rows per block written to ``COPY``: bounds the memory of a large close."""
LINES_PER_VALUE = 512 * 2**20
"""Bytes of a paper table read into one joined value: its lines take
less room than the stored papers, and a value may not pass 1 GB."""
FETCH_MEMORY = "1GB"
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_JSON_BYTES = np.zeros(256, dtype=bool)
_JSON_BYTES[np.frombuffer(b"[],- 0123456789", dtype=np.uint8)] = True
"""What a sealed paper's JSON (a list of option ids) may hold: nothing
``COPY``'s text format would read as a separator or an escape."""
_HEX_BYTES = np.zeros(256, dtype=bool)
_HEX_BYTES[_HEX] = True


class Papers:
    """A ballot's papers in the clear: ``questions`` (n × 19 ASCII digits)
    and ``content`` (n × width, JSON padded with spaces), row by row; and
    the trackers they carried (k × 64 ASCII hex)."""

    def __init__(self, questions: np.ndarray, content: np.ndarray, trackers: np.ndarray) -> None:
        self.questions, self.content, self.trackers = questions, content, trackers


class Sealed:
    """A ballot's papers as read from the database, still sealed: the
    ``v3`` lines and, apart, the (question id, stored text) rows in any
    other form."""

    def __init__(self, lines: list[bytes], others: list[tuple[int, str]]) -> None:
        self.lines, self.others = lines, others


def papers_fetch(cursor: Any, *, ballot_id: int, sources: list[str]) -> Sealed:
    """Every paper of the ballot in ``sources`` (tables, each read with
    ``WHERE ballot_id``), as stored."""
    lines: list[bytes] = []
    others: list[tuple[int, str]] = []
    for source in sources:
        where = f"FROM {source} WHERE ballot_id = {int(ballot_id)}"
        lines.append(
            _lines(
                cursor,
                source,
                f"lpad(question_id::text, {QUESTION_DIGITS}, '0') || E'\\t' || substr(content #>> '{{}}', 4) || E'\\n'",
                f"{where} AND left(content #>> '{{}}', 3) = '{PREFIX}'",
            )
        )
        others += _rows(
            cursor,
            f"SELECT question_id, content #>> '{{}}' AS content {where} "  # noqa: S608 - our own tables
            f"AND left(content #>> '{{}}', 3) IS DISTINCT FROM '{PREFIX}'",
        )
    return Sealed(lines, others)


def papers_open(*, ballot_id: int, sealed: Sealed) -> Papers:
    """The papers opened. Decryption happens here, in the application: the
    key never reaches the database. This touches no database, so the close
    runs it beside a statement of its own."""
    parts = [_open_v3(ballot_id, data) for data in sealed.lines]
    papers, trackers = papers_open_json(ballot_id=ballot_id, rows=sealed.others)
    if papers or trackers:
        parts.append(_from_json(papers, trackers))
    return _joined(parts)


def _lines(cursor: Any, source: str, line: str, where: str) -> bytes:
    """``line`` of every row of ``source`` that ``where`` keeps, all
    together, joined by the database (``COPY … TO`` would hand them to the
    driver a row at a time, a round of Python per paper): in one value, or
    for a large table in a few, one for each part of the rows cut by their
    random ids, so that no value nears PostgreSQL's 1 GB limit."""
    cursor.execute("SELECT pg_total_relation_size(%s)", [source.removeprefix("ONLY ")])
    parts = 1 + int(cursor.fetchone()[0]) // LINES_PER_VALUE
    cursor.execute(f"SET LOCAL work_mem = '{FETCH_MEMORY}'")  # the grouping in memory, not spilled to disk
    if parts == 1:
        cursor.execute(f"SELECT string_agg({line}, '') {where}")
    else:
        cursor.execute(f"SELECT string_agg({line}, '') {where} GROUP BY get_byte(uuid_send(id), 0) % {parts}")
    joined = "".join(row[0] or "" for row in cursor.fetchall()).encode("ascii")
    cursor.execute("RESET work_mem")
    return joined


def _rows(cursor: Any, sql: str) -> Iterator[tuple[int, str]]:
    """The (question id, content) rows of ``sql``, a block of many rows
    joined by the database at a time (a row at a time costs a round of the
    driver per paper). No stored content holds a newline: base64, or JSON
    as ``jsonb`` prints it."""
    cursor.execute(
        "SELECT question_id, string_agg(content, E'\\n') FROM "  # noqa: S608 - our own query
        f"(SELECT question_id, content, (row_number() OVER ()) / {BLOCK_ROWS} AS block FROM ({sql}) AS p) AS b "
        "GROUP BY question_id, block"
    )
    for question_id, joined in cursor.fetchall():
        for content in joined.split("\n"):
            yield question_id, content


def _open_v3(ballot_id: int, data: bytes) -> Papers:
    """``COPY``'s lines (question id, base64 of nonce ‖ ciphertext ‖ tag)
    → the papers, opened a question at a time."""
    if not data:
        return _empty()
    lines = _fixed_width(data)
    if lines is None:  # papers of more than one size: never written so, but opened all the same
        return _joined([_open_v3(ballot_id, b"".join(group)) for group in _by_length(data)])
    questions = np.ascontiguousarray(lines[:, :QUESTION_DIGITS])
    encoded = lines[:, QUESTION_DIGITS + 1 : -1]
    if (encoded == ord("=")).any():  # not whole base64 groups: decode paper by paper
        raw = b"".join(binascii.a2b_base64(bytes(row)) for row in encoded)
    else:
        raw = binascii.a2b_base64(encoded.tobytes())
    sealed = np.frombuffer(raw, dtype=np.uint8).reshape(len(lines), -1)
    ids = (questions.astype(np.int64) - ord("0")) @ (10 ** np.arange(QUESTION_DIGITS - 1, -1, -1, dtype=np.int64))
    plain = np.empty((len(lines), sealed.shape[1] - NONCE - TAG), dtype=np.uint8)
    for question_id in np.unique(ids):
        rows = np.flatnonzero(ids == question_id)
        plain[rows] = papers_open_bulk(ballot_id=ballot_id, question_id=int(question_id), sealed=sealed[rows])
    content = plain[:, TRACKER_LENGTH:]
    if not _JSON_BYTES[content].all():
        raise ValueError(f"ballot {ballot_id}: an opened paper is not a list of option ids")
    carried = plain[plain[:, 0] != ord(" "), :TRACKER_LENGTH]
    if not _HEX_BYTES[carried].all():
        raise ValueError(f"ballot {ballot_id}: an opened paper carries a tracker that is not hex")
    return Papers(questions, content, np.ascontiguousarray(carried))


def _fixed_width(data: bytes) -> np.ndarray | None:
    width = data.index(b"\n") + 1
    if len(data) % width:
        return None
    lines = np.frombuffer(data, dtype=np.uint8).reshape(-1, width)
    if (lines[:, -1] != ord("\n")).any() or (lines[:, QUESTION_DIGITS] != ord("\t")).any():
        return None
    return lines


def _by_length(data: bytes) -> list[list[bytes]]:
    groups: dict[int, list[bytes]] = {}
    for line in data.splitlines(keepends=True):
        groups.setdefault(len(line), []).append(line)
    return list(groups.values())


def _from_json(papers: list[tuple[int, str]], trackers: list[str]) -> Papers:
    width = max((len(text.encode()) for _, text in papers), default=0)
    content = np.frombuffer(b"".join(text.encode().ljust(width) for _, text in papers), dtype=np.uint8)
    questions = np.frombuffer(b"".join(b"%019d" % q for q, _ in papers), dtype=np.uint8)
    return Papers(
        questions.reshape(len(papers), QUESTION_DIGITS),
        content.reshape(len(papers), width),
        np.array(trackers, dtype=f"S{TRACKER_LENGTH}").view(np.uint8).reshape(len(trackers), TRACKER_LENGTH),
    )


def _empty() -> Papers:
    return Papers(
        np.empty((0, QUESTION_DIGITS), np.uint8), np.empty((0, 0), np.uint8), np.empty((0, TRACKER_LENGTH), np.uint8)
    )


def _joined(parts: list[Papers]) -> Papers:
    """One set of arrays; papers narrower than the widest padded with spaces
    (JSON whitespace)."""
    parts = [p for p in parts if len(p.questions) or len(p.trackers)]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    width = max(p.content.shape[1] for p in parts)
    content = np.full((sum(len(p.content) for p in parts), width), ord(" "), dtype=np.uint8)
    at = 0
    for p in parts:
        content[at : at + len(p.content), : p.content.shape[1]] = p.content
        at += len(p.content)
    return Papers(np.concatenate([p.questions for p in parts]), content, np.concatenate([p.trackers for p in parts]))


def random_ids(n: int) -> np.ndarray:
    """``n`` random version-4 UUIDs as 32 ASCII hex digits a row, ascending:
    rows written in this order append to the primary key's index instead of
    landing all over it."""
    high = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    low = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    high = np.sort((high & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000))
    low = (low & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    both = np.empty((n, 2), dtype=">u8")  # big-endian: the bytes of a UUID in order
    both[:, 0], both[:, 1] = high, low
    raw = both.view(np.uint8).reshape(n, 16)
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2], hexed[:, 1::2] = _HEX[raw >> 4], _HEX[raw & 15]
    return hexed


def random_order(n: int) -> np.ndarray:
    """A permutation of ``n`` rows drawn from the operating system's random source."""
    return np.argsort(np.frombuffer(os.urandom(8 * n), dtype=np.uint64), kind="stable")


def copy_rows(cursor: Any, sql: str, columns: list[np.ndarray], order: np.ndarray) -> None:
    """``COPY … FROM`` rows made of byte columns (each n × width, ASCII),
    tab-separated, a fresh random id first, the rows in ``order``."""
    n = len(order)
    if not n:
        return
    ids = random_ids(n)
    widths = [32, *(c.shape[1] for c in columns)]
    width = sum(widths) + len(widths)
    with cursor.copy(sql) as copy:
        for start in range(0, n, BLOCK_ROWS):
            rows = order[start : start + BLOCK_ROWS]
            block = np.empty((len(rows), width), dtype=np.uint8)
            block[:, :32] = ids[start : start + BLOCK_ROWS]
            at = 32
            for column in columns:
                block[:, at] = ord("\t")
                block[:, at + 1 : at + 1 + column.shape[1]] = column[rows]
                at += 1 + column.shape[1]
            block[:, at] = ord("\n")
            copy.write(block.tobytes())

"""Counting a closed ballot with the one counting engine, and storing the result.

Papers are streamed as plain values (never one ORM object per paper) and
grouped into identical rankings before the engine sees them. Tallying again
recomputes from the stored papers and overwrites the one result per question,
so the task is safe to run twice.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from ballots import counting
from ballots.counting import types as ct
from ballots.lock_objects import ballot_for_update
from ballots.models import Ballot, BallotPaper, Option, Question, Result, RollEntry
from ballots.thresholds import outcome_sentence
from core.audit import audit_record

logger = logging.getLogger(__name__)

MOTION_THRESHOLDS: dict[str, ct.Threshold] = {
    Question.Threshold.SIMPLE: ct.Threshold.SIMPLE_MAJORITY,
    Question.Threshold.TWO_THIRDS: ct.Threshold.TWO_THIRDS,
    Question.Threshold.ABSOLUTE: ct.Threshold.ABSOLUTE_MAJORITY,
}


def question_papers(*, question: Question) -> Counter[tuple[int, ...]]:
    """Identical papers grouped: {(option ids…): count}.

    The database groups them (``GROUP BY`` the paper's content), so the tally
    reads one row per distinct paper, not one per voter: a million papers
    over ten candidates arrive as some tens of thousands of rows, and no
    Python object is built per paper.
    """
    grouped: Counter[tuple[int, ...]] = Counter()
    rows = (
        BallotPaper.objects.filter(question=question)
        .order_by()
        .values("content")
        .annotate(papers=Count("id"))
        .values_list("content", "papers")
    )
    for content, papers in rows.iterator(chunk_size=20000):
        grouped[tuple(content)] += papers  # += : two spellings of one paper (never written so) still add up
    return grouped


def question_motion(*, question: Question, electorate: int) -> ct.Motion:
    """The engine's input for a motion question, from the stored papers."""
    meaning = {o.pk: o.choice for o in question.options.all()}  # never the label: that is only what the paper shows
    if not all(meaning.values()):  # a paper for a choice of no meaning would be dropped: refuse to count instead
        missing = [o.label for o in question.options.all() if not o.choice]
        raise ValueError(f"motion {question.pk}: options {missing} say neither for, against nor abstain")
    tally: Counter[str] = Counter()
    for paper, n in question_papers(question=question).items():
        tally[meaning[paper[0]]] += n
    return ct.Motion(
        votes_for=tally[Option.Choice.FOR],
        votes_against=tally[Option.Choice.AGAINST],
        abstentions=tally[Option.Choice.ABSTAIN],
        threshold=MOTION_THRESHOLDS[question.threshold],
        electorate=electorate,
        quorum=question.quorum,
        title=question.title,
    )


def question_grouped(*, question: Question, options: list[Option]) -> ct.BallotArray:
    """The distinct papers of an election question as one matrix of option
    indexes (in ``options``' order, ``-1`` after a paper's last preference)
    with how many papers each row stands for, rows in the sorted order of
    the papers' option ids (a canonical order, which the BLT keeps).

    The database groups the papers and sends the groups as one text, which
    ``numpy`` reads whole: no Python object per paper or per group. Papers
    that are not lists of option ids take :func:`question_papers`' way."""
    parsed = _grouped_in_database(question) if connection.vendor == "postgresql" else None
    if parsed is None:
        grouped = question_papers(question=question)
        ids = np.full((len(grouped), max(map(len, grouped), default=0)), -1, dtype=np.int64)
        pk = {o.pk: o.pk for o in options}  # 5.0 is option 5, as a dict finds it; 2.5 or "5" is no option
        for row, paper in enumerate(grouped):
            ids[row, : len(paper)] = [pk[x] for x in paper]
        counts = np.fromiter(grouped.values(), dtype=np.int64, count=len(grouped))
    else:
        ids, counts = parsed
    known = np.array(sorted(o.pk for o in options), dtype=np.int64)
    position = np.searchsorted(known, ids).clip(0, max(len(known) - 1, 0))
    if (ids >= 0).any() and (not len(known) or ((ids >= 0) & (known[position] != ids)).any()):
        raise KeyError(f"question {question.pk}: a paper names an option the question does not have")
    order = np.lexsort(ids.T[::-1]) if ids.shape[1] else np.arange(len(ids))
    ids, counts, position = ids[order], counts[order], position[order]
    if len(ids) > 1 and (same := (ids[1:] == ids[:-1]).all(axis=1)).any():
        # two spellings of one paper (never written so) still add up
        first = np.flatnonzero(np.concatenate([[True], ~same]))
        ids, counts, position = ids[first], np.add.reduceat(counts, first), position[first]
    in_options = np.empty(len(known), dtype=np.int32)  # sorted pk's place → the option's place on the paper
    in_options[np.searchsorted(known, [o.pk for o in options])] = np.arange(len(options), dtype=np.int32)
    matrix = np.where(ids >= 0, in_options[position] if len(known) else -1, -1).astype(np.int32)
    return ct.BallotArray(matrix, counts)


def _grouped_in_database(question: Question) -> tuple[np.ndarray, np.ndarray] | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{GROUPING_MEMORY}'")  # the groups in memory, not spilled to disk
        cursor.execute(
            "SELECT string_agg(content::text || ' ' || papers, E'\\n') FROM (SELECT content, count(*) AS papers "  # noqa: S608
            f"FROM {BallotPaper._meta.db_table} WHERE question_id = %s GROUP BY content) AS grouped",
            [question.pk],
        )
        text = cursor.fetchone()[0] or ""
        cursor.execute("RESET work_mem")
    return _grouped_numbers(text.encode("ascii", "replace"))


GROUPING_MEMORY = "256MB"
_NUMBER_TEXT = np.zeros(256, dtype=bool)
_NUMBER_TEXT[np.frombuffer(b"0123456789[], \n", dtype=np.uint8)] = True
_POWERS = 10 ** np.arange(19, dtype=np.int64)


def _grouped_numbers(text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """Lines ``[id, id, …] count`` → (ids padded with -1, counts), read as
    runs of digits; ``None`` if the text holds anything else (a paper that
    is not a list of whole numbers)."""
    if not text:
        return np.empty((0, 0), dtype=np.int64), np.empty(0, dtype=np.int64)
    raw = np.frombuffer(text, dtype=np.uint8)
    if not _NUMBER_TEXT[raw].all():
        return None
    digit = (raw >= ord("0")) & (raw <= ord("9"))
    edges = np.diff(digit.astype(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if len(starts) == 0 or (ends - starts).max() > 18:
        return None
    where = np.flatnonzero(digit)
    run = np.repeat(np.arange(len(starts)), ends - starts)
    scaled = (raw[where] - ord("0")).astype(np.int64) * _POWERS[ends[run] - 1 - where]
    values = np.add.reduceat(scaled, np.searchsorted(where, starts))
    line = np.searchsorted(np.flatnonzero(raw == ord("\n")), starts)
    per_line = np.bincount(line, minlength=int((raw == ord("\n")).sum()) + 1)
    if (per_line < 1).any():
        return None
    last = np.cumsum(per_line) - 1  # each line's last number is its count
    first = last - per_line + 1
    width = int(per_line.max()) - 1
    ids = np.full((len(per_line), width), -1, dtype=np.int64)
    is_id = np.ones(len(values), dtype=bool)
    is_id[last] = False
    ids[line[is_id], (np.arange(len(values)) - first[line])[is_id]] = values[is_id]
    return ids, values[last]


def question_election(*, question: Question) -> ct.Election:
    """The engine's input for an election question, from the stored papers.

    Candidates are the question's options in ballot order; the same input
    feeds the tally, the ``recount`` command and the published BLT file.
    The distinct papers go to the engine as one padded matrix with their
    counts (its fast path), in sorted order, so the BLT lists them in a
    canonical order too (:func:`question_grouped`).
    """
    options = list(question.options.all())
    index = {o.pk: i for i, o in enumerate(options)}
    ballots = question_grouped(question=question, options=options)
    groups: dict[str, set[int]] = {}
    for o in options:
        for g in o.groups:
            groups.setdefault(g, set()).add(index[o.pk])
    minimums = tuple(
        ct.MinimumGroup(name=m["group"], members=frozenset(groups.get(m["group"], set())), minimum=int(m["seats"]))
        for m in question.minimums
    )
    return ct.Election(
        candidates=tuple(o.label for o in options),
        ballots=ballots,
        seats=question.seats,
        withdrawn=frozenset(index[o.pk] for o in options if o.withdrawn),
        title=question.title,
        ron=next((index[o.pk] for o in options if o.is_ron), None),
        minimums=minimums,
    )


def question_count(*, question: Question, electorate: int, seed: int) -> tuple[dict[str, Any], str, list[int]]:
    """Count one question. Returns (count sheet JSON, outcome sentence, winning option ids)."""
    sheet, outcome, winners, _ = _count(question=question, electorate=electorate, seed=seed)
    return sheet, outcome, winners


def _count(*, question: Question, electorate: int, seed: int) -> tuple[dict[str, Any], str, list[int], int]:
    """:func:`question_count` and how many papers it counted (from the
    grouped papers: counting them again costs a pass over a million rows)."""
    options = list(question.options.all())
    if question.method == Question.Method.MOTION:
        motion = question_motion(question=question, electorate=electorate)
        result = counting.count("motion", motion)
        outcome = ("Carried" if result.carried else "Not carried") + f": {result.explanation}"
        winners = [o.pk for o in options if o.choice == Option.Choice.FOR] if result.carried else []
        return result.to_json(), outcome, winners, motion.votes_for + motion.votes_against + motion.abstentions
    election = question_election(question=question)
    sheet = counting.count(question.method, election, seed=seed)
    winners = [options[c].pk for c in sheet.elected]
    ballots = election.ballots
    weights = ballots.weights if isinstance(ballots, ct.BallotArray) else None
    papers = int(weights.sum()) if weights is not None else len(ballots)
    return sheet.to_json(), _election_outcome([options[c] for c in sheet.elected]), winners, papers


def _election_outcome(elected: list[Option]) -> str:
    """ "Elected: Ann Archer, Cat Carter"; re-open nominations is not a person
    and is never "elected": its seats are said to be re-opened."""
    people = [o.label for o in elected if not o.is_ron]
    reopened = len(elected) - len(people)
    if not elected:
        return "Nobody elected"
    if not people:
        return "Nobody elected: re-open nominations won, so nominations open again"
    text = "Elected: " + ", ".join(people)
    if reopened:
        text += f"; re-open nominations won {reopened} seat{'s' if reopened > 1 else ''}, which open{'' if reopened > 1 else 's'} again"
    return text


def ballot_tally(*, ballot_id: int) -> str:
    """Closed (or counted) → counted: count every question and store the
    results; then, with "declare automatically", declare.

    Resumes from what was committed: a ballot found counted with "declare
    automatically" set was counted by a worker that died before declaring
    (this is its redelivered message, or the sweep's), so it is declared
    without counting again. Counted without that setting, it is recounted
    (the returning officer's recount, with the same seed)."""
    # lifecycle queues the tally task, whose module imports this one: import here, not at the top.
    from ballots.services.lifecycle import ballot_declare_automatic
    from ballots.services.verifiable_tally import verifiable_awaiting

    if (awaiting := verifiable_awaiting(ballot_id=ballot_id)) is not None:
        return awaiting  # a verifiable ballot is counted once its trustees have decrypted
    with transaction.atomic():
        ballot = ballot_for_update(ballot_id=ballot_id)
        if ballot.state not in {Ballot.State.CLOSED, Ballot.State.COUNTED}:
            return f"skipped: ballot is {ballot.state}"
        if not (ballot.state == Ballot.State.COUNTED and ballot.declare_automatically):
            count_and_store(ballot)
    if ballot_declare_automatic(ballot_id=ballot.pk):
        return "counted and declared"
    return "counted"


def count_and_store(ballot: Ballot) -> None:
    """Count every question of ``ballot`` (locked by the caller), overwrite
    its one result per question, and mark it counted."""
    electorate = RollEntry.objects.filter(ballot=ballot).count()
    for question in ballot.questions.prefetch_related("options"):
        existing = Result.objects.filter(question=question).first()
        seed = int(existing.seed) if existing else secrets.randbits(63)
        sheet, outcome, winners, papers = _count(question=question, electorate=electorate, seed=seed)
        outcome = outcome_sentence(outcome=outcome, voters=papers)  # no figures below the threshold
        Result.objects.update_or_create(
            question=question,
            defaults={
                "papers_counted": papers,
                "electorate": electorate,
                "count_sheet": sheet,
                "outcome": outcome[:300],
                "winners": winners,
                "seed": str(seed),
                "counted_at": timezone.now(),
            },
        )
    first_count = ballot.state == Ballot.State.CLOSED
    ballot.state = Ballot.State.COUNTED
    ballot.save(update_fields=["state"])
    if first_count:
        audit_record(actor=None, action="ballot_counted", obj=ballot, unit=ballot.unit)

"""The tally reads papers grouped by the database and hands them to the
engine as one matrix: one row per distinct paper, never one Python object
per voter, and the same count sheet as the papers one by one."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots import counting
from ballots.counting import types as ct
from ballots.models import BallotPaper, Option, Question
from ballots.services.tallying import question_count, question_election, question_papers
from tests.factories import BallotFactory

pytestmark = pytest.mark.django_db


def _stv_question(papers: int) -> tuple[Question, list[tuple[int, ...]]]:
    question = Question.objects.create(
        ballot=BallotFactory(), kind="election", title="Committee", method="scottish-stv", seats=2
    )
    options = [Option.objects.create(question=question, label=name, position=i) for i, name in enumerate("ABCDE")]
    rng = random.Random(7)
    rankings = []
    for _ in range(papers):
        order = rng.sample(options, rng.randint(1, 3))
        rankings.append(tuple(o.pk for o in order))
    BallotPaper.objects.bulk_create(BallotPaper(question=question, content=list(r)) for r in rankings)
    return question, rankings


def test_the_database_groups_identical_papers() -> None:
    question, rankings = _stv_question(400)
    with CaptureQueriesContext(connection) as queries:
        grouped = question_papers(question=question)
    assert len(queries) == 1 and "GROUP BY" in queries[0]["sql"]
    expected: dict[tuple[int, ...], int] = {}
    for r in rankings:
        expected[r] = expected.get(r, 0) + 1
    assert dict(grouped) == expected
    assert len(grouped) < len(rankings)  # 400 papers over 5 candidates repeat


@pytest.mark.parametrize("method", ["scottish-stv", "ers97", "meek-nz", "irv"])
def test_the_matrix_gives_the_sheet_of_the_papers_one_by_one(method: str) -> None:
    question, rankings = _stv_question(300)
    question.method = method
    question.seats = 1 if method == "irv" else 2
    question.save()
    sheet, _, winners = question_count(question=question, electorate=300, seed=5)
    as_array = question_election(question=question)
    assert isinstance(as_array.ballots, ct.BallotArray)
    options = list(question.options.all())
    index = {o.pk: i for i, o in enumerate(options)}
    one_by_one = ct.Election(
        candidates=tuple(o.label for o in options),
        ballots=tuple(ct.Ballot(ranking=tuple(index[x] for x in r)) for r in rankings),
        seats=question.seats,
    )
    assert sheet == counting.count(method, one_by_one, seed=5).to_json()
    assert winners


def _rows(election: ct.Election) -> list[tuple[tuple[int, ...], int]]:
    ballots = election.ballots
    assert isinstance(ballots, ct.BallotArray) and ballots.weights is not None
    return [
        (tuple(int(x) for x in row if x >= 0), int(n)) for row, n in zip(ballots.rankings, ballots.weights, strict=True)
    ]


def test_the_matrix_rows_are_the_distinct_papers_in_sorted_order() -> None:
    """Read whole by numpy from the database's groups: the same rows, counts
    and canonical order as the groups sorted one by one (the BLT's order)."""
    question, rankings = _stv_question(500)
    options = list(question.options.all())
    index = {o.pk: i for i, o in enumerate(options)}
    expected = sorted(question_papers(question=question).items())
    assert _rows(question_election(question=question)) == [(tuple(index[x] for x in p), n) for p, n in expected]
    assert sum(n for _, n in expected) == len(rankings)


def test_papers_of_another_form_are_counted_the_slow_way() -> None:
    """A paper whose JSON is not a plain list of ids (written by a tool, say:
    ids as floats) takes the one-by-one way and still counts."""
    question, rankings = _stv_question(50)
    options = list(question.options.all())
    BallotPaper.objects.bulk_create(
        [BallotPaper(question=question, content=[float(o.pk) for o in options[:4]]) for _ in range(3)]
    )
    rows = dict(_rows(question_election(question=question)))
    assert sum(rows.values()) == len(rankings) + 3
    assert rows[(0, 1, 2, 3)] == 3


@pytest.mark.parametrize("stranger", [10**9, 2.5, "1"])
def test_a_paper_naming_an_option_the_question_lacks_stops_the_count(stranger: object) -> None:
    question, _ = _stv_question(20)
    BallotPaper.objects.create(question=question, content=[stranger])
    with pytest.raises(KeyError):
        question_election(question=question)

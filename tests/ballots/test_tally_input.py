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

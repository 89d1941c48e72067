"""A motion's options carry what they mean (``Option.choice``): the count and
the meetings app read that, so relabelling an option (a translation, "Yes")
changes nothing about the result."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from ballots.models import BallotPaper, Option, Question
from ballots.services.tallying import question_count
from tests.factories import BallotFactory, motion_question

pytestmark = pytest.mark.django_db


def test_motion_options_carry_their_choice_and_the_count_reads_it_not_the_label() -> None:
    ballot = BallotFactory()
    question = motion_question(ballot)
    assert list(question.options.order_by("position").values_list("label", "choice")) == [
        ("For", "for"),
        ("Against", "against"),
        ("Abstain", "abstain"),
    ]
    # Relabel: the paper says Yes / No / Pass, the meaning is unchanged.
    for label, choice in (("Yes", "for"), ("No", "against"), ("Pass", "abstain")):
        Option.objects.filter(question=question, choice=choice).update(label=label)
    yes = question.options.get(choice=Option.Choice.FOR)
    no = question.options.get(choice=Option.Choice.AGAINST)
    BallotPaper.objects.bulk_create(
        [BallotPaper(question=question, content=[yes.pk]) for _ in range(3)]
        + [BallotPaper(question=question, content=[no.pk])]
    )
    sheet, outcome, winners = question_count(question=question, electorate=10, seed=1)
    assert outcome.startswith("Carried") and winners == [yes.pk]
    assert (sheet["votes_for"], sheet["votes_against"]) == (3, 1)


def test_a_choice_appears_once_per_question() -> None:
    question = motion_question(BallotFactory())
    with pytest.raises(IntegrityError):
        Option.objects.create(question=question, position=4, label="For again", choice=Option.Choice.FOR)


def test_candidates_have_no_choice() -> None:
    ballot = BallotFactory()
    question = Question.objects.create(ballot=ballot, kind="election", title="Chair", method="irv")
    ann = Option.objects.create(question=question, label="Ann")
    assert ann.choice == ""

"""Results in plain words: re-open nominations is never "elected", and
methods are named in full."""

from __future__ import annotations

from ballots.models import Option
from ballots.services.tallying import _election_outcome
from ballots.templatetags.ballot_tags import method_name


def _options(*labels: str) -> list[Option]:
    return [Option(label=label, is_ron=label == "Re-open nominations") for label in labels]


def test_people_elected_are_named() -> None:
    assert _election_outcome(_options("Ann Archer", "Cat Carter")) == "Elected: Ann Archer, Cat Carter"


def test_re_open_nominations_is_not_elected() -> None:
    assert _election_outcome(_options("Re-open nominations")) == (
        "Nobody elected: re-open nominations won, so nominations open again"
    )
    assert _election_outcome(_options("Ann Archer", "Re-open nominations")) == (
        "Elected: Ann Archer; re-open nominations won 1 seat, which opens again"
    )
    assert _election_outcome([]) == "Nobody elected"


def test_methods_are_named_in_full() -> None:
    assert method_name("irv") == "the alternative vote"
    assert method_name("scottish-stv") == "single transferable vote, Scottish 2007 rules"
    assert method_name("something-new") == "something-new"

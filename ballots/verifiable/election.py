"""Reading a Belenios 2.0 election (``election.json``) as belenios-tool writes it.

The election is kept with its raw text: Belenios' fingerprint of an election
is the Base64 SHA-256 of exactly the text published, and every ballot
carries that fingerprint and hashes it into its proofs. Re-serialising a
parsed election would change the fingerprint, so we never do.

Two kinds of question are read:

* homomorphic (choose between ``min`` and ``max`` of the answers,
  optionally blank): their result is the count per answer and nothing else;
* non-homomorphic (``{"type": "NonHomomorphic", "value": ...}``): each
  answer is a vector of small integers, such as a ranking, encrypted as one
  group element; the ballots are shuffled and then decrypted one by one,
  so the result is the list of answers in an order nobody knows. They need
  a group with an embedding (RFC-3526-2048); an election that puts one in
  BELENIOS-2048 is refused, as belenios-tool cannot encode its answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballots.verifiable import jsonfields as jf
from ballots.verifiable.errors import FormatError
from ballots.verifiable.group import Group, group_named


@dataclass(frozen=True)
class Question:
    """A homomorphic question: each answer is encrypted as 0 or 1."""

    text: str
    answers: tuple[str, ...]
    min: int
    max: int
    blank: bool

    @property
    def width(self) -> int:
        """How many ciphertexts an answer holds: one per answer, plus the blank flag first."""
        return len(self.answers) + (1 if self.blank else 0)


@dataclass(frozen=True)
class NonHomomorphicQuestion:
    """A question whose answer is one small integer per answer (a rank, a grade), revealed after shuffling."""

    text: str
    answers: tuple[str, ...]

    @property
    def width(self) -> int:
        """How many integers an answer holds: one per answer."""
        return len(self.answers)


AnyQuestion = Question | NonHomomorphicQuestion


@dataclass(frozen=True)
class Election:
    """The public parameters every ballot is made and checked against."""

    raw: str
    fingerprint: str
    uuid: str
    name: str
    group: Group
    public_key: int
    questions: tuple[AnyQuestion, ...]


def _read_nh_question(data: dict[str, object], group: Group, where: str) -> NonHomomorphicQuestion:
    if group.embedding is None:
        raise FormatError(f"{where} is non-homomorphic, which group {group.name} cannot encode; use RFC-3526-2048")
    value = jf.obj(jf.field(data, "value", where), f"{where}.value")
    answers = tuple(jf.text(a, f"{where}.answers[]") for a in jf.seq(jf.field(value, "answers", where), where))
    if not answers:
        raise FormatError(f"{where} has no answers")
    if (len(answers) * group.embedding.bits_per_int + group.embedding.padding) >= group.q.bit_length():
        raise FormatError(f"{where} has too many answers to encode in one group element")
    text = jf.text(jf.field(value, "question", where), f"{where}.question")
    return NonHomomorphicQuestion(text=text, answers=answers)


def _read_question(value: object, group: Group, where: str) -> AnyQuestion:
    data = jf.obj(value, where)
    if "type" in data:
        if data["type"] != "NonHomomorphic":
            raise FormatError(f"{where} is a {data['type']!r} question, which Belenios 2.0 does not know")
        return _read_nh_question(data, group, where)
    answers = tuple(jf.text(a, f"{where}.answers[]") for a in jf.seq(jf.field(data, "answers", where), where))
    blank = data.get("blank", False)
    if not isinstance(blank, bool):
        raise FormatError(f"{where}.blank must be true or false")
    low = jf.small_int(jf.field(data, "min", where), f"{where}.min")
    high = jf.small_int(jf.field(data, "max", where), f"{where}.max")
    if not 0 <= low <= high <= len(answers):
        raise FormatError(f"{where} needs 0 <= min <= max <= number of answers")
    text = jf.text(jf.field(data, "question", where), f"{where}.question")
    return Question(text=text, answers=answers, min=low, max=high, blank=blank)


def read_election(raw: str) -> Election:
    """Parse ``election.json`` text; raise ``FormatError`` if it is not a usable election."""
    data = jf.obj(jf.parse_json(raw, "the election"), "the election")
    version = jf.field(data, "version", "the election")
    if version != 1:
        raise FormatError(f"election version {version!r} is not supported (Belenios 2.0 writes 1)")
    group = group_named(jf.field(data, "group", "the election"))
    public_key = jf.big_int(jf.field(data, "public_key", "the election"), "the election's public_key")
    if not group.is_element(public_key):
        raise FormatError("the election's public_key is not in its group")
    questions = tuple(
        _read_question(q, group, f"questions[{i}]")
        for i, q in enumerate(jf.seq(jf.field(data, "questions", "the election"), "questions"))
    )
    return Election(
        raw=raw,
        fingerprint=jf.sha256_b64(raw),
        uuid=jf.text(jf.field(data, "uuid", "the election"), "the election's uuid"),
        name=jf.text(jf.field(data, "name", "the election"), "the election's name"),
        group=group,
        public_key=public_key,
        questions=questions,
    )

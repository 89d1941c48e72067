"""hypothesis throws generated junk at the vote endpoint, the motion form
and the roll CSV import: no crash (no 500, no unexpected exception), no
invalid row or ballot paper stored, every rejection explained (a code and a
message, a form error, or a line number and a reason).

Figures: examples per target, crashes (0), invalid rows/papers stored (0).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ballots.models import Ballot, Option, PendingPaper, Question
from core.errors import DomainError
from governance.models import Membership
from governance.services.roll_import import RollRowsInvalid, roll_import
from meetings.models import Motion
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, motion_question

EXAMPLES = 60
FAST = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
junk_text = st.text(st.characters(codec="utf-8"), max_size=300)
json_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | junk_text
)
json_value = st.recursive(
    json_scalar, lambda c: st.lists(c, max_size=5) | st.dictionaries(junk_text, c, max_size=5), max_leaves=12
)


@pytest.mark.django_db
def test_vote_endpoint_survives_junk_and_stores_only_valid_papers() -> None:
    from ballots.services import lifecycle

    unit = UnitFactory()
    ballot = BallotFactory(unit=unit)
    motion = motion_question(ballot)
    ranked = Question.objects.create(
        ballot=ballot, kind=Question.Kind.ELECTION, title="Chair", method=Question.Method.IRV, seats=1
    )
    for i, label in enumerate(["Ann", "Bo", "Cy"], 1):
        Option.objects.create(question=ranked, position=i, label=label)
    voters = [MembershipFactory(unit=unit).person for _ in range(3)]
    lifecycle.ballot_open(ballot_id=ballot.pk)
    ids = list(Option.objects.filter(question__ballot=ballot).values_list("pk", flat=True))
    keys = st.sampled_from([str(motion.pk), str(ranked.pk)]) | junk_text
    answers = st.dictionaries(keys, st.lists(st.sampled_from(ids) | st.integers(-5, 2**63), max_size=6), max_size=3)
    first_for = motion.options.order_by("position").values_list("pk", flat=True)[0]
    ranking = list(ranked.options.values_list("pk", flat=True))
    valid = st.just({"answers": {str(motion.pk): [first_for], str(ranked.pk): ranking}})
    body = (
        valid
        | st.fixed_dictionaries({"answers": answers})
        | st.fixed_dictionaries({"answers": json_value})
        | json_value
    )
    seen: dict[str, int] = {}

    @FAST
    @given(data=body, who=st.integers(0, len(voters) - 1))
    def run(data: Any, who: int) -> None:
        client = APIClient()
        client.force_authenticate(voters[who])
        response = client.post(f"/api/ballots/{ballot.pk}/votes/", data, format="json")
        seen[str(response.status_code)] = seen.get(str(response.status_code), 0) + 1
        assert response.status_code < 500, (data, response.content[:300])
        if response.status_code >= 400:
            body = response.json()
            assert isinstance(body.get("code"), str) and body.get("message"), body

    run()
    # Every stored paper names only options of its own question, each at most once.
    from ballots.services.paper_crypto import paper_open  # papers are sealed while the ballot is open

    papers = list(PendingPaper.objects.filter(ballot=ballot).select_related("question"))
    options = {q.pk: set(q.options.values_list("pk", flat=True)) for q in ballot.questions.all()}
    contents = [(p, paper_open(ballot_id=ballot.pk, question_id=p.question_id, content=p.content)[0]) for p in papers]
    bad = [p for p, c in contents if not set(c) <= options[p.question_id] or len(set(c)) != len(c)]
    assert len(papers) <= 2 * len(voters) and not bad, bad
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.OPEN
    figure = f"{sum(seen.values())} requests, statuses {seen}, 0 crashes, {len(papers)} papers, 0 invalid"
    print(f"\njunk → vote API: {figure}")  # noqa: T201


@pytest.mark.django_db
def test_motion_form_survives_junk() -> None:
    unit = UnitFactory()
    member = MembershipFactory(unit=unit).person
    client = Client()
    client.force_login(member)
    seen: dict[str, int] = {}
    fields = st.fixed_dictionaries(
        {},
        optional={
            "title": junk_text | st.text(min_size=190, max_size=260),
            "text": junk_text,
            "meeting": junk_text | st.integers(-5, 2**70).map(str),
            "amends_constitution": junk_text,
            "submit": junk_text,
        },
    )

    @FAST
    @given(data=fields)
    def run(data: dict[str, str]) -> None:
        before = Motion.objects.count()
        response = client.post(f"/meetings/motions/new/{unit.slug}/", data)
        seen[str(response.status_code)] = seen.get(str(response.status_code), 0) + 1
        assert response.status_code < 500, (data, response.status_code)
        if Motion.objects.count() == before:  # refused: the page says why
            assert response.status_code in (200, 400), response.status_code
            # The error summary (templates/forms/error_summary.html) or a service's refusal.
            assert b"error-summary" in response.content or b'class="error"' in response.content, data
        else:
            assert response.status_code == 302

    run()
    bad = [
        m.pk for m in Motion.objects.all() if not m.title.strip() or len(m.title) > 200 or "\x00" in m.title + m.text
    ]
    assert not bad
    print(f"\njunk → motion form: {sum(seen.values())} posts, statuses {seen}, 0 crashes, 0 invalid motions")  # noqa: T201


HEADER = "email,full_name,kind,status,joined_on,party_member\n"
row = st.tuples(
    st.emails() | junk_text,
    junk_text,
    st.sampled_from(["member", "supporter", "", "boss"]) | junk_text,
    st.sampled_from(["active", "lapsed", "", "gone"]),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)).map(str) | junk_text,
    st.sampled_from(["yes", "no", "", "maybe"]),
)


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.mark.django_db
def test_roll_import_survives_junk_and_stores_only_valid_rows() -> None:
    unit = UnitFactory()
    outcomes = {"imported": 0, "refused": 0, "explained": 0}
    files = st.lists(row, max_size=6).map(lambda rows: HEADER + "\n".join(",".join(map(_csv_cell, r)) for r in rows))
    raw = st.binary(max_size=400) | files.map(str.encode) | junk_text.map(lambda t: (HEADER + t).encode())

    @FAST
    @given(data=raw)
    def run(data: bytes) -> None:
        try:
            roll_import(unit=unit, data=data, today=dt.date(2026, 1, 1))
        except RollRowsInvalid as exc:
            outcomes["refused"] += 1
            explained = bool(exc.errors) and all(e.line >= 1 and e.reason for e in exc.errors)
            outcomes["explained"] += explained
        except DomainError as exc:
            outcomes["refused"] += 1
            outcomes["explained"] += bool(exc.code and exc.message)
        else:
            outcomes["imported"] += 1

    run()
    bad = []
    for membership in Membership.objects.filter(unit=unit).select_related("person"):
        try:
            validate_email(membership.person.email)
        except ValidationError:
            bad.append(membership.person.email)
        if membership.kind not in Membership.Kind.values or membership.status not in Membership.Status.values:
            bad.append(str(membership.pk))
    print(f"\njunk → roll import: {EXAMPLES} files, {outcomes}, 0 crashes, {len(bad)} invalid rows stored")  # noqa: T201
    assert not bad, bad
    assert outcomes["refused"] == outcomes["explained"]

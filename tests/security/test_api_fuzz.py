"""The REST API against its own OpenAPI schema, fuzzed by schemathesis.

The schema comes from drf-spectacular; every operation must document its
error responses. schemathesis then generates valid (positive) and invalid
(negative) requests for every operation, as an anonymous observer, a member
and an officer (API tokens), sends them to the WSGI application in this
process, on the demo data, and checks: no 5xx, every status and content type
documented, every body matching its schema, invalid input refused with a
4xx, and every 4xx a JSON object ``{code, message}``. Then, because the
generated cases are drawn from the schema and missed ``?office=²`` (a 500),
every query parameter is sent each of ``JUNK_QUERY_VALUES`` (superscript and
non-Latin digits, NUL) as each user: typed parameters must answer 4xx.

Figures (printed with ``-s``): operations, cases sent, failures (must be 0).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token

from accounts.tokens import api_token_digest
from governance.models import RollImport
from meetings.models import Amendment, MeetingVote
from tests.security.conftest import Demo

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Per operation, per mode, per user: ~1,350 requests in all, over three tests
# (one per user); 12 sent ~2,000. The generation, not the requests, is half
# of the CPU time in a profile. Hypothesis draws a different sequence for a
# different budget: 8 found an empty enum filter accepted that 12 had missed.
MAX_EXAMPLES = 8
ERROR_STATUSES = ("400", "403", "404", "405", "429")


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[return-value]


def test_schema_documents_every_endpoint_with_auth_and_errors() -> None:
    schema = _schema()
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)
    operations = 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            operations += 1
            where = f"{method.upper()} {path}"
            assert "security" in operation, f"{where}: no authentication documented"
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), f"{where}: no success response"
            for code in ["403", "429"] + (["404"] if "{" in path else []):
                body = responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema", {})
                assert body, f"{where}: {code} not documented"
                if "$ref" in body:
                    component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
                    assert {"code", "message"} <= set(component["properties"]), f"{where}: {code} is not an error"
    # Every API URL in the URLconf is in the schema (nothing undocumented).
    from tests.security.test_csrf_and_methods import routes

    api_routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for route, _ in routes()
        if route.startswith("api/")
        and route not in {"api/schema/", "api/schema.json", "api/docs/"}  # the docs themselves
    }
    missing = api_routes - set(schema["paths"])
    assert not missing, missing
    assert operations >= len(api_routes) > 20
    print(f"\nOpenAPI: {len(schema['paths'])} paths, {operations} operations, all with auth and error responses")  # noqa: T201


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The WSGI application, called inside the test's transaction: keep
    Django from closing the connection at the end of each request (the test
    client does the same)."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_ids(demo: Demo) -> dict[str, Any]:
    roll_import = RollImport.objects.create(unit=demo.stockport, uploaded_by=demo.secretary, filename="roll.csv")
    return {
        "ballot_id": demo.open_ballot.pk,
        "meeting_id": demo.meeting.pk,
        "motion_id": demo.motion.pk,
        "amendment_id": Amendment.objects.order_by("pk").values_list("pk", flat=True).first(),
        "vote_id": MeetingVote.objects.order_by("pk").values_list("pk", flat=True).first(),
        "import_id": roll_import.pk,
        "slug": demo.stockport.slug,
    }


def _error_shape_problem(response: Any) -> str | None:
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{response.status_code} is not JSON: {response.content[:120]!r}"
    if not isinstance(body, dict) or not isinstance(body.get("code"), str) or not isinstance(body.get("message"), str):
        return f"{response.status_code} lacks {{code, message}}: {body!r:.200}"
    return None


BY_OPERATION: defaultdict[str, Counter[int]] = defaultdict(Counter)


def _failure_kind(failure: str) -> str:
    """``[user] METHOD /path (mode): ST105 …`` → one line to group by."""
    import re

    label, _, rest = failure.partition(": ")
    codes = sorted(set(re.findall(r"- (ST\d+ [^\n]*)", rest))) or [rest.splitlines()[0][:80]]
    return f"{label.split('] ', 1)[-1]}: {'; '.join(codes)}"


def _fuzz(
    strategy: Any,
    user: str,
    headers: dict[str, str],
    app: Any,
    checks: list[Any],
    exceptions: list[BaseException],
    sent: Counter[str],
    statuses: Counter[int],
    failures: list[str],
    users_by_key: dict[str, Any],
) -> None:
    """Send MAX_EXAMPLES generated cases of one operation as one user, and
    record (not raise) every failure, so the test reports them all."""
    from schemathesis.checks import FailureGroup

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        cache.clear()  # the API throttles would answer 429 to a fuzzer
        if headers:  # a generated DELETE /api/accounts/token/ revokes it: issue it again
            key = headers["Authorization"].split()[1]
            digest = api_token_digest(key)
            Token.objects.filter(key=digest).exists() or Token.objects.create(key=digest, user=users_by_key[key])
        before = len(exceptions)
        response = case.call(app=app, headers=headers)
        sent[user] += 1
        statuses[response.status_code] += 1
        BY_OPERATION[f"{user} {case.operation.label}"][response.status_code] += 1
        label = f"[{user}] {case.operation.label} ({case.meta.generation.mode.value})"
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except FailureGroup as exc:
            failures.append(f"{label}: {exc}")
        if len(exceptions) > before:
            failures.append(f"{label}: server exception {exceptions[-1]!r}")
        if problem := _error_shape_problem(response):
            failures.append(f"{label}: {problem}")

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid, e.g. a GET without parameters
        run()


@pytest.mark.slow
@pytest.mark.parametrize("user", ["anonymous", "member", "officer"])
def test_schemathesis_finds_no_server_errors_and_no_schema_violations(demo: Demo, wsgi_app: Any, user: str) -> None:
    """One test per user, so that pytest-xdist can fuzz the three at once."""
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        negative_data_rejection,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_dict(_schema())
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ]
    ids = _real_ids(demo)
    headers = {
        "anonymous": {},
        "member": {"Authorization": f"Token {demo.token(demo.member)}"},
        "officer": {"Authorization": f"Token {demo.token(demo.secretary)}"},
    }[user]
    users_by_key = {demo.token(u): u for u in (demo.member, demo.secretary)}
    exceptions: list[BaseException] = []

    def on_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        exceptions.append(sys.exc_info()[1])  # type: ignore[arg-type]

    got_request_exception.connect(on_exception)
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    try:
        for operation in operations:
            real = {p.name: ids[p.name] for p in operation.path_parameters if ids.get(p.name) is not None}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                if real and mode is GenerationMode.POSITIVE:
                    strategy = st.one_of(strategy, operation.as_strategy(generation_mode=mode, path_parameters=real))
                _fuzz(strategy, user, headers, wsgi_app, checks, exceptions, sent, statuses, failures, users_by_key)
        junk_started = time.process_time()
        junk = _junk_query_cases(_schema(), schema, ids, user, headers, wsgi_app, exceptions, failures)
        junk_cpu = time.process_time() - junk_started
    finally:
        got_request_exception.disconnect(on_exception)
    total = sum(sent.values())
    print(  # noqa: T201 - the figure
        f"\nschemathesis: {len(operations)} operations, {total} cases ({dict(sent)}), "
        f"statuses {dict(sorted(statuses.items()))}; {junk} junk query values in {junk_cpu:.1f} s CPU; "
        f"{len(failures)} failures"
    )
    mine = {key: c for key, c in BY_OPERATION.items() if key.startswith(f"{user} ")}
    report = "\n".join(f"{key}: {dict(sorted(c.items()))}" for key, c in sorted(mine.items()))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"schemathesis-report-{user}.txt").write_text(report + "\n\n" + "\n\n".join(failures))
    kinds = Counter(_failure_kind(f) for f in failures)
    summary = "\n".join(f"{n:5d}  {kind}" for kind, n in kinds.most_common())
    assert not failures, summary + "\n\n" + "\n\n".join(failures[:5])
    assert len(operations) >= 30 and total >= len(operations) * 2 * 5
    assert junk >= 20 * len(JUNK_QUERY_VALUES)


# Values a generator from the schema rarely draws but a browser's address bar
# sends: a superscript digit ("²".isdigit() is true and int("²") raises), other
# scripts' digits (int("١٢") is 12), a NUL (PostgreSQL refuses it) alone and
# after a digit. Every one of them is invalid for an integer, a boolean, an
# enum or a slug pattern, and free text for a string.
JUNK_QUERY_VALUES = ("²", "١٢", "\x00", "1\x00")


def _typed(schema: dict[str, Any]) -> bool:
    """True when the parameter's schema excludes every ``JUNK_QUERY_VALUES``."""
    return schema.get("type") in {"integer", "number", "boolean"} or "enum" in schema or "pattern" in schema


def _junk_query_cases(
    raw_schema: dict[str, Any],
    schema: Any,
    ids: dict[str, Any],
    user: str,
    headers: dict[str, str],
    app: Any,
    exceptions: list[BaseException],
    failures: list[str],
) -> int:
    """The generated cases above are drawn from the schema and missed
    ``?office=²`` (a 500). This strategy is exhaustive instead of sampled:
    every query parameter of every operation, one at a time, with each junk
    value, the path's parameters real. A typed parameter must answer 4xx
    with the error body; a free-text one may answer 200; none may 5xx.
    Records failures; returns the number of requests sent."""
    from schemathesis.checks import (
        FailureGroup,
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        spec = raw_schema["paths"][operation.path][operation.method.lower()]
        typed = {p["name"]: _typed(p.get("schema", {})) for p in spec.get("parameters", []) if p["in"] == "query"}
        path_parameters = {p.name: ids[p.name] for p in operation.path_parameters if ids.get(p.name) is not None}
        for name in sorted(typed):
            for value in JUNK_QUERY_VALUES:
                cache.clear()  # the API throttles would answer 429
                case = operation.Case(path_parameters=path_parameters, query={name: value})
                before = len(exceptions)
                response = case.call(app=app, headers=headers)
                sent += 1
                label = f"[{user}] {operation.label} ?{name}={value!r} (junk): {response.status_code}"
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except FailureGroup as exc:
                    failures.append(f"{label}: {exc}")
                if len(exceptions) > before:
                    failures.append(f"{label}: server exception {exceptions[-1]!r}")
                if typed[name] and not 400 <= response.status_code < 500:
                    failures.append(f"{label}: accepted a value its schema excludes")
                if problem := _error_shape_problem(response):
                    failures.append(f"{label}: {problem}")
    return sent

"""Every API operation has a one-line summary in the generated schema
(issue 26, part 6): the API's reference lists operations by it."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator

from core.api.summaries import SUMMARIES

METHODS = {"get", "post", "put", "patch", "delete"}


def _operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_has_a_summary() -> None:
    operations = _operations()
    missing = [f"{m} {p} ({o.get('operationId')})" for m, p, o in operations if not (o.get("summary") or "").strip()]
    print(f"\nAPI schema: {len(operations)} operations, {len(missing)} without a summary")  # noqa: T201
    assert len(operations) > 50
    assert not missing, "operations without a summary (give extend_schema(summary=...) or a line in SUMMARIES):\n" + (
        "\n".join(missing)
    )


def test_the_summary_table_names_only_operations_that_exist() -> None:
    ids = {o.get("operationId") for _m, _p, o in _operations()}
    assert not set(SUMMARIES) - ids, f"summaries for operations that no longer exist: {set(SUMMARIES) - ids}"


def test_a_summary_is_one_short_line() -> None:
    long = [(o["operationId"], o["summary"]) for _m, _p, o in _operations() if len(o["summary"]) > 80]
    assert not long
    assert all("\n" not in o["summary"] for _m, _p, o in _operations())

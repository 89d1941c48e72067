"""Build a declared result's public files once, and store them.

The BLT and CSV of the papers, the count sheet as JSON and the list of
trackers are the same bytes for every reader, so they are built when the
result is declared (a task queued on the declaration's commit) and served
from ``PublishedFile`` rows. Recomputing them per request let a few
anonymous clients looping on a 60,000-voter BLT (0.7 s and 30 MB of
temporary files each) slow the whole site down twentyfold.

Building is idempotent: the same stored result gives the same bytes, and a
file whose SHA-256 is unchanged is not written again. A result declared
before files were built is built by the ``publish_result_files`` command or
the beat sweep (:func:`result_files_build_missing`), never by a page view:
a GET never writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef

from ballots import publication, selectors
from ballots.models import Ballot, PublishedFile, Question

Kind = PublishedFile.Kind
CONTENT_TYPES = {
    Kind.BLT: "text/plain; charset=utf-8",
    Kind.CSV: "text/csv; charset=utf-8",
    Kind.COUNT_SHEET: "application/json",
    Kind.TRACKERS: "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Built:
    question: Question | None
    kind: str
    content: bytes


def count_sheet_document(*, ballot: Ballot) -> dict[str, object]:
    """What ``sheet.json`` publishes: every counted question's full count sheet."""
    return {
        "ballot": ballot.title,
        "questions": [
            {
                "question": q.title,
                "method": q.method,
                "seats": q.seats,
                "papers_counted": q.result.papers_counted,
                "electorate": q.result.electorate,
                "seed": q.result.seed,
                "lots": q.result.count_sheet.get("lots", []),
                "count_sheet": q.result.count_sheet,
            }
            for q in ballot.questions.all()
            if hasattr(q, "result")
        ],
    }


def _files(*, ballot: Ballot) -> list[Built]:
    """Every file the rules let the public download for this ballot
    (``ballots.publication``): papers only where allowed, figures only above
    the small-electorate threshold, trackers always."""
    voters: int = ballot.turnout  # type: ignore[attr-defined]
    trackers = "".join(f"{t}\n" for t in selectors.trackers_published(ballot=ballot))
    files = [Built(None, Kind.TRACKERS, trackers.encode())]
    if publication.breakdown_allowed(voters=voters):
        sheet = json.dumps(count_sheet_document(ballot=ballot), cls=DjangoJSONEncoder)
        files.append(Built(None, Kind.COUNT_SHEET, sheet.encode()))
    if publication.papers_downloadable(ballot=ballot, voters=voters):
        for question in ballot.questions.all():
            if question.is_ranked:
                files.append(Built(question, Kind.BLT, publication.papers_blt(question=question).encode()))
            files.append(Built(question, Kind.CSV, publication.papers_csv(question=question).encode()))
    return files


def result_files_build(*, ballot_id: int) -> int:
    """Build and store the public files of a declared ballot; returns how many
    rows were written (0 when every file is already stored as built).

    Safe to run twice, or in two workers at once: an unchanged file is left
    alone, and the unique constraints let only one row per file exist."""
    try:
        ballot = selectors.ballot_result(ballot_id=ballot_id)
    except Ballot.DoesNotExist:
        return 0  # not declared (or gone): nothing is public
    stored = {
        (row.question_id, row.kind): row
        for row in PublishedFile.objects.filter(ballot=ballot).defer("content")  # compare hashes, not bytes
    }
    written = 0
    with transaction.atomic():
        for built in _files(ballot=ballot):
            sha256 = hashlib.sha256(built.content).hexdigest()
            key = (built.question.pk if built.question else None, built.kind)
            row = stored.get(key)
            if row is not None and row.sha256 == sha256:
                continue
            if row is None:
                created = PublishedFile.objects.bulk_create(
                    [
                        PublishedFile(
                            ballot=ballot,
                            question=built.question,
                            kind=built.kind,
                            content=built.content,
                            sha256=sha256,
                            size=len(built.content),
                            content_type=CONTENT_TYPES[Kind(built.kind)],
                        )
                    ],
                    ignore_conflicts=True,
                )
                written += len(created)
            else:
                row.content, row.sha256, row.size = built.content, sha256, len(built.content)
                row.save(update_fields=["content", "sha256", "size"])
                written += 1
    return written


def result_files_missing() -> list[int]:
    """Declared ballots with no stored files yet (every declared ballot has a
    trackers file once built): those declared before files were stored, or
    whose build task was lost."""
    has_files = PublishedFile.objects.filter(ballot=OuterRef("pk"), kind=Kind.TRACKERS)
    return list(
        Ballot.objects.filter(state=Ballot.State.DECLARED)
        .exclude(Exists(has_files))
        .order_by("declared_at", "pk")
        .values_list("pk", flat=True)
    )


def result_files_build_missing(*, limit: int | None = None) -> int:
    """Build the files of up to ``limit`` declared ballots that have none; returns how many ballots."""
    ballots = result_files_missing()[:limit] if limit else result_files_missing()
    for ballot_id in ballots:
        result_files_build(ballot_id=ballot_id)
    return len(ballots)

"""A unit's audit log, for its officers (and national administrators).

The log records administrative steps only; nothing in it links a member to a
ballot paper, so showing or exporting it in full is safe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import selectors
from accounts.audit_sentences import audit_lines
from core.models import AuditEntry
from core.text import spreadsheet_cell
from governance.access import access_unit
from governance.gate import Act
from governance.models import Unit

PAGE_SIZE = 50
CSV_HEADER = ["at", "actor", "action", "object_type", "object_id", "detail", "ip_address"]


def _permitted_unit(request: HttpRequest, slug: str) -> Unit:
    return access_unit(request.user, slug, Act.MANAGE_UNIT, doing="read its audit log")


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    unit = _permitted_unit(request, slug)
    page = Paginator(selectors.audit_entries_for_unit(unit=unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"unit": unit, "page": page, "lines": audit_lines(page)})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> object:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    return spreadsheet_cell("" if value is None else str(value))


def _rows(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    entry: AuditEntry
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                entry.at.isoformat(),
                _cell(entry.actor.email if entry.actor else ""),
                _cell(entry.action),
                entry.object_type,
                entry.object_id,
                _cell(json.dumps(entry.detail, sort_keys=True)),
                entry.ip_address or "",
            ]
        )


@login_required
def audit_log_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    unit = _permitted_unit(request, slug)
    response = StreamingHttpResponse(_rows(selectors.audit_entries_for_unit(unit=unit)), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{unit.slug}-{stamp}.csv"'
    return response

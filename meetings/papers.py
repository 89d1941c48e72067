"""The AGM's papers as PDF, for A4 printing: the agenda, the motions book
(every motion of the meeting with its amendments and their state) and the
approved minutes, rendered from ``templates/meetings/pdf/`` by WeasyPrint.

WeasyPrint is imported only when a paper is asked for: it needs Pango, and
a machine without Pango must still start the site (the page then answers
503 and says why). WeasyPrint fetches nothing: the layout is in the
template, and every URL a paper names is refused by ``_fetch_nothing``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from meetings.models import Amendment, Meeting, MeetingVote, Minutes, Motion

PAPERS = {
    "agenda": "Agenda",
    "motions": "Motions book",
    "minutes": "Minutes",
    "draft-minutes": "Draft minutes",
}
DRAFT_PAPERS = {"draft-minutes"}  # officers only: a draft is not public


class PdfUnavailableError(Exception):
    """WeasyPrint (or the Pango library under it) is missing on this machine."""


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The meeting papers load nothing from outside: {url[:80]}")


def pdf_from_html(html: str) -> bytes:
    """The HTML laid out as a PDF. Raises ``PdfUnavailableError`` where
    WeasyPrint cannot be loaded."""
    try:
        import weasyprint  # lazily: it needs Pango, which a server may lack
    except (ImportError, OSError) as exc:
        raise PdfUnavailableError(str(exc)) from exc
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    return pdf


def motions_book(*, meeting: Meeting) -> list[Motion]:
    """Every motion of the meeting (on its agenda or put to it), drafts
    excepted, in agenda order, with amendments and the votes taken."""
    decided = MeetingVote.objects.filter(meeting=meeting, state=MeetingVote.State.DECIDED).order_by("opened_at", "id")
    motions = (
        Motion.objects.filter(Q(meeting=meeting) | Q(agenda_items__meeting=meeting))
        .exclude(state=Motion.State.DRAFT)
        .select_related("proposer")
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=Amendment.objects.select_related("proposer")
                .order_by("created_at", "id")
                .prefetch_related(Prefetch("meeting_votes", queryset=decided, to_attr="decided_votes")),
            ),
            Prefetch("meeting_votes", queryset=decided),
        )
        .distinct()
    )
    positions = {i.motion_id: i.position for i in meeting.agenda_items.filter(motion__isnull=False)}
    return sorted(motions, key=lambda m: (positions.get(m.pk, 10_000), m.pk))


def paper_html(*, meeting: Meeting, paper: str) -> str:
    """The paper's HTML. ``paper`` is a key of ``PAPERS``; for "minutes" the
    caller has checked that the minutes are approved, for "draft-minutes"
    that the minutes exist and the reader is an officer."""
    context: dict[str, Any] = {"meeting": meeting, "paper_title": PAPERS[paper], "printed_at": timezone.now()}
    if paper == "agenda":
        context["items"] = list(
            meeting.agenda_items.select_related("motion", "ballot", "previous_minutes__meeting").order_by(
                "position", "id"
            )
        )
    elif paper == "motions":
        context["motions"] = motions_book(meeting=meeting)
    elif paper == "draft-minutes":
        minutes = Minutes.objects.get(meeting=meeting)
        context["minutes"] = minutes
        context["text"] = minutes.versions.order_by("-number").values_list("text", flat=True).first() or ""
    else:
        minutes = Minutes.objects.select_related("approved_at_meeting").get(meeting=meeting)
        context["minutes"] = minutes
        context["text"] = minutes.versions.order_by("-number").values_list("text", flat=True).first() or ""
    return render_to_string(f"meetings/pdf/{paper}.html", context)

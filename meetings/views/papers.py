"""The secretary's papers: the minutes' live preview, and the AGM's papers
(agenda, motions book, approved minutes) as PDF for A4 printing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from governance.gate import Act
from meetings import limits, permissions, selectors
from meetings.access import access_meeting
from meetings.markdown import markdown_html
from meetings.models import Minutes
from meetings.papers import DRAFT_PAPERS, PAPERS, PdfUnavailableError, paper_html, pdf_from_html
from meetings.views.meetings import _meeting_or_404


@login_required
@require_POST
def minutes_preview(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The minutes editor's live preview: the posted Markdown rendered by the
    same sanitiser as the published minutes. Writes nothing."""
    access_meeting(request.user, meeting_id, Act.KEEP_MINUTES, doing="edit its minutes")
    text = request.POST.get("text", "")
    if len(text) > limits.MINUTES_TEXT:
        return HttpResponse(
            f"The minutes are limited to {limits.MINUTES_TEXT:,} characters.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(markdown_html(text), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def meeting_pdf(request: HttpRequest, meeting_id: int, paper: str) -> HttpResponse:
    """The agenda, the motions book or the approved minutes as an A4 PDF.
    Public like the meeting's page; minutes only once approved. The draft
    minutes, marked DRAFT on every page, only to the unit's officers."""
    if paper not in PAPERS:
        raise Http404("There is no such paper: the agenda, the motions book or the minutes.")
    meeting = _meeting_or_404(meeting_id)
    if paper == "minutes":
        minutes = selectors.minutes_for_meeting(meeting=meeting)
        if minutes is None or minutes.state != Minutes.State.APPROVED:
            raise Http404("These minutes are not approved yet; only approved minutes are printed.")
    if paper in DRAFT_PAPERS:
        # A draft is the officers' to circulate; to anyone else it does not exist.
        if not permissions.is_officer(user=request.user, unit=meeting.unit):
            raise Http404("There is no such paper.")
        if selectors.minutes_for_meeting(meeting=meeting) is None:
            raise Http404("The minutes are drafted when the meeting closes.")
    try:
        pdf = pdf_from_html(paper_html(meeting=meeting, paper=paper))
    except PdfUnavailableError:
        return HttpResponse(
            "PDF papers are unavailable on this server: WeasyPrint or the Pango library it needs is not installed. "
            "The agenda, motions and minutes are on the meeting's page.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-{paper}.pdf"'
    if paper in DRAFT_PAPERS:
        response["Cache-Control"] = "private, no-store"
    return response

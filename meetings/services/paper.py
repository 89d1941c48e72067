"""Paper ballots entered by the officers, checked by a second officer, and
counted by the one engine like any ballot (see ``meetings.models.paper``).

Every write locks the count's row, so two officers entering at once get
distinct paper numbers and no paper is entered after the count.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ballots.counting import Ballot as EnginePaper
from ballots.counting import CountingError, Election, count
from core.audit import audit_record
from core.errors import Conflict, DomainError, ErrorCode, NotFound, NotPermitted
from governance.gate import Act
from meetings import limits
from meetings.error_codes import MeetingErrorCode as Code
from meetings.lock_objects import meeting_get
from meetings.models import Meeting, PaperCount, PaperEntry
from meetings.services.meetings import require_officer

MAX_CANDIDATES = 50
RANKED = {PaperCount.Method.IRV, PaperCount.Method.SCOTTISH_STV, PaperCount.Method.MEEK_NZ, PaperCount.Method.ERS97}


def _count_for_update(count_id: int) -> PaperCount:
    try:
        return PaperCount.objects.select_for_update().select_related("meeting__unit").get(pk=count_id)
    except PaperCount.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such paper count.") from None


def _entry_for_update(entry_id: int) -> PaperEntry:
    try:
        return PaperEntry.objects.select_for_update().get(pk=entry_id)
    except PaperEntry.DoesNotExist:
        raise NotFound(Code.NOT_FOUND, "There is no such paper.") from None


def paper_count_create(
    *, meeting_id: int, actor: Any, title: str, method: str, seats: int, candidates: list[str]
) -> PaperCount:
    """Set up a paper ballot of the meeting: the names as printed, the
    method and the seats."""
    meeting = meeting_get(meeting_id=meeting_id)
    require_officer(user=actor, unit=meeting.unit, doing="enter paper ballots", act=Act.ENTER_PAPERS)
    if meeting.state not in {Meeting.State.IN_PROGRESS, Meeting.State.CLOSED}:
        raise Conflict(Code.NOT_IN_PROGRESS, "Paper ballots are entered once the meeting has started.")
    title = limits.title(title, what="The ballot's title").strip()
    if not title:
        raise DomainError(ErrorCode.INVALID, "Give the paper ballot a title.")
    if method not in PaperCount.Method.values:
        raise DomainError(ErrorCode.INVALID, "Choose how the papers are counted.")
    names = [n.strip() for n in candidates if n.strip()]
    if len(names) < 2 or len(names) > MAX_CANDIDATES:
        raise DomainError(ErrorCode.INVALID, f"A paper names between 2 and {MAX_CANDIDATES} candidates, one per line.")
    if any(len(n) > limits.TITLE for n in names):
        raise DomainError(Code.TOO_LONG, f"A candidate's name is limited to {limits.TITLE} characters.")
    if len({n.casefold() for n in names}) != len(names):
        raise DomainError(ErrorCode.INVALID, "A candidate is named twice.")
    if not 1 <= seats < len(names):
        raise DomainError(ErrorCode.INVALID, f"Seats must be from 1 to {len(names) - 1} for {len(names)} candidates.")
    if method == PaperCount.Method.IRV and seats != 1:
        raise DomainError(ErrorCode.INVALID, "The alternative vote fills one seat; use STV for several.")
    paper_count = PaperCount.objects.create(
        meeting=meeting, title=title, method=method, seats=seats, candidates=names, created_by=actor
    )
    audit_record(actor=actor, action="paper_count_created", obj=paper_count, unit=meeting.unit)
    return paper_count


def paper_ranking_clean(*, paper_count: PaperCount, marks: dict[int, str]) -> list[int]:
    """The preferences from the numbers written beside each candidate
    (``marks`` maps candidate index to what was written: "1", "2", or
    blank). Preferences must run 1, 2, 3… with no number twice; a
    plurality paper has crosses, entered as 1 beside each chosen name, at
    most as many as there are seats."""
    numbered: dict[int, int] = {}
    for index, written in marks.items():
        text = (written or "").strip()
        if not text:
            continue
        if not text.isdigit() or not 0 <= index < len(paper_count.candidates):
            raise DomainError(ErrorCode.INVALID, f"“{text[:10]}” is not a preference number.")
        numbered[index] = int(text)
    if not numbered:
        raise DomainError(
            ErrorCode.INVALID, "This paper has no preference: enter a spoilt paper as nothing, not as a paper."
        )
    if paper_count.method not in RANKED:
        if set(numbered.values()) != {1} or len(numbered) > paper_count.seats:
            raise DomainError(
                ErrorCode.INVALID,
                f"Mark at most {paper_count.seats} candidate{'s' if paper_count.seats > 1 else ''} with 1.",
            )
        return sorted(numbered)
    order = sorted(numbered.items(), key=lambda kv: kv[1])
    if [n for _, n in order] != list(range(1, len(order) + 1)):
        raise DomainError(ErrorCode.INVALID, "Preferences run 1, 2, 3… with no number missing or repeated.")
    return [index for index, _ in order]


def paper_entry_add(*, count_id: int, actor: Any, marks: dict[int, str]) -> PaperEntry:
    """Enter one paper; it counts once a different officer confirms it."""
    with transaction.atomic():
        paper_count = _count_for_update(count_id)
        require_officer(user=actor, unit=paper_count.meeting.unit, doing="enter paper ballots", act=Act.ENTER_PAPERS)
        if paper_count.state != PaperCount.State.ENTERING:
            raise Conflict(Code.INVALID_TRANSITION, "These papers are counted: no more can be entered.")
        ranking = paper_ranking_clean(paper_count=paper_count, marks=marks)
        number = (paper_count.entries.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        entry = PaperEntry.objects.create(count=paper_count, number=number, ranking=ranking, entered_by=actor)
    return entry


def _check(entry_id: int, actor: Any) -> tuple[PaperEntry, PaperCount]:
    entry = _entry_for_update(entry_id)
    paper_count = _count_for_update(entry.count_id)
    require_officer(user=actor, unit=paper_count.meeting.unit, doing="check paper ballots", act=Act.ENTER_PAPERS)
    if paper_count.state != PaperCount.State.ENTERING:
        raise Conflict(Code.INVALID_TRANSITION, "These papers are counted already.")
    if entry.confirmed_by_id is not None or entry.rejected:
        raise Conflict(Code.INVALID_TRANSITION, f"Paper {entry.number} has been checked already.")
    if entry.entered_by_id == actor.pk:
        raise NotPermitted(
            Code.SAME_OFFICER, f"Paper {entry.number} must be checked by an officer who did not enter it."
        )
    return entry, paper_count


def paper_entry_confirm(*, entry_id: int, actor: Any) -> PaperEntry:
    """A second officer confirms the entry matches the paper: it now counts."""
    with transaction.atomic():
        entry, _ = _check(entry_id, actor)
        entry.confirmed_by = actor
        entry.save(update_fields=["confirmed_by"])
    return entry


def paper_entry_reject(*, entry_id: int, actor: Any) -> PaperEntry:
    """A second officer finds the entry does not match the paper: it never
    counts, and the paper is entered again."""
    with transaction.atomic():
        entry, _ = _check(entry_id, actor)
        entry.rejected = True
        entry.save(update_fields=["rejected"])
    return entry


def paper_count_run(*, count_id: int, actor: Any) -> PaperCount:
    """Count the confirmed papers with the engine, once none awaits its check."""
    with transaction.atomic():
        paper_count = _count_for_update(count_id)
        require_officer(user=actor, unit=paper_count.meeting.unit, doing="count paper ballots", act=Act.ENTER_PAPERS)
        if paper_count.state != PaperCount.State.ENTERING:
            raise Conflict(Code.INVALID_TRANSITION, "These papers are counted already.")
        entries = paper_count.entries.filter(rejected=False)
        waiting = entries.filter(confirmed_by__isnull=True).count()
        if waiting:
            raise Conflict(
                Code.PAPERS_UNCHECKED,
                f"{waiting} paper{'s' if waiting != 1 else ''} still await{'s' if waiting == 1 else ''} "
                "a second officer's check.",
            )
        papers = tuple(EnginePaper(tuple(r)) for r in entries.values_list("ranking", flat=True))
        if not papers:
            raise Conflict(Code.PAPERS_UNCHECKED, "No confirmed paper to count.")
        election = Election(
            candidates=tuple(paper_count.candidates), ballots=papers, seats=paper_count.seats, title=paper_count.title
        )
        try:
            sheet = count(paper_count.method, election, seed=paper_count.seed)
        except CountingError as exc:
            raise DomainError(ErrorCode.INVALID, f"The papers cannot be counted: {exc}") from None
        paper_count.result = sheet.to_json()
        paper_count.state = PaperCount.State.COUNTED
        paper_count.counted_at = timezone.now()
        paper_count.save(update_fields=["result", "state", "counted_at"])
        audit_record(
            actor=actor,
            action="paper_count_counted",
            obj=paper_count,
            unit=paper_count.meeting.unit,
            detail={"papers": len(papers)},
        )
    return paper_count

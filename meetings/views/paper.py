"""Paper and hybrid meetings: the officers enter a show of hands' figures
or a paper ballot's papers (each checked by a second officer), and count
the papers with the engine."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from core.views_forms import done, run_form
from governance.access import mfa_enforced
from governance.gate import Act
from meetings import limits
from meetings.access import access_meeting
from meetings.models import Meeting, MeetingVote, PaperCount, PaperEntry
from meetings.services.paper import (
    MAX_CANDIDATES,
    paper_count_create,
    paper_count_run,
    paper_entry_add,
    paper_entry_confirm,
    paper_entry_reject,
)
from meetings.services.votes import meeting_vote_close
from meetings.views.common import act


class PaperCountForm(forms.Form):
    title = forms.CharField(
        max_length=limits.TITLE, label="Ballot", help_text="For example: Election of the secretary."
    )
    method = forms.ChoiceField(choices=PaperCount.Method.choices, label="How the papers are counted")
    seats = forms.IntegerField(min_value=1, max_value=MAX_CANDIDATES - 1, initial=1)
    candidates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_CANDIDATES * (limits.TITLE + 2),
        label="Candidates, one per line, in the paper's order",
    )


class HandsForm(forms.Form):
    votes_for = forms.IntegerField(min_value=0, label="For")
    votes_against = forms.IntegerField(min_value=0, label="Against")
    abstentions = forms.IntegerField(min_value=0, initial=0, label="Abstentions")


class PaperEntryForm(forms.Form):
    """One field per candidate: the number written beside the name."""

    def __init__(self, *args: Any, paper_count: PaperCount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ranked = paper_count.method != PaperCount.Method.PLURALITY
        for index, name in enumerate(paper_count.candidates):
            self.fields[f"c{index}"] = forms.CharField(
                required=False,
                max_length=3,
                label=name,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3, "autocomplete": "off"}),
                help_text="" if index else ("Preference number (1, 2, 3…)" if ranked else "1 for a cross"),
            )

    def marks(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


def _officer_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    return access_meeting(request.user, meeting_id, Act.ENTER_PAPERS, doing="enter paper results")


def _open_hands_vote(meeting: Meeting) -> MeetingVote | None:
    return meeting.votes.filter(state=MeetingVote.State.OPEN, mode=MeetingVote.Mode.HANDS).first()


@login_required
@require_http_methods(["GET", "POST"])
def paper_index(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting's paper ballots, and setting one up."""
    meeting = _officer_meeting(request, meeting_id)
    form = PaperCountForm(request.POST if request.method == "POST" else None)
    return run_form(
        form,
        lambda: paper_count_create(
            meeting_id=meeting.pk,
            actor=request.user,
            title=form.cleaned_data["title"],
            method=form.cleaned_data["method"],
            seats=form.cleaned_data["seats"],
            candidates=form.cleaned_data["candidates"].splitlines(),
        ),
        success=lambda paper_count: done(
            request, "Paper ballot set up: enter the papers one by one.", "meetings:paper_count", paper_count.pk
        ),
        page=lambda status: _index(request, meeting, form=form, hands_form=HandsForm(), status=status),
    )


def _index(request: HttpRequest, meeting: Meeting, *, form: Any, hands_form: Any, status: int) -> HttpResponse:
    return render(
        request,
        "meetings/paper_index.html",
        {
            "meeting": meeting,
            "counts": PaperCount.objects.filter(meeting=meeting),
            "form": form,
            "hands_vote": _open_hands_vote(meeting),
            "hands_form": hands_form,
        },
        status=status,
    )


@login_required
@require_POST
def paper_hands(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The figures of a show of hands (or of a paper vote on a motion)
    counted in the room: they close and decide the open vote."""
    meeting = _officer_meeting(request, meeting_id)
    hands_form = HandsForm(request.POST)
    vote = _open_hands_vote(meeting)

    def page(status: int) -> HttpResponse:
        return _index(request, meeting, form=PaperCountForm(), hands_form=hands_form, status=status)

    if vote is None:
        hands_form.add_error(None, "No show of hands is open in this meeting.")
        return page(409)
    return run_form(
        hands_form,
        lambda: meeting_vote_close(
            vote_id=vote.pk,
            actor=request.user,
            votes_for=hands_form.cleaned_data["votes_for"],
            votes_against=hands_form.cleaned_data["votes_against"],
            abstentions=hands_form.cleaned_data["abstentions"],
        ),
        success=lambda _: done(request, "Figures entered: the vote is decided.", "meetings:paper", meeting.pk),
        page=page,
    )


def _count_or_404(count_id: int) -> PaperCount:
    found = PaperCount.objects.select_related("meeting__unit").filter(pk=count_id).first()
    if found is None:
        raise Http404("There is no such paper ballot.")
    return found


def _count_scope(request: HttpRequest, count_id: int, **kwargs: Any) -> dict[str, Any]:
    found = PaperCount.objects.select_related("meeting__unit").filter(pk=count_id).first()
    return {"unit": found.meeting.unit if found else None}


@login_required
@require_http_methods(["GET", "POST"])
def paper_count_page(request: HttpRequest, count_id: int) -> HttpResponse:
    """Enter papers one by one; check the others' entries; count."""
    paper_count = _count_or_404(count_id)
    _officer_meeting(request, paper_count.meeting_id)
    form = PaperEntryForm(request.POST if request.method == "POST" else None, paper_count=paper_count)
    if request.method == "POST":
        return run_form(
            form,
            lambda: paper_entry_add(count_id=paper_count.pk, actor=request.user, marks=form.marks()),
            success=lambda entry: done(
                request,
                f"Paper {entry.number} entered: another officer checks it against the paper.",
                "meetings:paper_count",
                paper_count.pk,
            ),
            page=lambda status: _count_page(request, paper_count, form, status),
        )
    return _count_page(request, paper_count, form, 200)


def _count_page(request: HttpRequest, paper_count: PaperCount, form: PaperEntryForm, status: int) -> HttpResponse:
    entries = list(paper_count.entries.select_related("entered_by", "confirmed_by"))
    names = paper_count.candidates
    rows: list[dict[str, Any]] = [{"entry": e, "names": [names[i] for i in e.ranking]} for e in entries]
    result = paper_count.result or {}
    return render(
        request,
        "meetings/paper_count.html",
        {
            "paper_count": paper_count,
            "meeting": paper_count.meeting,
            "form": form,
            "waiting": [r for r in rows if r["entry"].confirmed_by_id is None and not r["entry"].rejected],
            "confirmed": sum(1 for e in entries if e.confirmed_by_id is not None),
            "rejected": sum(1 for e in entries if e.rejected),
            "elected": result.get("elected", []),
            "first_stage": (result.get("stages") or [{}])[0].get("votes", {}),
        },
        status=status,
    )


@login_required
@mfa_enforced(_count_scope)
@require_POST
def paper_count_run_view(request: HttpRequest, count_id: int) -> HttpResponse:
    paper_count = _count_or_404(count_id)
    return act(
        request,
        lambda: paper_count_run(count_id=paper_count.pk, actor=request.user),
        success="Counted.",
        back=f"/meetings/paper/{paper_count.pk}/",
    )


def _entry_scope(request: HttpRequest, entry_id: int, **kwargs: Any) -> dict[str, Any]:
    found = PaperEntry.objects.select_related("count__meeting__unit").filter(pk=entry_id).first()
    return {"unit": found.count.meeting.unit if found else None}


@login_required
@mfa_enforced(_entry_scope)
@require_POST
def paper_entry_check(request: HttpRequest, entry_id: int, action: str) -> HttpResponse:
    entry = PaperEntry.objects.filter(pk=entry_id).first()
    if entry is None or action not in {"confirm", "reject"}:
        raise Http404("There is no such paper.")
    if action == "confirm":
        return act(
            request,
            lambda: paper_entry_confirm(entry_id=entry_id, actor=request.user),
            success=f"Paper {entry.number} confirmed: it counts.",
            back=f"/meetings/paper/{entry.count_id}/",
        )
    return act(
        request,
        lambda: paper_entry_reject(entry_id=entry_id, actor=request.user),
        success=f"Paper {entry.number} rejected: enter it again.",
        back=f"/meetings/paper/{entry.count_id}/",
    )

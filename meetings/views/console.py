"""The officers' run-the-meeting console (one page, usable on a phone),
scheduling, and the minutes editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ballots.for_meetings import agenda_ballot, agenda_ballots
from core.errors import DomainError, ErrorCode
from core.views_forms import done, run_action, run_form
from governance.access import access_unit, mfa_enforced
from governance.gate import Act
from meetings import selectors
from meetings.access import access_meeting
from meetings.error_codes import MeetingErrorCode as Code
from meetings.forms import AgendaItemForm, HandsForm, MeetingForm, VoteOpenForm
from meetings.models import AgendaItem, Amendment, Attendance, Meeting, MeetingVote, Minutes, Motion, Requisition
from meetings.services import meetings as meeting_services
from meetings.services.attendance import attendance_check_in_by_officer, attendance_check_out
from meetings.services.minutes import minutes_approve, minutes_draft, minutes_edit
from meetings.services.room import projector_token_rotate, room_code_rotate, room_code_show
from meetings.services.speakers import (
    speaker_call_next,
    speaker_clock,
    speaker_finish,
    speaker_move,
    speaker_withdraw,
)
from meetings.services.votes import meeting_vote_close, meeting_vote_open
from meetings.speakers import current_item, speaker_live, speakers_queue
from meetings.views.common import act
from meetings.views.meetings import _meeting_or_404
from meetings.voting_rights import voters_entitled, voters_list

User = get_user_model()


def _meeting_scope(request: HttpRequest, meeting_id: int, **kwargs: Any) -> dict[str, Any]:
    meeting = Meeting.objects.select_related("unit").filter(pk=meeting_id).first()
    return {"unit": meeting.unit if meeting else None}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, unit_slug: str) -> HttpResponse:
    unit = access_unit(request.user, unit_slug, Act.RUN_MEETINGS, doing="schedule meetings")
    requisition = Requisition.objects.filter(pk=request.GET.get("requisition") or 0, unit=unit).first()
    initial = {"kind": Meeting.Kind.EXTRAORDINARY} if requisition else {}
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial)

    def page(status: int = 200) -> HttpResponse:
        context = {"form": form, "unit": unit, "requisition": requisition}
        return render(request, "meetings/schedule.html", context, status=status)

    return run_form(
        form,
        lambda: meeting_services.meeting_schedule(
            unit=unit,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
            quorum=form.cleaned_data["quorum"],
            requisition=requisition,
        ),
        success=lambda meeting: done(
            request,
            "Meeting scheduled. Its notice goes out when the notice period begins.",
            "meetings:console",
            meeting.pk,
        ),
        page=page,
    )


@login_required
def meeting_console(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, doing="run its meetings")
    find = request.GET.get("find", "").strip()[:100]
    vote = selectors.vote_current(meeting=meeting)
    motions_in_order = Motion.objects.filter(unit=meeting.unit, state=Motion.State.IN_ORDER)
    on_agenda = [i.motion for i in meeting.agenda_items.all() if i.motion_id]
    amendments = Amendment.objects.filter(motion__in=on_agenda, state=Amendment.State.SECONDED).select_related("motion")
    return render(
        request,
        "meetings/console.html",
        {
            "meeting": meeting,
            "live": selectors.live_state(meeting=meeting, chair_view=True),
            "vote": vote,
            "may_vote": voters_entitled(vote=vote) if vote is not None else None,
            "attendances": selectors.attendance_list(meeting=meeting, everyone=request.GET.get("attendance") == "all"),
            "motions_in_order": motions_in_order.exclude(pk__in=[m.pk for m in on_agenda if m]),
            "agenda_motions": [m for m in on_agenda if m and m.state == Motion.State.IN_ORDER],
            "amendments": amendments,
            "ballots": agenda_ballots(unit_id=meeting.unit_id),
            "minutes_to_approve": selectors.minutes_awaiting_approval(unit=meeting.unit).exclude(meeting=meeting),
            "agenda_form": AgendaItemForm(),
            "vote_form": VoteOpenForm(),
            "hands_form": HandsForm(),
            "kinds": Meeting.Kind,
            "find": find,
            "found": _find_people(meeting, find),
            "speakers": speaker_live(meeting=meeting),
            "projector_url": request.build_absolute_uri(
                reverse("meetings:projector", args=[meeting.pk, meeting.projector_token])
            ),
            "before_its_day": timezone.localdate() < timezone.localdate(meeting.starts_at),
            "next_item": meeting.agenda_items.filter(state=AgendaItem.State.PENDING).order_by("position", "id").first(),
        },
    )


@login_required
@mfa_enforced(_meeting_scope)
@require_http_methods(["GET"])
def console_voters(request: HttpRequest, meeting_id: int, vote_id: int) -> HttpResponse:
    """Who may vote in a meeting vote, for the chair (``voting_rights.voters_list``)."""
    meeting = access_meeting(request.user, meeting_id, doing="see who may vote")
    vote = MeetingVote.objects.filter(pk=vote_id, meeting=meeting).first()
    if vote is None:
        raise Http404("There is no such vote in this meeting.")
    voters = voters_list(vote=vote)
    return render(request, "meetings/console_voters.html", {"meeting": meeting, "vote": vote, "voters": voters})


def _find_people(meeting: Meeting, find: str) -> list[Any]:
    """Members entitled to attend whose name or e-mail contains ``find``
    (at least two characters), not in the room now; at most 20."""
    if len(find) < 2:
        return []
    present = Attendance.objects.filter(meeting=meeting, checked_out_at__isnull=True).values("person_id")
    return list(
        selectors.eligible_people(meeting=meeting)
        .filter(Q(full_name__icontains=find) | Q(email__icontains=find))
        .exclude(pk__in=present)
        .order_by("full_name", "id")[:20]
    )


def _target(value: str) -> dict[str, Any]:
    kind, _, pk = value.partition(":")
    if kind == "motion" and pk.isdigit():
        return {"motion": Motion.objects.filter(pk=int(pk)).first()}
    if kind == "amendment" and pk.isdigit():
        return {"amendment": Amendment.objects.filter(pk=int(pk)).first()}
    return {}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@login_required
@mfa_enforced(_meeting_scope)
@require_POST
def console_action(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    """Every console button posts here; the service decides and refuses."""
    meeting = _meeting_or_404(meeting_id)
    user, post = request.user, request.POST
    back = _console_url(meeting_id, find=post.get("find", ""))
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "send-notice": (
            lambda: meeting_services.meeting_notice_send(meeting_id=meeting_id, actor=user),
            "Notice queued to every eligible member.",
        ),
        "start": (
            lambda: meeting_services.meeting_start(
                meeting_id=meeting_id, actor=user, confirm_early=post.get("confirm_early") == "yes"
            ),
            "The meeting is open; members can check in.",
        ),
        "check-in-person": (
            lambda: attendance_check_in_by_officer(meeting_id=meeting_id, person=_person(post), actor=user),
            "Checked in.",
        ),
        "check-out": (
            lambda: attendance_check_out(meeting_id=meeting_id, person=_person(post), actor=user),
            "Checked out.",
        ),
        "code-show": (
            lambda: room_code_show(meeting_id=meeting_id, actor=user, shown=True),
            "The check-in code is on the projector.",
        ),
        "code-hide": (
            lambda: room_code_show(meeting_id=meeting_id, actor=user, shown=False),
            "The check-in code is hidden.",
        ),
        "code-rotate": (
            lambda: room_code_rotate(meeting_id=meeting_id, actor=user),
            "New check-in code: the old one no longer works.",
        ),
        "projector-rotate": (
            lambda: projector_token_rotate(meeting_id=meeting_id, actor=user),
            "New projector link: reopen the projector with it.",
        ),
        "speaker-next": (lambda: speaker_call_next(meeting_id=meeting_id, actor=user), "Next speaker called."),
        "speaker-done": (lambda: speaker_finish(meeting_id=meeting_id, actor=user), "Speech finished."),
        "clock-start": (lambda: speaker_clock(meeting_id=meeting_id, actor=user, run=True), "Clock running."),
        "clock-stop": (lambda: speaker_clock(meeting_id=meeting_id, actor=user, run=False), "Clock stopped."),
        "speaker-up": (
            lambda: speaker_move(meeting_id=meeting_id, request_id=_int(post.get("request")) or 0, actor=user, up=True),
            "Moved up.",
        ),
        "speaker-down": (
            lambda: speaker_move(
                meeting_id=meeting_id, request_id=_int(post.get("request")) or 0, actor=user, up=False
            ),
            "Moved down.",
        ),
        "speaker-remove": (
            lambda: speaker_withdraw(request_id=_int(post.get("request")) or 0, actor=user),
            "Taken off the list.",
        ),
        "close": (
            lambda: meeting_services.meeting_close(meeting_id=meeting_id, actor=user),
            "The meeting is closed and the minutes drafted.",
        ),
        "cancel": (lambda: meeting_services.meeting_cancel(meeting_id=meeting_id, actor=user), "Meeting cancelled."),
        "add-item": (lambda: _add_item(meeting, user, post), "Item added to the agenda."),
        "decision": (
            lambda: meeting_services.agenda_item_record_decision(
                item_id=_int(post.get("item")) or 0, actor=user, decision=post.get("decision", "")
            ),
            "Decision recorded.",
        ),
        "check-in": (lambda: _check_in(meeting, user, post.get("email", "")), "Checked in."),
        "open-vote": (lambda: _open_vote(meeting, user, post), "Vote open."),
        "close-vote": (
            lambda: meeting_vote_close(
                vote_id=_int(post.get("vote")) or 0,
                actor=user,
                votes_for=_int(post.get("votes_for")),
                votes_against=_int(post.get("votes_against")),
                abstentions=_int(post.get("abstentions")),
            ),
            "Vote closed.",
        ),
        "approve-minutes": (
            lambda: minutes_approve(minutes_id=_int(post.get("minutes")) or 0, actor=user, at_meeting_id=meeting_id),
            "Minutes approved as a true record.",
        ),
    }
    if action in {"next-item", "take-item"}:
        return _take_item(request, meeting, item_id=_int(post.get("item")) if action == "take-item" else None)
    if action not in actions:
        raise Http404("No such action.")
    fn, message = actions[action]
    return act(request, fn, success=message, back=back)


def _console_url(meeting_id: int, *, find: str = "") -> str:
    """The console, with the chair's check-in search kept (so arrivals can
    be checked in one after another without typing the name again)."""
    url = reverse("meetings:console", args=[meeting_id])
    find = find.strip()[:100]
    return f"{url}?{urlencode({'find': find})}" if len(find) >= 2 else url


def _add_item(meeting: Meeting, user: Any, post: Any) -> None:
    form = AgendaItemForm(post)
    if not form.is_valid():
        raise DomainError(ErrorCode.INVALID, "Check the agenda item.")
    data = form.cleaned_data
    meeting_services.agenda_item_add(
        meeting_id=meeting.pk,
        actor=user,
        kind=data["kind"],
        title=data["title"],
        notes=data["notes"],
        motion=Motion.objects.filter(pk=data["motion"]).first() if data["motion"] else None,
        ballot=agenda_ballot(ballot_id=data["ballot"]) if data["ballot"] else None,
        previous_minutes=Minutes.objects.filter(pk=data["previous_minutes"]).first()
        if data["previous_minutes"]
        else None,
    )


def _person(post: Any) -> Any:
    person = User.objects.filter(pk=_int(post.get("person")) or 0).first()
    if person is None:
        raise DomainError(ErrorCode.NOT_FOUND, "There is no such member.")
    return person


def _take_item(request: HttpRequest, meeting: Meeting, *, item_id: int | None) -> HttpResponse:
    """Take an item (the next one when ``item_id`` is None). With people still
    waiting to speak on the current item, the first press shows who and what
    happens to them; the chair's confirmation (``confirm=yes``) goes on."""
    back = reverse("meetings:console", args=[meeting.pk])
    confirm = request.POST.get("confirm") == "yes"
    leaving = current_item(meeting=meeting)
    waiting = speakers_queue(meeting=meeting) if leaving is not None else []
    item: AgendaItem | None = None

    def take() -> AgendaItem:
        nonlocal item
        meeting_services.require_officer(user=request.user, unit=meeting.unit, doing="take the next item")
        item = (
            AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
            if item_id is not None
            else meeting.agenda_items.filter(state=AgendaItem.State.PENDING).order_by("position", "id").first()
        )
        if item is None:
            raise DomainError(ErrorCode.NOT_FOUND, "There is no such item left on the agenda.")
        meeting_services.agenda_item_take(item_id=item.pk, actor=request.user, confirm=confirm)
        return item

    def taken(item: AgendaItem) -> HttpResponse:
        lapsed = len(waiting) if confirm and leaving is not None and leaving.pk != item.pk else 0
        said = f"Now on “{item.title}”."
        if lapsed and leaving is not None:
            whom = "request to speak" if lapsed == 1 else "requests to speak"
            said += f" {lapsed} {whom} on “{leaving.title}” {'was' if lapsed == 1 else 'were'} taken off the list."
        return done(request, said, back)

    def refused(exc: DomainError) -> HttpResponse:
        if exc.code != Code.SPEAKERS_WAITING:
            messages.error(request, exc.message)
            return redirect(back)
        context = {"meeting": meeting, "leaving": leaving, "item": item, "waiting": waiting, "item_id": item_id}
        return render(request, "meetings/take_item_confirm.html", context)

    return run_action(take, success=taken, failure=refused)


def _check_in(meeting: Meeting, user: Any, email: str) -> None:
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"Nobody is registered with the e-mail address “{email.strip()}”.")
    attendance_check_in_by_officer(meeting_id=meeting.pk, person=person, actor=user)


def _open_vote(meeting: Meeting, user: Any, post: Any) -> None:
    target = _target(post.get("target", ""))
    if any(v is None for v in target.values()):
        raise DomainError(ErrorCode.NOT_FOUND, "There is no such motion or amendment.")
    meeting_vote_open(
        meeting_id=meeting.pk,
        actor=user,
        mode=post.get("mode", ""),
        title=post.get("title", ""),
        threshold=post.get("threshold") or None,
        **target,
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, Act.KEEP_MINUTES)
    minutes = selectors.minutes_for_meeting(meeting=meeting)
    if minutes is None:
        if meeting.state != Meeting.State.CLOSED:
            messages.error(request, "The minutes are drafted when the meeting closes.")
            return redirect("meetings:console", meeting.pk)
        if request.method != "POST":  # a GET never writes: the page offers to draft them
            return render(request, "meetings/minutes_missing.html", {"meeting": meeting})
        minutes = minutes_draft(meeting_id=meeting.pk, actor=request.user)
        if request.POST.get("draft_only"):
            return redirect("meetings:minutes", meeting.pk)
    if request.method == "POST":
        edited = minutes
        return run_action(
            lambda: minutes_edit(
                minutes_id=edited.pk,
                actor=request.user,
                text=request.POST.get("text", ""),
                base_version=_int(request.POST.get("base_version")) or 0,
                note=request.POST.get("note", ""),
            ),
            success=lambda _: done(request, "Saved as a new version.", "meetings:minutes", meeting.pk),
            failure=lambda exc: _minutes_page(request, meeting, exc.status),
            request=request,
        )
    return _minutes_page(request, meeting, 200)


def _minutes_page(request: HttpRequest, meeting: Meeting, status: int) -> HttpResponse:
    minutes = selectors.minutes_for_meeting(meeting=meeting)
    versions = list(minutes.versions.all()) if minutes else []
    return render(
        request,
        "meetings/minutes_edit.html",
        {"meeting": meeting, "minutes": minutes, "versions": versions, "current": versions[0] if versions else None},
        status=status,
    )

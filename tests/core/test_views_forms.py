"""The one way a page runs a service: the form's page for a GET, 400 for an
invalid form, the refusal's message and status on the form, the success's
answer; an MFA refusal is never shown as a reason (the middleware sends the
person to mend it)."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.test import RequestFactory

from core.errors import Conflict, MFARefusal, NotPermitted
from core.views_forms import run_action, run_form


class TitleForm(forms.Form):
    title = forms.CharField(max_length=10)


def _page(form: forms.Form) -> object:
    return lambda status: HttpResponse(
        " | ".join(form.non_field_errors() + form.errors.get("title", [])), status=status
    )


def _never() -> None:
    raise AssertionError("the service must not run")


def test_an_unbound_form_is_its_page_and_runs_nothing() -> None:
    form = TitleForm(None)
    response = run_form(form, _never, success=lambda _: HttpResponse("done"), page=_page(form))  # type: ignore[arg-type]
    assert response.status_code == 200 and response.content == b""


def test_an_invalid_form_is_a_400_and_runs_nothing() -> None:
    form = TitleForm({"title": "x" * 11})
    response = run_form(form, _never, success=lambda _: HttpResponse("done"), page=_page(form))  # type: ignore[arg-type]
    assert response.status_code == 400 and b"at most 10" in response.content


def test_a_refusal_is_on_the_form_with_its_status() -> None:
    form = TitleForm({"title": "AGM"})

    def refuse() -> None:
        raise Conflict("taken", "That title is taken.")

    response = run_form(form, refuse, success=lambda _: HttpResponse("done"), page=_page(form), field="title")  # type: ignore[arg-type]
    assert response.status_code == 409 and response.content == b"That title is taken."


def test_success_gets_the_service_result() -> None:
    form = TitleForm({"title": "AGM"})
    response = run_form(
        form,
        lambda: form.cleaned_data["title"].lower(),
        success=lambda result: HttpResponse(result, status=201),
        page=_page(form),  # type: ignore[arg-type]
    )
    assert response.status_code == 201 and response.content == b"agm"


def test_an_mfa_refusal_passes_through_both_helpers() -> None:
    def needs_mfa() -> None:
        raise MFARefusal("mfa_required", "Set it up.")

    form = TitleForm({"title": "AGM"})
    for call in (
        lambda: run_form(form, needs_mfa, success=lambda _: HttpResponse(), page=_page(form)),  # type: ignore[arg-type]
        lambda: run_action(needs_mfa, success=lambda _: HttpResponse(), failure=lambda exc: HttpResponse()),
    ):
        try:
            call()
        except MFARefusal:
            continue
        raise AssertionError("an MFA refusal was swallowed")


def test_run_action_flashes_the_refusal_when_given_the_request() -> None:
    request = RequestFactory().post("/")
    shown: list[str] = []
    request._messages = type("Store", (), {"add": lambda self, level, message, extra_tags="": shown.append(message)})()  # type: ignore[attr-defined]

    def refuse() -> None:
        raise NotPermitted("no", "Only officers can.")

    response = run_action(
        refuse, success=lambda _: HttpResponse(), failure=lambda exc: HttpResponse(status=exc.status), request=request
    )
    assert response.status_code == 403 and shown == ["Only officers can."]

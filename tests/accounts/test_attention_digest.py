"""The daily "needs your attention" e-mail: the /me list, sent only when it
holds something new, with its own one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts import tokens
from accounts.digest import attention_digest_one, attention_digests_send
from accounts.models import User
from accounts.tasks import send_attention_digests
from ballots.models import Ballot
from ballots.services import lifecycle
from core.emails import outbox_send_pending
from core.models import OutboxEmail
from tests.conftest import SmtpSink, text_body
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, motion_question

pytestmark = pytest.mark.django_db
KIND = "accounts/attention_digest"


def signed_in_member(unit):
    person = MembershipFactory(unit=unit).person
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    person.refresh_from_db()
    return person


def open_ballot(unit, title: str) -> Ballot:
    ballot = BallotFactory(unit=unit, title=title)
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    return ballot


def digests(person) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(recipient=person, kind=KIND).order_by("pk"))


def test_a_digest_lists_the_items_once_and_again_only_when_something_is_new() -> None:
    unit = UnitFactory()
    person = signed_in_member(unit)
    first = open_ballot(unit, "Affiliation ballot")
    now = timezone.now()

    assert attention_digests_send(now=now) == 1
    [mail] = digests(person)
    assert "Affiliation ballot" in mail.body_text and f"/ballots/{first.pk}/" in mail.body_text
    assert mail.subject == "1 thing needs your attention"

    # The next day, the same item still waits: no second e-mail.
    assert attention_digests_send(now=now + dt.timedelta(days=1)) == 0
    # Something new: a digest with the new item first and the old one under "Still waiting".
    second = open_ballot(unit, "Delegate election")
    assert attention_digests_send(now=now + dt.timedelta(days=1, hours=1)) == 1
    latest = digests(person)[-1]
    assert latest.subject == "2 things need your attention"
    body = latest.body_text
    assert body.index("Delegate election") < body.index("Still waiting") < body.index("Affiliation ballot")
    assert f"/ballots/{second.pk}/" in body


def test_at_most_one_digest_a_day_and_the_sweep_run_twice_queues_one() -> None:
    unit = UnitFactory()
    person = signed_in_member(unit)
    open_ballot(unit, "First")
    now = timezone.now()
    assert attention_digests_send(now=now) == 1
    assert attention_digests_send(now=now) == 0
    open_ballot(unit, "Second")
    assert attention_digest_one(person=person, now=now + dt.timedelta(hours=3)) is False  # a day has not passed
    assert attention_digest_one(person=person, now=now + dt.timedelta(hours=21)) is True
    assert len(digests(person)) == 2


def test_no_digest_when_the_list_is_empty_turned_off_or_the_account_never_used() -> None:
    unit = UnitFactory()
    nothing_to_do = signed_in_member(UnitFactory())
    turned_off = signed_in_member(unit)
    User.objects.filter(pk=turned_off.pk).update(attention_digest=False)
    never_signed_in = MembershipFactory(unit=unit).person
    keen = signed_in_member(unit)
    open_ballot(unit, "Affiliation ballot")
    assert attention_digests_send() == 1
    assert digests(keen) and not digests(turned_off) and not digests(never_signed_in)
    assert not digests(nothing_to_do)


def test_the_preferences_page_turns_the_digest_off_apart_from_optional_news() -> None:
    person = signed_in_member(UnitFactory())
    client = Client()
    client.force_login(person)
    page = client.get("/me/").content.decode()
    assert "We e-mail you when something new appears here" in page
    assert client.post("/me/preferences/", {"optional_email": "on"}).status_code == 302
    person.refresh_from_db()
    assert person.attention_digest is False and person.optional_email is True
    assert "You asked for no e-mail about this list" in client.get("/me/").content.decode()
    client.post("/me/preferences/", {"attention_digest": "on"})
    person.refresh_from_db()
    assert person.attention_digest is True and person.optional_email is False


def test_each_unsubscribe_link_stops_only_its_own_kind_of_mail() -> None:
    person = signed_in_member(UnitFactory())
    anonymous = Client(enforce_csrf_checks=True)
    digest_token = tokens.unsubscribe_token_make(user=person, scope="digest")
    assert b"daily e-mail of what needs your attention" in anonymous.get(f"/me/unsubscribe/{digest_token}/").content
    anonymous.post(f"/me/unsubscribe/{digest_token}/")
    person.refresh_from_db()
    assert person.attention_digest is False and person.optional_email is True
    User.objects.filter(pk=person.pk).update(attention_digest=True)
    anonymous.post(f"/me/unsubscribe/{tokens.unsubscribe_token_make(user=person)}/")
    person.refresh_from_db()
    assert person.attention_digest is True and person.optional_email is False


def test_the_api_sets_either_preference_alone() -> None:
    from rest_framework.test import APIClient

    person = signed_in_member(UnitFactory())
    api = APIClient()
    api.force_authenticate(person)
    answer = api.patch("/api/accounts/me/", {"attention_digest": False}, format="json").json()
    assert answer["attention_digest"] is False and answer["optional_email"] is True
    assert api.patch("/api/accounts/me/", {"attention_digest": "maybe"}, format="json").status_code == 400


def test_the_beat_schedule_runs_the_task_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-attention-digests"]
    assert entry["task"] == send_attention_digests.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


@pytest.mark.django_db(transaction=True)
def test_the_digest_reaches_a_real_mail_server_with_a_one_click_link_that_stops_it(
    smtp_sink: SmtpSink, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    unit = UnitFactory()
    person = signed_in_member(unit)
    open_ballot(unit, "Affiliation ballot")
    assert send_attention_digests() == 1
    while outbox_send_pending():
        pass
    [mail] = smtp_sink.wait_for(lambda m: m["Subject"] == "1 thing needs your attention" and m["To"] == person.email)
    assert "Affiliation ballot" in text_body(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = re.fullmatch(r"<(.+)>", re.sub(r"\s+", "", str(mail["List-Unsubscribe"])))  # unfolded
    assert found is not None
    url = found.group(1)
    assert url in text_body(mail) and "at most once a day" in text_body(mail)
    # The notice of poll's link stops optional news, not the digest: two different links.
    [notice] = smtp_sink.wait_for(lambda m: m["Subject"].startswith("Notice of poll") and m["To"] == person.email)
    assert notice["List-Unsubscribe"] != mail["List-Unsubscribe"]
    # The mail client's one-click POST (RFC 8058), with no session and no CSRF token.
    path = url.removeprefix(settings.SITE_URL)
    assert Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    person.refresh_from_db()
    assert person.attention_digest is False and person.optional_email is True

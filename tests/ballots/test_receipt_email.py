"""E-mailing a receipt: to the member's own address, once, with no copy kept
(no outbox row, no log line), and clear refusals."""

from __future__ import annotations

import logging
import socket

import pytest
from django.core import mail
from django.test import Client

from ballots.models import Ballot
from ballots.services import lifecycle
from ballots.services.receipts import receipt_normalise
from core.models import OutboxEmail
from tests.factories import BallotFactory, MembershipFactory, motion_question, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted() -> dict:
    ballot = BallotFactory(title="Affiliation ballot")
    voter, other = (MembershipFactory(unit=ballot.unit).person for _ in range(2))
    question = motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    client = Client()
    client.force_login(voter)
    page = client.post(f"/ballots/{ballot.pk}/", {f"choice-{question.pk}": option(question, "For").pk})
    assert page.status_code == 200, page.content[:500]
    receipt = page.context["receipt"]
    return {"ballot": ballot, "voter": voter, "other": other, "client": client, "receipt": receipt, "page": page}


def _email(client: Client, ballot: Ballot, receipt: str):  # type: ignore[no-untyped-def]
    return client.post(f"/ballots/{ballot.pk}/receipt/email/", {"receipt": receipt})


def test_page_after_voting_is_not_cached_and_offers_the_email(voted: dict) -> None:
    page = voted["page"]
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    assert b'id="email-receipt"' in page.content


def test_receipt_goes_to_the_members_own_address_and_is_kept_nowhere(voted: dict, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    mail.outbox.clear()
    response = _email(voted["client"], voted["ballot"], voted["receipt"].lower().replace("-", " "))
    assert response.status_code == 200 and b"receipt-sent" in response.content
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [voted["voter"].email] and voted["receipt"] in sent.body
    assert "Affiliation ballot" in sent.subject
    stored = OutboxEmail.objects.filter(body_text__contains=voted["receipt"]).exists() or (
        OutboxEmail.objects.filter(body_html__contains=voted["receipt"]).exists()
    )
    assert not stored
    assert all(voted["receipt"] not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("code", ["", "hello", "ABCD-EFGH-IJKL-MNOP", "ABCD-EFGH-JKLM-NPQ", "<script>"])
def test_anything_not_shaped_like_a_receipt_is_refused(voted: dict, code: str) -> None:
    mail.outbox.clear()
    response = _email(voted["client"], voted["ballot"], code)
    assert response.status_code == 400
    assert "not a receipt code" in response.content.decode()
    assert mail.outbox == []


def test_only_a_member_who_voted_may_email_a_receipt(voted: dict) -> None:
    client = Client()
    client.force_login(voted["other"])
    mail.outbox.clear()
    response = _email(client, voted["ballot"], voted["receipt"])
    assert response.status_code == 403 and mail.outbox == []
    anonymous = _email(Client(), voted["ballot"], voted["receipt"])
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_mail_server_down_is_a_clear_503_and_the_code_stays_on_screen(voted: dict, settings) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    response = _email(voted["client"], voted["ballot"], voted["receipt"])
    assert response.status_code == 503
    body = response.content.decode()
    assert "write your receipt code down" in body and voted["receipt"] in body


def test_normalise() -> None:
    assert receipt_normalise(" abcd-efgh jkmn pqrs ") == "ABCD-EFGH-JKMN-PQRS"
    assert receipt_normalise("ABCD-EFGH-JKMN-PQR1") == ""  # 1 is not in the alphabet
    assert receipt_normalise("ABCDEFGHJKMNPQRS2") == ""


def test_api_emails_a_receipt_and_refuses_with_reasons(voted: dict) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(voted["voter"])
    url = f"/api/ballots/{voted['ballot'].pk}/receipt/email/"
    mail.outbox.clear()
    ok = api.post(url, {"receipt": voted["receipt"]}, format="json")
    assert ok.status_code == 200 and ok.json() == {"sent_to": voted["voter"].email}
    assert len(mail.outbox) == 1 and voted["receipt"] in mail.outbox[0].body
    bad = api.post(url, {"receipt": "nope"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_receipt"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    nowhere = api.post("/api/ballots/999999/receipt/email/", {"receipt": voted["receipt"]}, format="json")
    assert nowhere.status_code == 404
    api.force_authenticate(voted["other"])
    refused = api.post(url, {"receipt": voted["receipt"]}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_voted"
    assert len(mail.outbox) == 1

"""The verifiable mode's pages, through Django's test client on PostgreSQL: what each person is shown
and refused. The whole journey in a browser is tests/e2e/test_verifiable_journey.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import Ballot, Question, VerifiableElection
from ballots.selectors_verifiable import possible_papers, threshold_ceremony
from ballots.services import lifecycle
from ballots.services.verifiable_setup import verifiable_enable, verifiable_ready_problems
from ballots.services.verifiable_trustees import verifiable_trustee_reminders
from ballots.verifiable import pki
from ballots.verifiable import threshold as th
from ballots.verifiable.group import group_named
from core.models import OutboxEmail
from tests.ballots.verifiable.test_board_writer import trustee_key
from tests.factories import BallotFactory, MembershipFactory, UserFactory, election_question, motion_question

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft() -> Ballot:
    ballot = BallotFactory(state=Ballot.State.DRAFT)
    election_question(ballot, ["Ann", "Bob", "Cat", "Dan"], method=Question.Method.IRV)
    motion_question(ballot)
    return ballot


def test_possible_papers_are_the_italian_attack_figure() -> None:
    # 4 ranked: 4 + 12 + 24 + 24; 3 marked: 7.
    assert possible_papers(method=Question.Method.IRV, candidates=4) == 64
    assert possible_papers(method=Question.Method.APPROVAL, candidates=3) == 7


def test_returning_officer_makes_a_ballot_verifiable_on_its_page(draft: Ballot) -> None:
    trustees = [MembershipFactory(unit=draft.unit).person for _ in range(2)]
    ro = _client(draft.returning_officer)
    page = ro.get(f"/ballots/{draft.pk}/manage/verifiable/")
    assert page.status_code == 200
    assert "Possible papers" in page.content.decode() and ">64<" in page.content.decode()
    refused = ro.post(f"/ballots/{draft.pk}/manage/verifiable/", {"credential_authority": "server"})
    assert refused.status_code == 400 and not VerifiableElection.objects.filter(ballot=draft).exists()
    uploaded = ro.post(
        f"/ballots/{draft.pk}/manage/verifiable/",
        {
            "trustees": [t.pk for t in trustees],
            "credential_authority": "uploaded",
            "credential_authority_name": "",
            "record_access": "members",
        },
    )
    assert uploaded.status_code == 400 and "Name the person who generated the credentials" in uploaded.content.decode()
    made = ro.post(
        f"/ballots/{draft.pk}/manage/verifiable/",
        {"trustees": [t.pk for t in trustees], "credential_authority": "server", "record_access": "members"},
    )
    assert made.status_code == 302
    election = VerifiableElection.objects.get(ballot=draft)
    assert election.record_access == "members"
    draft.refresh_from_db()
    assert not draft.publish_papers  # the papers are the record's rankings: withheld alike
    invitations = OutboxEmail.objects.filter(key__startswith=f"verifiable-trustee:{draft.pk}:key:")
    assert sorted(invitations.values_list("recipient_id", flat=True)) == sorted(t.pk for t in trustees)
    assert f"/ballots/{draft.pk}/trustee/" in invitations.first().body_text  # type: ignore[union-attr]
    dashboard = ro.get(f"/ballots/{draft.pk}/manage/verifiable/").content.decode()
    assert "Waiting for keys from" in dashboard
    outsider = _client(UserFactory())
    assert outsider.get(f"/ballots/{draft.pk}/manage/verifiable/").status_code == 403


def test_a_trustee_is_refused_with_the_named_reason_then_accepted(draft: Ballot) -> None:
    trustees = [MembershipFactory(unit=draft.unit).person for _ in range(2)]
    verifiable_enable(ballot_id=draft.pk, actor=draft.returning_officer, trustees=trustees)
    page = _client(trustees[0])
    assert "Make my key in this browser" in page.get(f"/ballots/{draft.pk}/trustee/").content.decode()
    bad = page.post(f"/ballots/{draft.pk}/trustee/", {"action": "key", "text": '{"pok":1}'})
    assert bad.status_code == 400 and "Refused (invalid_trustee_key)" in bad.content.decode()
    _, pubkey = trustee_key()
    good = page.post(f"/ballots/{draft.pk}/trustee/", {"action": "key", "text": pubkey}, follow=True)
    assert "Your public key is accepted." in good.content.decode()
    assert "Your key is in." in good.content.decode()
    assert _client(draft.returning_officer).get(f"/ballots/{draft.pk}/trustee/").status_code == 403
    # The daily sweep reminds only the trustee who still owes a key, once a day.
    OutboxEmail.objects.all().delete()
    assert verifiable_trustee_reminders() == 1
    verifiable_trustee_reminders()
    assert list(OutboxEmail.objects.values_list("recipient_id", flat=True)) == [trustees[1].pk]


def test_voter_page_needs_javascript_and_the_box_finds_trackers(draft: Ballot) -> None:
    trustees = [MembershipFactory(unit=draft.unit).person for _ in range(1)]
    voter = MembershipFactory(unit=draft.unit).person
    election = verifiable_enable(
        ballot_id=draft.pk, actor=draft.returning_officer, trustees=trustees, record_access="public"
    )
    _, pubkey = trustee_key()
    row = election.trustee_rows.get()
    row.public_key = pubkey
    row.save()
    Ballot.objects.filter(pk=draft.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    lifecycle.ballot_schedule(ballot_id=draft.pk)
    lifecycle.ballot_open(ballot_id=draft.pk)
    page = _client(voter).get(f"/ballots/{draft.pk}/").content.decode()
    assert "A verifiable ballot needs JavaScript" in page and "verifiable/voter-page.js" in page
    assert 'name="step"' not in page  # no ordinary paper to post
    election.ballot_rows.create(credential="1", text="{}", tracker="abc")
    box = Client().get(f"/ballots/{draft.pk}/box/?tracker=abc").content.decode()
    assert "is in the box" in box
    missing = Client().get(f"/ballots/{draft.pk}/box/?tracker=xyz").content.decode()
    assert "No ballot in the box has the tracker" in missing
    checks = Client().get(f"/ballots/{draft.pk}/checks/").content.decode()
    assert "belenios-tool election verify --dir ." in checks and "board.bel" in checks


def test_the_record_is_withheld_from_the_decryption_on(draft: Ballot) -> None:
    trustee = MembershipFactory(unit=draft.unit).person
    election = verifiable_enable(
        ballot_id=draft.pk, actor=draft.returning_officer, trustees=[trustee], record_access="members"
    )
    _, pubkey = trustee_key()
    election.trustee_rows.update(public_key=pubkey)
    Ballot.objects.filter(pk=draft.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    lifecycle.ballot_schedule(ballot_id=draft.pk)
    lifecycle.ballot_open(ballot_id=draft.pk)
    url = f"/api/ballots/{draft.pk}/verifiable/board.bel"
    assert Client().get(url).status_code == 200  # voting: the record holds only ciphertexts
    VerifiableElection.objects.filter(pk=election.pk).update(shuffles_ended=True)
    refused = Client().get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "record_withheld"
    assert _client(UserFactory()).get(url).status_code == 403
    assert _client(MembershipFactory(unit=draft.unit).person).get(url).status_code == 200
    assert _client(trustee).get(url).status_code == 200
    assert "kept to members of the unit" in Client().get(f"/ballots/{draft.pk}/checks/").content.decode()


def test_a_threshold_ballot_runs_its_key_ceremony_through_the_pages(draft: Ballot) -> None:
    """2 of 3: the setup's threshold, each ceremony step on the trustee page only when due (refusals named),
    the dashboard's progress, e-mails as each step opens, and the restart from the polynomials."""
    trustees = [MembershipFactory(unit=draft.unit).person for _ in range(3)]
    ro = _client(draft.returning_officer)
    form = {"trustees": [t.pk for t in trustees], "credential_authority": "server", "record_access": "members"}
    too_many = ro.post(f"/ballots/{draft.pk}/manage/verifiable/", {**form, "threshold": 4})
    assert too_many.status_code == 400 and "between 1 and 3, not 4" in too_many.content.decode()
    setup_page = ro.get(f"/ballots/{draft.pk}/manage/verifiable/").content.decode()
    assert "t \u2212 1 of them cannot decrypt anything" in setup_page
    assert ro.post(f"/ballots/{draft.pk}/manage/verifiable/", {**form, "threshold": 2}).status_code == 302
    election = VerifiableElection.objects.get(ballot=draft)
    assert election.threshold == 2
    invited = OutboxEmail.objects.filter(key__startswith=f"verifiable-trustee:{draft.pk}:certificate:")
    assert invited.count() == 3 and "any 2 of its 3 trustees" in invited.first().body_text  # type: ignore[union-attr]
    assert "waiting for certificates from" in ro.get(f"/ballots/{draft.pk}/manage/verifiable/").content.decode()

    group = group_named(election.group)
    seeds = [pki.new_seed() for _ in trustees]
    pages = [_client(t) for t in trustees]
    url = f"/ballots/{draft.pk}/trustee/"
    first = pages[0].get(url).content.decode()
    assert "Make my key file in this browser" in first and "generate-trustee-key-threshold" in first
    assert "Make my polynomial" not in first  # step 2 is not due yet
    bad = pages[0].post(url, {"action": "certificate", "text": '{"message":"x"}'})
    assert bad.status_code == 400 and "Refused (threshold_" in bad.content.decode()
    early = pages[0].post(url, {"action": "polynomial", "text": "{}"})
    assert early.status_code == 409 and "Polynomials are sent once every trustee" in early.content.decode()
    for page, seed in zip(pages, seeds, strict=True):
        done = page.post(url, {"action": "certificate", "text": th.certificate(group, seed)}, follow=True)
        assert "Your certificate is accepted." in done.content.decode()
    assert OutboxEmail.objects.filter(key__startswith=f"verifiable-trustee:{draft.pk}:polynomial:").count() == 3
    step2 = pages[1].get(url).content.decode()
    assert "Step 2 of 3" in step2 and "--step 3 --threshold 2" in step2 and 'id="ceremony-data"' in step2

    def polynomials() -> None:
        certs = th.read_certificates(group, [r.certificate for r in election.trustee_rows.order_by("position")])
        for page, seed in zip(pages, seeds, strict=True):
            text = th.polynomial(group, seed, certs, 2)
            assert (
                "Your polynomial is accepted."
                in page.post(url, {"action": "polynomial", "text": text}, follow=True).content.decode()
            )

    polynomials()
    dashboard = ro.get(f"/ballots/{draft.pk}/manage/verifiable/").content.decode()
    assert "step 3 of 3" in dashboard and "Restart from the polynomials" in dashboard
    assert ro.post(f"/ballots/{draft.pk}/manage/verifiable/restart/").status_code == 302
    assert not election.trustee_rows.exclude(polynomial="").exists()
    assert election.trustee_rows.exclude(certificate="").count() == 3  # the certificates stay
    assert (
        OutboxEmail.objects.filter(
            key__startswith=f"verifiable-trustee:{draft.pk}:polynomial:", key__contains="restart"
        ).count()
        == 3
    )
    assert _client(trustees[0]).post(f"/ballots/{draft.pk}/manage/verifiable/restart/").status_code == 403

    polynomials()
    view = threshold_ceremony(election=election, person=trustees[2])
    certs = th.read_certificates(group, list(view.certificates))
    for j, (page, seed) in enumerate(zip(pages, seeds, strict=True), 1):
        vinput = threshold_ceremony(election=election, person=trustees[j - 1]).vinput
        assert vinput is not None
        text = th.voutput(group, seed, certs, vinput)
        done = page.post(url, {"action": "voutput", "text": text}, follow=True).content.decode()
        assert "your key share is accepted" in done
    assert "The ceremony is finished" in pages[0].get(url).content.decode()
    assert "The key ceremony is finished" in ro.get(f"/ballots/{draft.pk}/manage/verifiable/").content.decode()
    assert not verifiable_ready_problems(ballot=draft)

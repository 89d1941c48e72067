"""A motion's page says where it stands in words that add up, and proposing
one or an amendment is confirmed."""

from __future__ import annotations

from django.test import Client

from meetings.models import Motion
from meetings.services import motions as motion_services
from tests.meetings.conftest import Branch


def test_proposing_is_confirmed_and_the_state_adds_up(branch: Branch) -> None:
    proposer, *others = branch.members
    client = Client()
    client.force_login(proposer)
    response = client.post(
        f"/meetings/motions/new/{branch.unit.slug}/",
        {"title": "Back the strike", "text": "This branch backs the strike.", "submit": "1"},
        follow=True,
    )
    motion = Motion.objects.get(title="Back the strike")
    html = response.content.decode()
    assert "Your motion is submitted" in html and f"needs {motion.seconders_required} seconder" in html
    assert "Submitted, seeking seconders" in html
    for seconder in others[: motion.seconders_required]:
        motion_services.motion_second(motion_id=motion.pk, seconder=seconder)
    page = client.get(f"/meetings/motions/{motion.pk}/").content.decode()
    assert "Seconded, awaiting the secretary" in page and "seeking seconders" not in page
    assert ": enough." in page

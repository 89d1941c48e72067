"""The optional-mail preference is honoured by every sender of optional mail
(ballot reminders, news of a followed motion) and by none of the notices the
rules require (notice of poll, results)."""

from __future__ import annotations

import pytest

from accounts.models import User
from ballots.services import lifecycle, reminders
from core.models import OutboxEmail
from meetings.models import Motion, MotionFollow
from meetings.services.notifications import followers_notify
from tests.factories import BallotFactory, MembershipFactory, UnitFactory, motion_question

pytestmark = pytest.mark.django_db


def _opt_out(user: User) -> None:
    User.objects.filter(pk=user.pk).update(optional_email=False)


def test_reminders_skip_those_who_turned_optional_mail_off_but_the_notice_of_poll_does_not() -> None:
    ballot = BallotFactory()
    keen, quiet = (MembershipFactory(unit=ballot.unit).person for _ in range(2))
    _opt_out(quiet)
    motion_question(ballot)
    lifecycle.ballot_open(ballot_id=ballot.pk)
    notices = set(
        OutboxEmail.objects.filter(key__startswith=f"ballot-notice:{ballot.pk}:").values_list("recipient", flat=True)
    )
    assert notices == {keen.pk, quiet.pk}
    assert reminders.reminders_enqueue(ballot=ballot) == 1
    reminded = set(
        OutboxEmail.objects.filter(key__startswith=f"ballot-reminder:{ballot.pk}:").values_list("recipient", flat=True)
    )
    assert reminded == {keen.pk}


def test_followed_motion_news_skips_those_who_turned_optional_mail_off() -> None:
    unit = UnitFactory()
    keen, quiet = (MembershipFactory(unit=unit).person for _ in range(2))
    _opt_out(quiet)
    motion = Motion.objects.create(unit=unit, proposer=keen, title="Affiliate", text="Do it.")
    for person in (keen, quiet):
        MotionFollow.objects.create(motion=motion, person=person)
    assert followers_notify(motion=motion, event="test", summary="It moved.") == 1
    told = set(
        OutboxEmail.objects.filter(key__startswith=f"motion:{motion.pk}:test").values_list("recipient", flat=True)
    )
    assert told == {keen.pk}

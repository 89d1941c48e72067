"""Fixtures for the security gates: the demo data, loaded into the test's
transaction, and the people whose pages and API calls the gates exercise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import api_token_issue
from ballots.models import Ballot
from governance.models import Unit
from meetings.models import Meeting, Motion


@dataclass
class Demo:
    """The demo's people and a few objects every gate needs."""

    member: User  # member@example.org, Stockport
    secretary: User  # Stockport's secretary, returning officer of its ballots
    chair: User  # Stockport's chair
    admin: User  # superuser
    outsider: User  # a Manchester member: no role in Stockport
    manchester_ro: User  # returning officer of Manchester's ballot, no office in Stockport
    stockport: Unit
    manchester: Unit
    open_ballot: Ballot
    declared_ballot: Ballot
    motion: Motion
    meeting: Meeting
    tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user: User) -> str:
        """The user's API token, issued once (only its digest is stored, and
        issuing again would revoke the one handed out before)."""
        if user.pk not in self.tokens:
            self.tokens[user.pk] = api_token_issue(user=user)
        return self.tokens[user.pk]


def load_demo(members: int = 20) -> Demo:
    call_command("seed_demo", members=members, stdout=None)
    stockport = Unit.objects.get(slug="momentum-stockport")
    manchester = Unit.objects.get(slug="momentum-manchester")
    return Demo(
        member=User.objects.get(email="member@example.org"),
        secretary=User.objects.get(email="secretary@example.org"),
        chair=User.objects.get(email="chair@example.org"),
        admin=User.objects.get(email="admin@example.org"),
        outsider=User.objects.get(email="manchester1@example.org"),
        manchester_ro=Ballot.objects.get(unit=manchester).returning_officer,
        stockport=stockport,
        manchester=manchester,
        open_ballot=Ballot.objects.get(unit=stockport, state=Ballot.State.OPEN),
        declared_ballot=Ballot.objects.filter(unit=stockport, state=Ballot.State.DECLARED).first(),  # type: ignore[arg-type]
        motion=Motion.objects.filter(unit=stockport, state=Motion.State.IN_ORDER).order_by("pk").first(),  # type: ignore[arg-type]
        meeting=Meeting.objects.filter(unit=stockport).order_by("-starts_at").first(),  # type: ignore[arg-type]
    )


@pytest.fixture
def demo(db: Any) -> Demo:
    return load_demo()

"""Load the demo: the network of the seed, its Stockport branch, the interim
reference group, officers, about 200 members, motions, and two ballots (one
open, one declared with its published count).

Idempotent: does nothing if the demo is already loaded. ``--dry-run`` says
what it would create.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User

# The demo loader builds every app's data: it lives in portal, above them all.
from ballots.models import Ballot, Option, Question
from ballots.services import casting, lifecycle, publishing, tallying
from governance.models import Body, GoverningDocument, Holding, Membership, Office, Unit
from governance.services.documents import document_create, document_version_adopt
from meetings.demo import load_demo as load_meetings_demo
from meetings.models import Motion, Seconding

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo logins
REFERENCE_GROUP = [
    ("Richard Burgon", "MP for Leeds East", True),
    ("Katy Clark", "former MP for North Ayrshire and Arran", True),
    ("Clive Lewis", "MP for Norwich South", False),
    ("Becky Long-Bailey", "MP for Salford & Eccles", True),
    ("Kate Osamor", "MP for Edmonton", False),
]
FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Harry",
    "Imran",
    "Jess",
    "Kwame",
    "Leah",
    "Mo",
    "Nia",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Vik",
    "Wes",
    "Yasmin",
    "Zoe",
]
LAST = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fitzgerald",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lowe",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quayle",
    "Roberts",
    "Singh",
    "Taylor",
]


def _slug_email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "").replace("&", "and") + "@example.org"


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created, create nothing.")
        parser.add_argument("--members", type=int, default=200)

    def handle(self, *args: Any, dry_run: bool = False, members: int = 200, **options: Any) -> None:
        if Unit.objects.filter(slug="momentum-stockport").exists():
            self.stdout.write("Demo data already loaded.")
            return
        if dry_run:
            self.stdout.write(
                f"Would create the network, Momentum Stockport, the reference group and {members} members."
            )
            return
        self._load(members)
        self._verify_demo_addresses()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _verify_demo_addresses(self) -> None:
        """Mark every demo person's e-mail as verified (allauth requires it to
        sign in), so the printed demo logins work at once."""
        from allauth.account.models import EmailAddress

        known = set(EmailAddress.objects.values_list("user_id", flat=True))
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in User.objects.exclude(pk__in=known).only("pk", "email")
            ],
            batch_size=1000,
        )

    def _user(self, name: str, email: str | None = None, **extra: Any) -> User:
        # One argon2 hash shared by every demo login: hashing 200 times would
        # take half a minute, on purpose (that is what argon2 is for).
        if not hasattr(self, "_password_hash"):
            self._password_hash = make_password(DEMO_PASSWORD)
        user = User(email=email or _slug_email(name), full_name=name, password=self._password_hash, **extra)
        user.save()
        return user

    @transaction.atomic
    def _load(self, n_members: int) -> None:
        rng = random.Random(2016)  # noqa: S311 - demo data, not security
        today = timezone.localdate()
        national = Unit.objects.create(
            name="Momentum",
            slug="momentum",
            kind=Unit.Kind.NATIONAL,
            description="A people's network arising out of and following the Jeremy Corbyn for Labour Leader "
            "campaign, developing democratic governance structures at every level.",
        )
        region = Unit.objects.create(
            name="Momentum North West", slug="north-west", kind=Unit.Kind.REGION, parent=national
        )
        stockport = Unit.objects.create(
            name="Momentum Stockport",
            slug="momentum-stockport",
            kind=Unit.Kind.BRANCH,
            parent=region,
            meeting_place="Stockport Labour Club, Stockport",
            allows_supporter_signup=True,
            description="A Stockport-based grassroots network arising out of and following the Jeremy Corbyn "
            "for Labour Leader campaign.",
        )
        User.objects.create_superuser(
            email="admin@example.org", password=DEMO_PASSWORD, full_name="National Administrator"
        )
        reference = Body.objects.create(
            unit=national,
            name="Interim reference group",
            kind=Body.Kind.REFERENCE_GROUP,
            mandate=Body.Mandate.APPOINTED,
            ends_when_elected_body_constituted=True,
            mandate_authority="Named on the network's founding statement, until governance arrangements are established.",
        )
        board = Body.objects.create(
            unit=national,
            name="Board of directors (company limited by guarantee)",
            kind=Body.Kind.BOARD,
            mandate=Body.Mandate.APPOINTED,
            mandate_authority="Appointed as directors of the company that "
            "manages the database of about 100,000 supporters.",
        )
        Body.objects.create(
            unit=national,
            name="National coordinating committee",
            kind=Body.Kind.COORDINATING,
            mandate=Body.Mandate.ELECTED,
            mandate_authority="Not yet constituted: awaiting election.",
            seats=26,
        )
        founding = today - dt.timedelta(days=400)
        for name, seat, director in REFERENCE_GROUP:
            person = self._user(name)
            Membership.objects.create(
                person=person, unit=national, kind=Membership.Kind.MEMBER, party_member=True, joined_on=founding
            )
            Holding.objects.create(
                person=person, body=reference, starts_on=founding, authority=f"Founding statement ({seat})"
            )
            if director:
                Holding.objects.create(
                    person=person,
                    body=board,
                    starts_on=founding,
                    authority="Appointed director of the company limited by guarantee",
                )
        committee = Body.objects.create(
            unit=stockport,
            name="Stockport branch committee",
            kind=Body.Kind.COMMITTEE,
            mandate=Body.Mandate.APPOINTED,
            ends_when_elected_body_constituted=True,
            mandate_authority="Interim organisers appointed at the branch's founding meeting.",
        )
        offices = {
            t: Office.objects.create(unit=stockport, body=committee, title=t, term_months=12)
            for t in ["Chair", "Secretary", "Treasurer", "Membership officer", "Women's officer"]
        }
        people: list[User] = []
        names = [f"{first} {last}" for first in FIRST for last in LAST]
        rng.shuffle(names)
        for i in range(n_members):
            # Distinct names while they last (500), numbered beyond that.
            name = names[i] if i < len(names) else f"{names[i % len(names)]} {i // len(names) + 1}"
            person = self._user(name)
            party = rng.random() < 0.55
            Membership.objects.create(
                person=person,
                unit=stockport,
                kind=Membership.Kind.MEMBER if party or rng.random() < 0.5 else Membership.Kind.SUPPORTER,
                party_member=party,
                joined_on=founding + dt.timedelta(days=rng.randrange(0, 380)),
                status=Membership.Status.ACTIVE if rng.random() < 0.93 else Membership.Status.LAPSED,
                consent_to_contact=rng.random() < 0.9,
            )
            Membership.objects.create(
                person=person, unit=national, kind=Membership.Kind.SUPPORTER, party_member=party, joined_on=founding
            )
            people.append(person)
        # The demo's own logins come first, with memorable addresses.
        member = self._user("Maya Member", "member@example.org")
        secretary = self._user("Sol Secretary", "secretary@example.org")
        chair = self._user("Cath Chair", "chair@example.org")
        for p in (member, secretary, chair):
            Membership.objects.create(
                person=p, unit=stockport, kind=Membership.Kind.MEMBER, party_member=True, joined_on=founding
            )
        Holding.objects.create(
            person=chair, office=offices["Chair"], starts_on=founding, authority="Appointed at the founding meeting"
        )
        Holding.objects.create(
            person=secretary,
            office=offices["Secretary"],
            starts_on=founding,
            authority="Appointed at the founding meeting",
        )
        self._motions(stockport, [member, *people[:40]])
        self._declared_ballot(stockport, secretary, [member, *people], offices["Treasurer"], rng)
        self._open_ballot(stockport, secretary)
        load_meetings_demo(unit=stockport, members=[member, *people[:60]], secretary=secretary, chair=chair)
        self._documents(national, stockport, founding)
        self._elected_branch(region, founding, rng)

    def _documents(self, national: Unit, stockport: Unit, founding: dt.date) -> None:
        """The network's interim constitution, and Stockport's constitution amended by a carried motion."""
        constitution = document_create(unit=national, kind=GoverningDocument.Kind.CONSTITUTION, title="Constitution")
        document_version_adopt(
            document=constitution,
            text="1. Name. The network is called Momentum.\n\n2. Aims. To organise in every town, city and village "
            "to create a mass movement for real progressive change.\n\n3. Interim arrangements. Until governance "
            "arrangements are established, a reference group provides for the organisation.",
            adopted_on=founding,
            authority="Founding statement of the network",
        )
        branch = document_create(unit=stockport, kind=GoverningDocument.Kind.CONSTITUTION, title="Branch constitution")
        document_version_adopt(
            document=branch,
            text="1. The branch is Momentum Stockport, meeting at Stockport Labour Club.\n\n"
            "2. The branch committee is appointed by the founding meeting until it is elected.",
            adopted_on=founding,
            authority="Founding meeting of the branch",
        )
        motion = Motion.objects.filter(unit=stockport, amends_constitution=True).first()
        document_version_adopt(
            document=branch,
            text="1. The branch is Momentum Stockport, meeting at Stockport Labour Club.\n\n"
            "2. The branch committee of three is elected each year by secret ballot of all members (STV).\n\n"
            "3. Supporters who are not Labour Party members may vote on branch matters.",
            adopted_on=founding + dt.timedelta(days=200),
            authority="General meeting of the branch",
            amends_number=1,
            motion=motion,
        )

    def _elected_branch(self, region: Unit, founding: dt.date, rng: random.Random) -> None:
        """A branch whose committee has been elected: the interim organisers' mandate
        has ended and the branch is established (through the real handover)."""
        unit = Unit.objects.create(
            name="Momentum Manchester",
            slug="momentum-manchester",
            kind=Unit.Kind.BRANCH,
            parent=region,
            meeting_place="Friends Meeting House, Manchester",
            description="Manchester's local group, with an elected branch committee.",
        )
        organisers = Body.objects.create(
            unit=unit,
            name="Interim organisers",
            kind=Body.Kind.REFERENCE_GROUP,
            mandate=Body.Mandate.APPOINTED,
            ends_when_elected_body_constituted=True,
            mandate_authority="Appointed by the regional network to convene the branch until it elects a committee.",
        )
        committee = Body.objects.create(
            unit=unit,
            name="Manchester branch committee",
            kind=Body.Kind.COMMITTEE,
            mandate=Body.Mandate.ELECTED,
            mandate_authority="Awaiting its first election.",
            seats=3,
        )
        for title in ["Chair", "Secretary"]:
            Office.objects.create(unit=unit, body=committee, title=title, filled_by=Office.FilledBy.ELECTION)
        people = []
        for i in range(24):
            person = self._user(
                f"{rng.choice(FIRST)} {rng.choice(LAST)} (Manchester {i + 1})", f"manchester{i + 1}@example.org"
            )
            Membership.objects.create(
                person=person,
                unit=unit,
                kind=Membership.Kind.MEMBER,
                party_member=rng.random() < 0.6,
                joined_on=founding + dt.timedelta(days=rng.randrange(0, 200)),
            )
            people.append(person)
        for person in people[:2]:
            Holding.objects.create(
                person=person, body=organisers, starts_on=founding, authority="Appointed by the regional network"
            )
        now = timezone.now()
        ballot = Ballot.objects.create(
            unit=unit,
            title="Manchester branch committee election",
            returning_officer=people[-1],
            state=Ballot.State.SCHEDULED,
            opens_at=now - dt.timedelta(days=30),
            closes_at=now + dt.timedelta(hours=1),  # moved into the past once the votes are in
            description="The branch's first election of its committee (STV, 3 seats).",
        )
        names = [p.full_name for p in people[2:7]]
        question = self._election_question(
            ballot, None, "Branch committee (3 seats)", names, Question.Method.SCOTTISH_STV, seats=3
        )
        question.body = committee
        question.save(update_fields=["body"])
        lifecycle.ballot_open(ballot_id=ballot.pk, now=ballot.opens_at)  # the roll freezes at the open
        options = [o for o in question.options.all() if not o.is_ron]
        for voter in people[:20]:
            ranking = rng.sample(options, k=rng.randint(1, 4))
            casting.vote_cast(ballot_id=ballot.pk, voter=voter, answers={question.pk: [o.pk for o in ranking]})
        # The vote function refuses votes after closes_at, so history is cast first and dated after.
        Ballot.objects.filter(pk=ballot.pk).update(closes_at=now - dt.timedelta(days=23))
        lifecycle.ballot_close(ballot_id=ballot.pk)
        tallying.ballot_tally(ballot_id=ballot.pk)
        lifecycle.ballot_declare(ballot_id=ballot.pk, actor=people[-1])
        # The files a worker builds once the declaration commits: the demo is
        # loaded before any worker runs, so it builds them itself.
        publishing.result_files_build(ballot_id=ballot.pk)

    def _motions(self, unit: Unit, people: list[User]) -> None:
        texts = [
            ("Adopt a branch constitution", Motion.State.IN_ORDER, True),
            ("Support the local hospital campaign", Motion.State.CARRIED, False),
            ("Affiliate to the trades council", Motion.State.SUBMITTED, False),
            ("Hold monthly political education sessions", Motion.State.DRAFT, False),
            ("Rename the branch", Motion.State.OUT_OF_ORDER, False),
        ]
        for i, (title, state, constitutional) in enumerate(texts):
            motion = Motion.objects.create(
                unit=unit,
                title=title,
                proposer=people[i],
                state=state,
                amends_constitution=constitutional,
                text=f"This branch resolves to **{title.lower()}**.",
                ruling_reason="Not within the branch's powers." if state == Motion.State.OUT_OF_ORDER else "",
            )
            if state != Motion.State.DRAFT:
                Seconding.objects.create(motion=motion, seconder=people[i + 10])

    def _election_question(
        self, ballot: Ballot, office: Office | None, title: str, names: list[str], method: str, seats: int = 1
    ) -> Question:
        q = Question.objects.create(
            ballot=ballot, kind=Question.Kind.ELECTION, title=title, method=method, seats=seats, office=office
        )
        for i, name in enumerate(names, 1):
            candidate = User.objects.filter(full_name=name).first()
            Option.objects.create(question=q, position=i, label=name, candidate=candidate)
        Option.objects.create(question=q, position=len(names) + 1, label="Re-open nominations", is_ron=True)
        return q

    def _declared_ballot(self, unit: Unit, ro: User, voters: list[User], treasurer: Office, rng: random.Random) -> None:
        now = timezone.now()
        ballot = Ballot.objects.create(
            unit=unit,
            title="Branch AGM ballot",
            returning_officer=ro,
            state=Ballot.State.SCHEDULED,
            opens_at=now - dt.timedelta(days=14),
            closes_at=now + dt.timedelta(hours=1),  # moved into the past once the votes are in
            description="Treasurer election and the branch's statement of aims.",
        )
        motion = Question.objects.create(
            ballot=ballot, kind=Question.Kind.MOTION, title="Adopt the statement of aims", method=Question.Method.MOTION
        )
        Option.objects.bulk_create(Option.for_motion(motion))
        names = [v.full_name for v in voters[1:4]]
        election = self._election_question(ballot, treasurer, "Treasurer", names, Question.Method.IRV)
        lifecycle.ballot_open(ballot_id=ballot.pk, now=ballot.opens_at)  # the roll freezes at the open
        options = list(election.options.all())
        m_options = list(motion.options.all())
        for voter in voters[:120]:
            if not ballot.roll.filter(voter=voter).exists():
                continue
            ranking = rng.sample(options, k=rng.randint(1, len(options)))
            choice = rng.choices(m_options, weights=[6, 2, 1])[0]
            casting.vote_cast(
                ballot_id=ballot.pk, voter=voter, answers={election.pk: [o.pk for o in ranking], motion.pk: [choice.pk]}
            )
        Ballot.objects.filter(pk=ballot.pk).update(closes_at=now - dt.timedelta(days=7))
        lifecycle.ballot_close(ballot_id=ballot.pk)
        tallying.ballot_tally(ballot_id=ballot.pk)
        lifecycle.ballot_declare(ballot_id=ballot.pk, actor=ro)
        # The files a worker builds once the declaration commits: the demo is
        # loaded before any worker runs, so it builds them itself.
        publishing.result_files_build(ballot_id=ballot.pk)

    def _open_ballot(self, unit: Unit, ro: User) -> None:
        now = timezone.now()
        ballot = Ballot.objects.create(
            unit=unit,
            title="Branch committee elections and motions",
            returning_officer=ro,
            state=Ballot.State.SCHEDULED,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=7),
            description="Elect the branch committee (STV) and decide a motion.",
        )
        motion = Question.objects.create(
            ballot=ballot,
            kind=Question.Kind.MOTION,
            title="Support the local hospital campaign",
            method=Question.Method.MOTION,
        )
        Option.objects.bulk_create(Option.for_motion(motion))
        committee = Body.objects.get(unit=unit, kind=Body.Kind.COMMITTEE)
        names = list(
            User.objects.filter(memberships__unit=unit)
            .exclude(email__in=["member@example.org", "secretary@example.org", "chair@example.org"])
            .values_list("full_name", flat=True)[10:16]
        )
        q = self._election_question(
            ballot, None, "Branch committee (3 seats)", names, Question.Method.SCOTTISH_STV, seats=3
        )
        q.body = committee
        q.save(update_fields=["body"])
        lifecycle.ballot_open(ballot_id=ballot.pk, now=ballot.opens_at)  # the roll freezes at the open

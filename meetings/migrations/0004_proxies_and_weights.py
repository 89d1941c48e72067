# Proxies, proxy votes, delegates' weights and paper ballots entered by the officers (issue 17).

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import meetings.models.paper


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("meetings", "0003_discussion"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="standingorders",
            name="proxies_allowed",
            field=models.BooleanField(default=False, help_text="Members may appoint a proxy to vote for them."),
        ),
        migrations.AddField(
            model_name="standingorders",
            name="proxies_per_holder",
            field=models.PositiveSmallIntegerField(default=1, help_text="At most this many proxies a member holds."),
        ),
        migrations.AddField(
            model_name="standingorders",
            name="proxies_same_unit_only",
            field=models.BooleanField(
                default=True, help_text="A proxy must be a member entitled to attend the same meeting."
            ),
        ),
        migrations.AddField(
            model_name="standingorders",
            name="proxy_deadline_hours",
            field=models.PositiveSmallIntegerField(
                default=24, help_text="Proxies are appointed or revoked at least this many hours before the meeting."
            ),
        ),
        migrations.CreateModel(
            name="ProxyAppointment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("appointed_at", models.DateTimeField(auto_now_add=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "holder",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proxy_appointments",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "principal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["appointed_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("meeting", "principal"),
                        name="one_proxy_per_principal",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("principal", django.db.models.expressions.F("holder")), _negated=True),
                        name="proxy_not_oneself",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ProxyVoteCast",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "choice",
                    models.CharField(
                        choices=[("for", "For"), ("against", "Against"), ("abstain", "Abstain")], max_length=8
                    ),
                ),
                ("weight", models.PositiveIntegerField(default=1)),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "holder",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "principal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "vote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proxy_casts",
                        to="meetings.meetingvote",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "constraints": [models.UniqueConstraint(fields=("vote", "principal"), name="proxy_vote_once")],
            },
        ),
        migrations.CreateModel(
            name="MeetingDelegate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "weight",
                    models.PositiveIntegerField(
                        help_text="Votes the delegate carries (for example the branch's members)."
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="delegates", to="meetings.meeting"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "represents",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="governance.unit"
                    ),
                ),
            ],
            options={
                "ordering": ["represents__name", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("meeting", "person"), name="delegate_once"),
                    models.CheckConstraint(condition=models.Q(("weight__gte", 1)), name="delegate_weight_positive"),
                ],
            },
        ),
        migrations.CreateModel(
            name="PaperCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("plurality", "Plurality (one cross; block vote for several seats)"),
                            ("irv", "Alternative vote (ranked, one seat)"),
                            ("scottish-stv", "STV, Scottish rules (ranked)"),
                            ("meek-nz", "STV, Meek (New Zealand rules)"),
                            ("ers97", "STV, ERS 1997 rules"),
                        ],
                        max_length=14,
                    ),
                ),
                ("seats", models.PositiveSmallIntegerField(default=1)),
                ("candidates", models.JSONField(help_text="The names on the paper, in the paper's order.")),
                (
                    "state",
                    models.CharField(
                        choices=[("entering", "Papers being entered"), ("counted", "Counted")],
                        default="entering",
                        max_length=10,
                    ),
                ),
                (
                    "seed",
                    models.BigIntegerField(
                        default=meetings.models.paper.new_seed,
                        help_text="Settles any lot, so the count can be reproduced.",
                    ),
                ),
                ("result", models.JSONField(blank=True, default=dict, help_text="The counting engine's count sheet.")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("counted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="paper_counts", to="meetings.meeting"
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="PaperEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(help_text="The paper's number in the order of entry.")),
                ("ranking", models.JSONField()),
                ("rejected", models.BooleanField(default=False, help_text="Did not match the paper; enter it again.")),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "count",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="entries", to="meetings.papercount"
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["count", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("count", "number"), name="paper_entry_number_once"),
                    models.CheckConstraint(
                        condition=models.Q(("confirmed_by", models.F("entered_by")), _negated=True),
                        name="paper_checked_by_another",
                    ),
                ],
            },
        ),
    ]

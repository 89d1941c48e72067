"""One table for a member's vote in an open or counted-hands meeting vote.

A proxy's vote was a ``ProxyVoteCast``, in a table apart from the member's
own ``OpenVoteCast``, so nothing stopped both (issue 21). Proxy votes move
into ``OpenVoteCast`` with ``holder`` set, where ``open_vote_once`` allows
one row per (vote, member) whoever casts it. Where both already exist (the
hole was used), the vote in person is kept: it is the member's own, and the
vote it belongs to was decided and recorded when it closed. Each row keeps
the weight it counted with, so a recount of a closed vote is unchanged.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def join_proxy_casts(apps, schema_editor):
    OpenVoteCast = apps.get_model("meetings", "OpenVoteCast")
    ProxyVoteCast = apps.get_model("meetings", "ProxyVoteCast")
    MeetingDelegate = apps.get_model("meetings", "MeetingDelegate")
    for delegate in MeetingDelegate.objects.all():
        OpenVoteCast.objects.filter(vote__meeting_id=delegate.meeting_id, voter_id=delegate.person_id).update(
            weight=delegate.weight
        )
    for cast in ProxyVoteCast.objects.order_by("pk"):
        if OpenVoteCast.objects.filter(vote_id=cast.vote_id, voter_id=cast.principal_id).exists():
            continue
        row = OpenVoteCast.objects.create(
            vote_id=cast.vote_id,
            voter_id=cast.principal_id,
            holder_id=cast.holder_id,
            choice=cast.choice,
            weight=cast.weight,
        )
        OpenVoteCast.objects.filter(pk=row.pk).update(at=cast.at)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_merge_0004_proxies_and_weights_0004_room_live"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="openvotecast",
            name="holder",
            field=models.ForeignKey(
                blank=True,
                help_text="The proxy who cast this vote for the voter; empty when the voter cast it in person.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="openvotecast",
            name="weight",
            field=models.PositiveIntegerField(default=1, help_text="A delegate's weight at a delegate meeting; else 1."),
        ),
        migrations.AddConstraint(
            model_name="openvotecast",
            constraint=models.CheckConstraint(
                condition=models.Q(("voter", models.F("holder")), _negated=True), name="open_vote_holder_not_voter"
            ),
        ),
        migrations.RunPython(join_proxy_casts, migrations.RunPython.noop),
        migrations.DeleteModel(name="ProxyVoteCast"),
    ]

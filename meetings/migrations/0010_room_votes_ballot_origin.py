"""Mark the ballots of secret votes already taken in meetings with
``origin = "meeting"`` (ballots' 0014 added the field, every row ``online``).
Lives in meetings: it reads the meeting votes' link to their ballot."""

from django.db import migrations


def mark_room_ballots(apps, schema_editor):
    Ballot = apps.get_model("ballots", "Ballot")
    MeetingVote = apps.get_model("meetings", "MeetingVote")
    room = MeetingVote.objects.filter(ballot__isnull=False).values("ballot_id")
    Ballot.objects.filter(pk__in=room).update(origin="meeting")


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0015_ballot_origin"),
        ("meetings", "0009_standing_orders_versions"),
    ]

    operations = [migrations.RunPython(mark_room_ballots, migrations.RunPython.noop)]

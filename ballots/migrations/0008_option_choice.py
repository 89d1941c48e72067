"""A motion's options say what they mean (``Option.choice``), so nothing
matches on labels; existing motions' For / Against / Abstain options are
given their choice from their label, once, here."""

from django.db import migrations, models


def choices_from_labels(apps, schema_editor):
    Option = apps.get_model("ballots", "Option")
    for choice in ("for", "against", "abstain"):
        Option.objects.filter(question__kind="motion", label__iexact=choice).update(choice=choice)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0007_ballot_scrutineers"),
    ]

    operations = [
        migrations.AddField(
            model_name="option",
            name="choice",
            field=models.CharField(
                blank=True,
                choices=[("for", "For"), ("against", "Against"), ("abstain", "Abstain")],
                default="",
                help_text="A motion's option: what it means.",
                max_length=8,
            ),
        ),
        migrations.RunPython(choices_from_labels, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="option",
            constraint=models.UniqueConstraint(
                condition=models.Q(("choice", ""), _negated=True),
                fields=("question", "choice"),
                name="option_choice_once_per_question",
            ),
        ),
    ]

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Motions, amendments and meetings: the deliberative side of governance,
    kept as its own app (label ``meetings``) so its models and migrations
    stay small beside units, bodies and offices."""

    name = "meetings"
    label = "meetings"
    verbose_name = "Motions and meetings"

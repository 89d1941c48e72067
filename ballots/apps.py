from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "Ballots"

from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "Ballots"

    def ready(self) -> None:
        from ballots import checks  # noqa: F401 - registers the deploy check

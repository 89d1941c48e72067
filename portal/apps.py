from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top composition layer: pages and loaders that combine every app
    (the home page, a unit's page, the demo loader). Nothing imports it but
    the URLconf, so no app has to read upwards."""

    name = "portal"
    verbose_name = "Portal"

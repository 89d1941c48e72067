"""Deploy check: the key that signs sessions and opens the papers of open
ballots is not a public or weak one (``config/secret_key.py``).

Settings refuse such a key with a database server; this catches any other
way a settings module ends up with one (the embedded default given one, a
settings file that assigns it), fallbacks included: a fallback opens papers
as the key does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from config.secret_key import GENERATE, PUBLIC_SECRET_KEYS, secret_key_problem

E001 = "core.E001"
W001 = "core.W001"


@register(Tags.security, deploy=True)
def secret_key_not_public(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    keys = [("SECRET_KEY", settings.SECRET_KEY)]
    keys += [(f"SECRET_KEY_FALLBACKS[{i}]", key) for i, key in enumerate(getattr(settings, "SECRET_KEY_FALLBACKS", ()))]
    for name, key in keys:
        if key in PUBLIC_SECRET_KEYS:
            found.append(
                Error(
                    f"{name} is a public key, published in Agora's source: anyone can forge sessions and read the "
                    "papers of an open ballot with it.",
                    hint=f"Unset it (the embedded default makes a key of its own) or generate one: {GENERATE}",
                    id=E001,
                )
            )
        elif problem := secret_key_problem(key):
            found.append(Warning(f"{name} is weak: {problem}.", hint=f"Generate one: {GENERATE}", id=W001))
    return found

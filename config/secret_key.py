"""Which keys may sign sessions and open the papers of open ballots.

``SECRET_KEY`` signs sessions, tokens and links, and the key that encrypts
an open ballot's papers is derived from it (``ballots/services/paper_crypto.py``).
A key anyone can read in this repository would let anyone holding a copy of
the database read the votes of an open ballot, so there is none: the
embedded default makes a random key for the installation
(``installation_secret_key``), and with a database server the key must be
given, and is refused if it is public, short or a placeholder
(``secret_key_problem``). ``manage.py check --deploy`` says the same of
whatever key the settings end up with (``core/checks.py``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

PUBLIC_SECRET_KEYS = frozenset(
    {
        # The embedded default's key until it made one per installation.
        "insecure-local-development-key-change-me-0123456789abcdef",
    }
)
WEAK_SECRET_MARKERS = ("change-me", "changeme", "insecure", "example", "secret-key", "django-insecure", "replace")
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(60))'"


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit to sign sessions and open papers, or None.
    Refuses published keys, short keys, keys that look copied from an
    example, and keys with too few distinct characters to be random."""
    if key in PUBLIC_SECRET_KEYS:
        return "it is a public key, published in Agora's source"
    if len(key) < 50:
        return "it is shorter than 50 characters"
    lowered = key.lower()
    if any(marker in lowered for marker in WEAK_SECRET_MARKERS):
        return "it looks like a placeholder from an example"
    if len(set(key)) < 20:
        return "it has fewer than 20 distinct characters"
    return None


def installation_secret_key(path: Path) -> str:
    """The key in ``path``, made (random, readable by the owner only) the
    first time. The web server, worker and beat may start together: the key
    is written whole to a file of this process's own and linked into place,
    and whichever process links first wins, so all of them read one key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(60) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text().strip()
    if problem := secret_key_problem(key):
        raise ValueError(f"{path} holds no usable key ({problem}); remove it to have a new one made")
    return key

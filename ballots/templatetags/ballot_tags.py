import secrets
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """Look a key up in a dict (count-sheet stages are keyed by candidate name)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag
def paper_key() -> str:
    """A fresh random idempotency key for one paper form: a resubmitted form
    gets its first receipt back, and the key says nothing about the voter or
    their session (a key derived from the session id let anyone who could
    read the sessions table unseal a web voter's receipt)."""
    return secrets.token_urlsafe(24)

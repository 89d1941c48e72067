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


# What the count sheet's engine names mean, for people reading a result.
METHOD_NAMES = {
    "motion": "a vote for, against or abstaining",
    "plurality": "first past the post",
    "approval": "approval voting",
    "irv": "the alternative vote",
    "scottish-stv": "single transferable vote, Scottish 2007 rules",
    "meek-stv": "single transferable vote, Meek method (New Zealand rules)",
    "meek-nz": "single transferable vote, Meek method (New Zealand rules)",
    "ers97": "single transferable vote, Electoral Reform Society 1997 rules",
}


@register.filter
def method_name(method: str) -> str:
    """A counting method's engine name in words ("irv" → "the alternative vote")."""
    return METHOD_NAMES.get(str(method), str(method))


@register.filter
def elected_note(name: str) -> str:
    """What a count sheet says beside a winner: "(elected)" for a person,
    and for re-open nominations, which is nobody, that its seat opens again."""
    if str(name).startswith("Re-open nominations"):
        return " (wins: the seat is re-opened)"
    return " (elected)"

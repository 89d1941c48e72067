"""Strict filter fields for the API's list filters (django-filter).

django-filter's own fields forgive: ``?current=maybe`` on a ``BooleanFilter``
reads as "no filter", and ``?kind=`` as absent. A client's mistake must be a
400 with a reason instead (the schema says a boolean or an enum), so these
fields refuse what is not a value of their type; a present but empty choice
or boolean is refused too. ``DjangoFilterBackend`` turns a field's error into
the API's 400 (``core.api.exception_handler``). Messages carry the client's
value in ``params``, never in the format string (django-filter formats it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import ModelChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}


class StrictBooleanField(forms.Field):
    """true/1/yes or false/0/no (any case); absent is no filter; else a 400."""

    def clean(self, value: Any) -> bool | None:
        if value is None:
            return None
        lowered = str(value).lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise ValidationError("“%(value)s” is not true or false.", code="invalid", params={"value": value})


class StrictChoiceField(forms.ChoiceField):
    """One of the choices; present but empty (``?kind=``) is not a choice."""

    def clean(self, value: Any) -> Any:
        if value is not None and (value == "" or not self.valid_value(value)):
            choices = ", ".join(str(k) for k, _ in cast(Iterable[tuple[Any, Any]], self.choices) if k != "")
            raise ValidationError(
                "“%(value)s” is not one of %(choices)s.",
                code="invalid_choice",
                params={"value": value, "choices": choices},
            )
        return super().clean(value)


class IdField(forms.CharField):
    """A row id: ASCII digits, at most 18 (within a bigint); empty is no filter.
    ``"²"`` and ``"١"`` pass ``str.isdigit``; the first then breaks ``int``."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise ValidationError("Must be an id (a whole number).", code="invalid")
        return int(text)


class SlugModelChoiceField(ModelChoiceField):
    """A row named by its slug: not a slug is refused before the database
    sees it (a NUL byte would reach PostgreSQL); no such row is a 400 too."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not SLUG.fullmatch(str(value)):
            raise ValidationError("“%(value)s” is not a slug.", code="invalid", params={"value": str(value)[:50]})
        return super().to_python(value)


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugModelChoiceField

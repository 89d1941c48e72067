"""The meetings API's list filters (django-filter); strict fields, so a bad
value is a 400 with a reason (``core.api.filters``)."""

from __future__ import annotations

import django_filters

from governance.api.filters import unit_filter
from meetings.models import Motion


class MotionFilter(django_filters.FilterSet):
    unit = unit_filter()

    class Meta:
        model = Motion
        fields = ["unit"]

"""The room code's guessing limit: one home for the check-in API and page.

A room code is six characters shown on the screen in the room; the limit
is what keeps someone outside from guessing it. It counts every check-in
attempt per member (``MEETINGS_CHECK_IN_THROTTLE``, in the shared cache),
and the API and the page count into the same history, so neither is a way
round the other.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class CheckInRateThrottle(UserRateThrottle):
    """Check-in attempts per member (DRF's user throttle, its own scope)."""

    scope = "meetings_check_in"

    def get_rate(self) -> str:
        return str(settings.MEETINGS_CHECK_IN_THROTTLE)


def check_in_wait(request: Any) -> int | None:
    """Count a check-in attempt from a page. None if it is within the limit;
    else the seconds to wait. ``request`` is the page's signed-in request:
    the throttle reads only its user (and its address if anonymous)."""
    throttle = CheckInRateThrottle()
    no_view: Any = None  # a page has no API view; the user throttle never reads it
    if throttle.allow_request(request, no_view):
        return None
    return max(1, math.ceil(throttle.wait() or 1))

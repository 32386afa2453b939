"""Time as the program reads it: a session's own clock, and UTC moments as text.

A session's time starts at zero when it starts (monotonic, so a change of the system clock
cannot move it); moments that name a day (when a session started, when a profile was
measured) are UTC and stored as ISO 8601 text ending in ``Z``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal


def session_clock() -> Callable[[], float]:
    """A clock reading the seconds since this call (monotonic): session time from now."""
    start_s = time.monotonic()

    def clock() -> float:
        return time.monotonic() - start_s

    return clock


def utc_text(
    moment: datetime, *, timespec: Literal["seconds", "milliseconds"] = "milliseconds"
) -> str:
    """``2025-01-01T20:00:00.000Z``: the moment in UTC, to ``timespec``."""
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def utc_parse(text: str) -> datetime:
    """The moment ``utc_text`` wrote (any ISO 8601 text with an offset or ``Z``)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))

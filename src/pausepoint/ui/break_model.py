"""The break as couples are taught to take it (no Qt here): a time agreed to come back, more
time asked for out loud, and the clock told apart from the body.

The agreed time is the person's word, kept by the clock even while the strap is out of
range; whether the body has settled is the detector's judgement (its ready event). Both are
recorded, so a replay and a report tell the break as it was lived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time

AGREED_CHOICES_MIN = (20, 30, 45, 60)
"""What the break chooser offers, in minutes; the first is the default."""


@dataclass(frozen=True)
class BackAt:
    """When the person will come back: after ``minutes``, or at a clock time ``at``; neither:
    after the minimum (a break started without choosing, from the glance view)."""

    minutes: int | None = None
    at: clock_time | None = None

    def agreed_s(self, now: datetime, min_s: float, longest_s: float) -> float:
        """The break's length from ``now``: a clock time already passed today is tomorrow's;
        never shorter than the minimum the body needs, never longer than ``longest_s``."""
        if self.at is not None:
            back = datetime.combine(now.date(), self.at, tzinfo=now.tzinfo)
            if back <= now:
                back += timedelta(days=1)
            wanted_s = (back - now).total_seconds()
        else:
            wanted_s = min_s if self.minutes is None else 60.0 * self.minutes
        return min(longest_s, max(min_s, wanted_s))


@dataclass
class AgreedBreak:
    """One break: from ``start_t_s`` for ``agreed_s`` (grown by each request for more time);
    ``settled_t_s`` when the body settled during it; ``due_told`` once the time-up was said."""

    start_t_s: float
    agreed_s: float
    settled_t_s: float | None = None
    due_told: bool = False

    @property
    def due_t_s(self) -> float:
        return self.start_t_s + self.agreed_s

    def more_time(self, t_s: float, extend_s: float, longest_s: float) -> float:
        """Ask for ``extend_s`` more, from now if the time is already up; returns the new
        agreed length (from the start), capped at ``longest_s``."""
        due_t_s = max(self.due_t_s, t_s) + extend_s
        self.agreed_s = min(longest_s, due_t_s - self.start_t_s)
        self.due_told = False
        return self.agreed_s

"""What the Trends page shows: the weeks of check-ins, filtered by period, tag and partner,
as rows for its table, series for its charts and one sentence to read first. No Qt.

The figures are ``reports.trends``'s, the ones ``pausepoint trends`` and the period report
give, so the page, the command and the therapist's page never disagree.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pausepoint.reports.trends import as_of, partners, trends, week_of, week_start, week_words

if TYPE_CHECKING:
    from pausepoint.sessions.store import Store

PERIODS: dict[str, int | None] = {
    "All the check-ins": None,
    "The last 4 weeks": 28,
    "The last 3 months": 91,
    "The last year": 365,
}
"""The periods to choose from, by how many days they reach back (None: everything)."""
ALL_TAGS = "Every topic"
EVERYONE = "Both of you"
NO_CHECK_INS = (
    "No check-ins yet. After your first one, how your check-ins go will show here, week by week."
)
NONE_MATCH = "No check-ins in this period with these choices. Try a longer period or every topic."
DASH = "–"


@dataclass(frozen=True)
class TrendsFilter:
    period: str = "All the check-ins"
    tag: str | None = None
    partner: str | None = None

    def since(self, today: date) -> date | None:
        days = PERIODS[self.period]
        return None if days is None else today - timedelta(days=days - 1)


@dataclass(frozen=True)
class WeekRow:
    """One week as shown: its figures, None where there is nothing to show."""

    week: str
    monday: date
    sessions: int = 0
    minutes: float = 0.0
    floods: int = 0
    flooded_min: float = 0.0
    prompted: int = 0
    taken: int = 0
    ready_min: float | None = None
    mood_before: float | None = None
    mood_after: float | None = None
    rest_hr_bpm: float | None = None
    rmssd_ms: float | None = None

    @property
    def label(self) -> str:
        """The week as a person reads it: its Monday, "30 Nov 2026"."""
        return f"{self.monday.day} {self.monday:%b %Y}"

    def cells(self) -> tuple[str, ...]:
        """The table's row, in the order of ``COLUMNS``."""
        return (
            self.label,
            str(self.sessions),
            f"{self.minutes:.0f} min",
            str(self.floods),
            f"{self.flooded_min:.0f} min",
            f"{self.taken} of {self.prompted}" if self.prompted else DASH,
            DASH if self.ready_min is None else f"{self.ready_min:.0f} min",
            _moods(self.mood_before, self.mood_after),
            _calm(self.rest_hr_bpm, self.rmssd_ms),
        )


COLUMNS = (
    "Week of",
    "Check-ins",
    "Length",
    "Floods",
    "Time flooded",
    "Pauses taken",
    "Ready after a break",
    "Before → after",
    "Calm level",
)


def _moods(before: float | None, after: float | None) -> str:
    if before is None and after is None:
        return DASH
    return " → ".join(DASH if m is None else f"{m:g}" for m in (before, after))


def _calm(hr_bpm: float | None, rmssd_ms: float | None) -> str:
    if hr_bpm is None or rmssd_ms is None:
        return DASH
    return f"{hr_bpm:.0f} bpm, RMSSD {rmssd_ms:.0f} ms"


@dataclass(frozen=True)
class TrendsView:
    """Everything the page draws for one choice of filters."""

    chosen: TrendsFilter
    words: str
    weeks: list[WeekRow] = field(default_factory=list)
    """Every week from the first shown to the last, oldest first (a week without check-ins
    too, so the charts keep time true)."""
    tags: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    """Empty when there are no couple sessions: the partner choice is then hidden."""
    since: date | None = None
    until: date | None = None
    any_check_ins: bool = True
    """Whether there are check-ins at all (perhaps none with the choices made)."""

    @property
    def empty(self) -> bool:
        return not any(w.sessions for w in self.weeks)

    def rows(self) -> list[WeekRow]:
        """The table's weeks, newest first: those with a check-in or a calm level."""
        kept = [w for w in self.weeks if w.sessions or w.rest_hr_bpm is not None]
        return list(reversed(kept))

    def series(self, name: str) -> list[float | None]:
        """One figure over the weeks, oldest first, for a chart."""
        return [getattr(w, name) for w in self.weeks]


def trends_view(store: Store, today: date, chosen: TrendsFilter | None = None) -> TrendsView:
    """The page for ``chosen`` (everything when None), read from ``store`` as of ``today``."""
    from pausepoint.sessions.check_ins import tags_by_session

    chosen = chosen or TrendsFilter()
    since = chosen.since(today)
    found = trends(store, since=since, until=today, tag=chosen.tag, partner=chosen.partner)
    tags = sorted({t for ts in tags_by_session(store).values() for t in ts})
    known = partners(store)
    if not found["weeks"]:
        any_check_ins = bool(store.sessions())
        words = NONE_MATCH if any_check_ins else NO_CHECK_INS
        return TrendsView(chosen, words, [], tags, known, since, today, any_check_ins)
    words = week_words(found["weeks"], as_of(today))
    return TrendsView(chosen, words, _every_week(found, today), tags, known, since, today)


def _every_week(found: dict[str, Any], today: date) -> list[WeekRow]:
    by_week = {w["week"]: w for w in found["weeks"]}
    calm: dict[str, list[dict[str, Any]]] = {}
    for c in found["calibrations"]:
        calm.setdefault(week_of(date.fromisoformat(c["date"])), []).append(c)
    named = sorted([*by_week, *calm])
    monday, last = week_start(named[0]), week_start(max(named[-1], week_of(today)))
    rows = []
    while monday <= last:
        week = week_of(monday)
        rows.append(_row(week, monday, by_week.get(week), calm.get(week, [])))
        monday += timedelta(days=7)
    return rows


def _row(
    week: str, monday: date, figures: dict[str, Any] | None, calm: list[dict[str, Any]]
) -> WeekRow:
    hr_bpm = statistics.fmean(c["hr_bpm"] for c in calm) if calm else None
    rmssd_ms = statistics.fmean(c["rmssd_ms"] for c in calm) if calm else None
    if figures is None:
        return WeekRow(week, monday, rest_hr_bpm=hr_bpm, rmssd_ms=rmssd_ms)
    ready_s = figures["median_break_to_ready_s"]
    return WeekRow(
        week,
        monday,
        sessions=figures["sessions"],
        minutes=figures["minutes"],
        floods=figures["floods"],
        flooded_min=figures["flooded_s"] / 60.0,
        prompted=figures["pauses_prompted"],
        taken=figures["pauses_taken"],
        ready_min=None if ready_s is None else ready_s / 60.0,
        mood_before=figures["mood_before"],
        mood_after=figures["mood_after"],
        rest_hr_bpm=hr_bpm,
        rmssd_ms=rmssd_ms,
    )

"""How the check-ins go over weeks: the figures a person (and their therapist) asks for,
read from the store's rows, events and answers without replaying a single sample.

A week is an ISO week of the local calendar ("2026-W49"). Per week and per tag: check-ins and
their minutes, floods and the time flooded, pauses prompted and taken, the median time from
a break's start to the body settled, and the before/after answers (shared ones, for a couple).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from pausepoint.couple.engine import CoupleEventKind
from pausepoint.model import EventKind

if TYPE_CHECKING:
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store


class Figures(TypedDict):
    sessions: int
    minutes: float
    floods: int
    flooded_s: float
    pauses_prompted: int
    pauses_taken: int
    median_break_to_ready_s: float | None
    mood_before: float | None
    mood_after: float | None


@dataclass
class SessionFacts:
    """What one session adds to its week."""

    day: date
    minutes: float
    flooded_s: float
    floods: int = 0
    prompted: int = 0
    taken: int = 0
    break_to_ready_s: list[float] = field(default_factory=list)
    moods_before: list[int] = field(default_factory=list)
    moods_after: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def week_of(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def session_facts(store: Store, info: SessionInfo) -> SessionFacts:
    from pausepoint.sessions.check_ins import answers_of, tags_of
    from pausepoint.sessions.records import PAUSE
    from pausepoint.sessions.replay import stored_couple_events

    facts = SessionFacts(
        day=info.started_utc.astimezone().date(),
        minutes=info.duration_s / 60.0,
        flooded_s=info.flooded_s,
        tags=tags_of(store, info.id),
    )
    events = [event for _person, event in store.person_events(info.id)]
    facts.floods = sum(e.kind == EventKind.FLOODING_START for e in events)
    if info.persons == 2:
        shared = stored_couple_events(store, info.id)
        starts = [e.t_s for e in shared if e.kind == CoupleEventKind.SHARED_PAUSE_START]
        readies = [e.t_s for e in shared if e.kind == CoupleEventKind.SHARED_READY]
        facts.prompted = len(starts)
        # Start break for both, pressed; recorded without the window, the words were all
        # there was, and the pause counts as taken (as the replay shows it).
        pressed = sum(a.kind == PAUSE for a in store.actions(info.id))
        facts.taken = min(len(starts), pressed) if pressed else len(starts)
    else:
        starts = [e.t_s for e in events if e.kind == EventKind.BREAK_START]
        readies = [e.t_s for e in events if e.kind == EventKind.READY]
        facts.prompted = facts.floods
        facts.taken = len(starts)
    for start_s in starts:
        ready_s = next((t_s for t_s in readies if t_s >= start_s), None)
        if ready_s is not None:
            facts.break_to_ready_s.append(ready_s - start_s)
    for answers in answers_of(store, info.id).values():
        if info.persons == 2 and not answers.shared:
            continue
        if answers.mood_before is not None:
            facts.moods_before.append(answers.mood_before)
        if answers.mood_after is not None:
            facts.moods_after.append(answers.mood_after)
    return facts


def _mean(values: Sequence[int]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def figures(facts: Sequence[SessionFacts]) -> Figures:
    breaks = [s for f in facts for s in f.break_to_ready_s]
    return {
        "sessions": len(facts),
        "minutes": round(sum(f.minutes for f in facts), 1),
        "floods": sum(f.floods for f in facts),
        "flooded_s": round(sum(f.flooded_s for f in facts), 1),
        "pauses_prompted": sum(f.prompted for f in facts),
        "pauses_taken": sum(f.taken for f in facts),
        "median_break_to_ready_s": round(statistics.median(breaks), 1) if breaks else None,
        "mood_before": _mean([m for f in facts for m in f.moods_before]),
        "mood_after": _mean([m for f in facts for m in f.moods_after]),
    }


def trends(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    tag: str | None = None,
) -> dict[str, Any]:
    """The weeks (oldest first), the tags, and the calm levels measured (``pausepoint
    trends --json``)."""
    facts = [
        f
        for f in (session_facts(store, info) for info in store.sessions())
        if (since is None or f.day >= since)
        and (until is None or f.day <= until)
        and (tag is None or tag in f.tags)
    ]
    weeks: dict[str, list[SessionFacts]] = {}
    for f in sorted(facts, key=lambda f: f.day):
        weeks.setdefault(week_of(f.day), []).append(f)
    tags = sorted({t for f in facts for t in f.tags})
    return {
        "weeks": [{"week": week, **figures(week_facts)} for week, week_facts in weeks.items()],
        "tags": {t: figures([f for f in facts if t in f.tags]) for t in tags},
        "calibrations": calibrations(store, since, until),
    }


def calibrations(store: Store, since: date | None, until: date | None) -> list[dict[str, Any]]:
    """Each profile's calm level, on the day it was measured."""
    from pausepoint.calibration.profiles import read_profiles

    found = []
    for profile in read_profiles(store):
        if profile.baseline is None or profile.baseline_utc is None:
            continue
        day = profile.baseline_utc.astimezone().date()
        if (since is None or day >= since) and (until is None or day <= until):
            found.append(
                {
                    "date": day.isoformat(),
                    "profile": profile.name,
                    "hr_bpm": round(profile.baseline.hr_bpm, 1),
                    "rmssd_ms": round(profile.baseline.rmssd_ms, 1),
                }
            )
    return sorted(found, key=lambda c: c["date"])


def _times(count: int) -> str:
    return {0: "no floods", 1: "1 flood"}.get(count, f"{count} floods")


def week_words(weeks: Sequence[dict[str, Any]]) -> str:
    """The latest week in a sentence, against the week before: words, not only charts."""
    if not weeks:
        return "No check-ins yet in this period."
    last = weeks[-1]
    sessions = last["sessions"]
    words = f"{sessions} check-in{'' if sessions == 1 else 's'} in {last['week']}; "
    words += _times(last["floods"])
    if len(weeks) > 1:
        before = weeks[-2]["floods"]
        if before != last["floods"]:
            way = "down" if last["floods"] < before else "up"
            words += f", {way} from {before} the week before"
    ready_s = last["median_break_to_ready_s"]
    if ready_s is not None:
        words += f"; after breaks you were ready in {round(ready_s / 60)} minutes (median)"
    return words + "."

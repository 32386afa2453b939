"""How the check-ins go over weeks: the figures a person (and their therapist) asks for,
read from the store's rows, events and answers without replaying a single sample.

A week is an ISO week of the local calendar ("2026-W49"). Per week and per tag: check-ins and
their minutes, floods and the time flooded, pauses prompted and taken, the median time from
a break's start to the body settled, and the before/after answers (shared ones, for a couple).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from pausepoint.model import EventKind

if TYPE_CHECKING:
    from pausepoint.sessions.check_ins import Answers
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store


SHARED_PAUSE_START = "shared_pause_start"
SHARED_READY = "shared_ready"
"""A couple's shared pause and both ready, as the store keeps them (CoupleEventKind's
values): read as words, so counting pauses does not load the couple engine and numpy."""


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


def partner_names(info: SessionInfo) -> tuple[str, ...]:
    """Who took part, by the names the dashboard gives them: a couple's partners by their
    profiles (else "Partner A" / "Partner B"); one person by their profile, if any."""
    if info.persons == 2:
        return (info.profile or "Partner A", info.profile_b or "Partner B")
    return (info.profile,) if info.profile else ()


@dataclass
class StoredFacts:
    """A whole store's events, pauses, answers and tags, read in one query each, so a
    year of sessions costs five queries rather than five a session."""

    events: dict[int, list[tuple[int, float, str]]]
    shared: dict[int, list[tuple[float, str]]]
    pauses_pressed: dict[int, int]
    answers: dict[int, dict[int, Answers]]
    tags: dict[int, list[str]]


def stored_facts(store: Store) -> StoredFacts:
    from pausepoint.sessions.check_ins import answers_by_session, tags_by_session
    from pausepoint.sessions.records import PAUSE

    kinds = (
        EventKind.FLOODING_START,
        EventKind.FLOODING_END,
        EventKind.BREAK_START,
        EventKind.READY,
    )
    events: dict[int, list[tuple[int, float, str]]] = {}
    shared: dict[int, list[tuple[float, str]]] = {}
    pressed: dict[int, int] = {}
    with store.guard():
        conn = store.connection
        rows = conn.execute(
            "SELECT session_id, person, t_s, kind FROM events WHERE origin = 'pipeline' "
            f"AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY session_id, id",
            [str(k) for k in kinds],
        ).fetchall()
        for session_id, person, t_s, kind in rows:
            events.setdefault(session_id, []).append((person, t_s, kind))
        for session_id, t_s, kind in conn.execute(
            "SELECT session_id, t_s, kind FROM couple_events ORDER BY session_id, id"
        ):
            shared.setdefault(session_id, []).append((t_s, kind))
        for session_id, count in conn.execute(
            "SELECT session_id, count(*) FROM actions WHERE kind = ? GROUP BY session_id",
            (PAUSE,),
        ):
            pressed[session_id] = count
    return StoredFacts(events, shared, pressed, answers_by_session(store), tags_by_session(store))


def session_facts(
    stored: StoredFacts, info: SessionInfo, person: int | None = None
) -> SessionFacts:
    """One session's part of its week: everyone's, or one partner's (``person``)."""
    facts = SessionFacts(
        day=info.started_utc.astimezone().date(),
        minutes=info.duration_s / 60.0,
        flooded_s=info.flooded_s,
        tags=stored.tags.get(info.id, []),
    )
    events = [
        (t_s, kind)
        for p, t_s, kind in stored.events.get(info.id, [])
        if person is None or p == person
    ]
    facts.floods = sum(kind == EventKind.FLOODING_START for _t, kind in events)
    if person is not None and info.persons == 2:
        facts.flooded_s = _flooded_s(events)
    if info.persons == 2:
        shared = stored.shared.get(info.id, [])
        starts = [t_s for t_s, kind in shared if kind == SHARED_PAUSE_START]
        readies = [t_s for t_s, kind in shared if kind == SHARED_READY]
        facts.prompted = len(starts)
        # Start break for both, pressed; recorded without the window, the words were all
        # there was, and the pause counts as taken (as the replay shows it).
        pressed = stored.pauses_pressed.get(info.id, 0)
        facts.taken = min(len(starts), pressed) if pressed else len(starts)
    else:
        starts = [t_s for t_s, kind in events if kind == EventKind.BREAK_START]
        readies = [t_s for t_s, kind in events if kind == EventKind.READY]
        facts.prompted = facts.floods
        facts.taken = len(starts)
    for start_s in starts:
        ready_s = next((t_s for t_s in readies if t_s >= start_s), None)
        if ready_s is not None:
            facts.break_to_ready_s.append(ready_s - start_s)
    for who, answers in stored.answers.get(info.id, {}).items():
        if info.persons == 2 and not answers.shared:
            continue
        if person is not None and who != person:
            continue
        if answers.mood_before is not None:
            facts.moods_before.append(answers.mood_before)
        if answers.mood_after is not None:
            facts.moods_after.append(answers.mood_after)
    return facts


def _flooded_s(events: Sequence[tuple[float, str]]) -> float:
    """One partner's time flooded, from their floods' starts to their ends."""
    total_s, since_s = 0.0, None
    for t_s, kind in events:
        if kind == EventKind.FLOODING_START and since_s is None:
            since_s = t_s
        elif kind == EventKind.FLOODING_END and since_s is not None:
            total_s, since_s = total_s + t_s - since_s, None
    return total_s


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
    partner: str | None = None,
) -> dict[str, Any]:
    """The weeks (oldest first), the tags, and the calm levels measured (``pausepoint
    trends --json``); ``partner``: only the sessions that person took part in, with their
    own floods, time flooded and shared answers."""
    facts = [f for _info, f in period_facts(store, since, until, tag, partner)]
    weeks: dict[str, list[SessionFacts]] = {}
    for f in sorted(facts, key=lambda f: f.day):
        weeks.setdefault(week_of(f.day), []).append(f)
    tags = sorted({t for f in facts for t in f.tags})
    return {
        "weeks": [{"week": week, **figures(week_facts)} for week, week_facts in weeks.items()],
        "tags": {t: figures([f for f in facts if t in f.tags]) for t in tags},
        "calibrations": [
            c
            for c in calibrations(store, since, until)
            if partner is None or c["profile"] == partner
        ],
    }


def period_facts(
    store: Store,
    since: date | None = None,
    until: date | None = None,
    tag: str | None = None,
    partner: str | None = None,
) -> list[tuple[SessionInfo, SessionFacts]]:
    """The sessions of a period (days included, local calendar), oldest first, with what
    each adds to its week: the figures of ``trends`` and of the period report."""
    stored = stored_facts(store)
    found = []
    for info in store.sessions():
        day = info.started_utc.astimezone().date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        if tag is not None and tag not in stored.tags.get(info.id, []):
            continue
        person = None
        if partner is not None:
            names = partner_names(info)
            if partner not in names:
                continue
            person = names.index(partner)
        found.append((info, session_facts(stored, info, person)))
    return sorted(found, key=lambda pair: pair[1].day)


def partners(store: Store) -> list[str]:
    """The partners of the couple sessions there are (none: no couple sessions)."""
    found = {name for info in store.sessions() if info.persons == 2 for name in partner_names(info)}
    return sorted(found)


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


def week_start(week: str) -> date:
    """The Monday of a week named by ``week_of``."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def iso_week(week: str) -> str:
    return f"in {week}"


def week_of_monday(week: str) -> str:
    """A week by its Monday, for words read later: "in the week of 30 November 2026"."""
    monday = week_start(week)
    return f"in the week of {monday.day} {monday:%B %Y}"


def as_of(today: date) -> Callable[[str], str]:
    """Weeks named as people say them on ``today``: this week, last week, or by Monday."""

    def name(week: str) -> str:
        if week == week_of(today):
            return "this week"
        if week == week_of(today - timedelta(days=7)):
            return "last week"
        return week_of_monday(week)

    return name


def week_words(weeks: Sequence[dict[str, Any]], week_name: Callable[[str], str] = iso_week) -> str:
    """The latest week in a sentence, against the week just before it when it had
    check-ins: words, not only charts. ``week_name``: how the week is said."""
    if not weeks:
        return "No check-ins yet in this period."
    last = weeks[-1]
    sessions = last["sessions"]
    words = f"{sessions} check-in{'' if sessions == 1 else 's'} {week_name(last['week'])}; "
    words += _times(last["floods"])
    before_monday = week_start(last["week"]) - timedelta(days=7)
    if len(weeks) > 1 and weeks[-2]["week"] == week_of(before_monday):
        before = weeks[-2]["floods"]
        if before != last["floods"]:
            way = "down" if last["floods"] < before else "up"
            words += f", {way} from {before} the week before"
    ready_s = last["median_break_to_ready_s"]
    if ready_s is not None:
        words += f"; after breaks you were ready in {round(ready_s / 60)} minutes (median)"
    return words + "."

"""Check-ins with known figures, written into a real store as the recorder leaves them (the
session's row and summary, its events, shared pauses, answers and tags) without samples: what
the trends read, at dates a test chooses, fast enough for a year of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pausepoint.couple.engine import CoupleEvent, CoupleEventKind
from pausepoint.model import Event, EventKind, HeartSample
from pausepoint.sessions.check_ins import Answers, add_tags, save_answers
from pausepoint.sessions.records import PAUSE, SessionSummary
from pausepoint.sessions.store import Store
from pausepoint.sessions.writer import SessionWriter
from pausepoint.strap.hrm import encode_heart_rate

START_S = 100.0
"""Session time of a check-in's first beat."""


def _beats(writer: SessionWriter, minutes: float, person: int = 0) -> None:
    """The first and last beats: a session without samples is not kept."""
    for t_s in (START_S, START_S + minutes * 60.0):
        raw = encode_heart_rate(70, (857.0,), True)
        writer.add_sample(HeartSample(t_s, 70, (857.0,), True, None, raw), person=person)


def _person_events(
    floods: Sequence[tuple[float, float]], breaks: Sequence[tuple[float, float | None]]
) -> list[Event]:
    events = []
    for start_s, end_s in floods:
        events += [Event(start_s, EventKind.FLOODING_START), Event(end_s, EventKind.FLOODING_END)]
    for start_s, ready_s in breaks:
        events.append(Event(start_s, EventKind.BREAK_START))
        if ready_s is not None:
            events.append(Event(ready_s, EventKind.READY))
    return sorted(events, key=lambda e: e.t_s)


def check_in(
    store: Store,
    started: datetime,
    *,
    minutes: float = 30.0,
    floods: Sequence[tuple[float, float]] = (),
    breaks: Sequence[tuple[float, float | None]] = (),
    tags: Sequence[str] = (),
    answers: Answers | None = None,
    profile: str | None = None,
) -> int:
    """One person's check-in: ``floods`` (start, end) and ``breaks`` (start, ready or None)
    in session seconds."""
    writer = store.begin_session(
        "simulated:argument", started_utc=started, atomic=True, profile=profile
    )
    _beats(writer, minutes)
    writer.add_events(_person_events(floods, breaks))
    flooded_s = sum(end_s - start_s for start_s, end_s in floods)
    writer.set_summary(SessionSummary(minutes * 60.0, round(minutes * 70), flooded_s, 120.0))
    session_id = writer.finish()
    assert session_id is not None
    if tags:
        add_tags(store, session_id, list(tags))
    if answers is not None:
        save_answers(store, session_id, answers)
    return session_id


def couple_check_in(
    store: Store,
    started: datetime,
    names: tuple[str, str],
    *,
    minutes: float = 40.0,
    floods: tuple[Sequence[tuple[float, float]], Sequence[tuple[float, float]]] = ((), ()),
    pauses: Sequence[tuple[float, float | None]] = (),
    pressed: int = 0,
    answers: tuple[Answers | None, Answers | None] = (None, None),
    tags: Sequence[str] = (),
) -> int:
    """A couple's check-in: each partner's floods, the shared pauses (start, both ready or
    None), and how many times Start break for both was pressed."""
    writer = store.begin_session(
        "simulated:couple-argument",
        started_utc=started,
        atomic=True,
        persons=2,
        profile=names[0],
        profile_b=names[1],
    )
    for person, spans in enumerate(floods):
        _beats(writer, minutes, person)
        writer.add_events(_person_events(spans, ()), person=person)
    shared = []
    for start_s, ready_s in pauses:
        shared.append(CoupleEvent(start_s, CoupleEventKind.SHARED_PAUSE_START))
        if ready_s is not None:
            shared.append(CoupleEvent(ready_s, CoupleEventKind.SHARED_READY))
    writer.add_couple_events(shared)
    for press in range(pressed):
        writer.add_action(pauses[press][0], PAUSE, person=None)
    every = [span for spans in floods for span in spans]
    flooded_s = sum(end_s - start_s for start_s, end_s in every)
    writer.set_summary(SessionSummary(minutes * 60.0, round(minutes * 140), flooded_s, 130.0))
    session_id = writer.finish()
    assert session_id is not None
    for person, given in enumerate(answers):
        if given is not None:
            save_answers(store, session_id, given, person)
    if tags:
        add_tags(store, session_id, list(tags))
    return session_id


TOPICS = ("money", "chores", "family", "plans")


def year_of_check_ins(store: Store, first: datetime, days: int = 365) -> list[int]:
    """A check-in every evening for ``days`` days from ``first``: every third one floods
    (a break on all but every ninth, ready after 21 to 29 minutes), fewer as months go by;
    a topic each, answers on most."""
    ids = []
    for day in range(days):
        started = first + timedelta(days=day)
        flooding = day % 3 == 0 and not (day > days // 2 and day % 6 == 0)
        floods = [(600.0, 600.0 + 120.0 + day % 7 * 10.0)] if flooding else []
        breaks: list[tuple[float, float | None]] = []
        if flooding and day % 9 != 0:
            breaks = [(760.0, 760.0 + (21 + day % 9) * 60.0)]
        before = 2 + day % 3
        answers = Answers(before, max(1, before - 1)) if day % 4 else None
        ids.append(
            check_in(
                store,
                started,
                minutes=25.0 + day % 4 * 5.0,
                floods=floods,
                breaks=breaks,
                tags=[TOPICS[day % len(TOPICS)]],
                answers=answers,
            )
        )
    return ids


def evening(year: int, month: int, day: int) -> datetime:
    """A check-in's start, 19:00 UTC (the same local day in Europe and the Americas)."""
    return datetime(year, month, day, 19, 0, tzinfo=UTC)

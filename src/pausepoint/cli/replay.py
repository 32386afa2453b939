"""``replay``: a session's raw samples through a fresh pipeline (of a couple session, a
fresh couple engine) again, compared with the events recorded."""

from __future__ import annotations

import argparse
import io
import math
import sys
from typing import TYPE_CHECKING, Any

from pausepoint.cli.common import (
    DB_OPTION,
    PROGRESS_EVERY,
    add_session_id,
    positive,
    write_json,
)
from pausepoint.cli.store_access import open_store

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.couple.engine import CoupleEvent, CoupleUpdate
    from pausepoint.model import Event, Update
    from pausepoint.pipeline.summary import Summary
    from pausepoint.sessions.replay import CoupleEngineReplay, PipelineReplay


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "replay",
        parents=[DB_OPTION],
        help="feed a session's raw samples through the pipeline again",
    )
    add_session_id(p)
    pace = p.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=positive, help="times real time (default 1)")
    pace.add_argument("--max", action="store_true", help="as fast as possible")
    p.add_argument("--json", action="store_true", help="one JSON object with the events")
    p.set_defaults(func=cmd_replay)


def cmd_replay(args: argparse.Namespace) -> int:
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.replay import (
        CoupleEngineReplay,
        PipelineReplay,
        stored_couple_events,
    )

    config = load_config()
    session: PipelineReplay | CoupleEngineReplay
    recorded: list[Event] = []
    recorded_pairs: list[tuple[int, Event]] = []
    recorded_couple: list[CoupleEvent] = []
    with open_store(args) as store:
        if store.session(args.id).persons == 2:
            session = CoupleEngineReplay(store, args.id, config)
            recorded_pairs = store.person_events(args.id)
            recorded_couple = stored_couple_events(store, args.id)
        else:
            session = PipelineReplay(store, args.id, config)
            recorded = store.events(args.id)
    speed = math.inf if args.max or (args.json and args.speed is None) else args.speed or 1.0
    out = sys.stdout if not args.json else _Discard()
    if isinstance(session, CoupleEngineReplay):
        couple_monitor = CoupleTextMonitor(out, config.break_.min_s)
        couple_updates = _replay_couple(session, speed, couple_monitor)
        if not args.json:
            print(couple_monitor.text())
        else:
            write_json(
                _couple_json(
                    session.info.id,
                    couple_updates,
                    recorded_pairs,
                    recorded_couple,
                    couple_monitor.summaries,
                )
            )
        return 0
    monitor = TextMonitor(out, config.break_.min_s)
    updates = _replay_one_person(session, speed, monitor)
    if not args.json:
        print(monitor.summary.text())
    else:
        write_json(_one_person_json(session.info.id, updates, recorded, monitor.summary))
    return 0


def _replay_one_person(session: PipelineReplay, speed: float, monitor: TextMonitor) -> list[Update]:
    """Every update of the replay, each fed to the monitor; at ``speed`` times the pace it
    was lived, or as fast as it goes (inf) with a progress bar on a terminal."""
    import asyncio

    from pausepoint.cli.progress import Progress
    from pausepoint.sources.pacing import paced

    updates: list[Update] = []

    def feed(update: Update) -> None:
        updates.append(update)
        monitor.feed(update)

    async def replay_paced() -> None:
        async for sample in paced(session.samples, speed):
            feed(session.push(sample))
        last = session.finish()
        if last is not None:
            feed(last)

    try:
        if math.isinf(speed):
            progress = Progress("Replaying", len(session.samples))
            for i, sample in enumerate(session.samples):
                feed(session.push(sample))
                if i % PROGRESS_EVERY == 0:
                    progress.step(i)
            last = session.finish()
            if last is not None:
                feed(last)
            progress.done()
        else:
            asyncio.run(replay_paced())
    except KeyboardInterrupt:
        print()
    return updates


def _replay_couple(
    session: CoupleEngineReplay, speed: float, monitor: CoupleTextMonitor
) -> list[CoupleUpdate]:
    """Every update of the couple replay, each fed to the monitor; at ``speed`` times the
    pace it was lived, or as fast as it goes (inf)."""
    import asyncio

    from pausepoint.sources.pacing import paced_stream

    updates: list[CoupleUpdate] = []

    def feed(cu: CoupleUpdate) -> None:
        updates.append(cu)
        monitor.feed(cu)

    async def replay_paced() -> None:
        async for person, sample in paced_stream(session.stream, speed):
            feed(session.push(person, sample))
        for cu in session.finish():
            feed(cu)

    try:
        if math.isinf(speed):
            for cu in session.run():
                feed(cu)
        else:
            asyncio.run(replay_paced())
    except KeyboardInterrupt:
        print()
    return updates


def _one_person_json(
    session_id: int, updates: list[Update], recorded: list[Event], summary: Summary
) -> dict[str, Any]:
    events = [event for update in updates for event in update.events]
    return {
        "session": session_id,
        "events": [event.to_dict() for event in events],
        "same_as_recorded": events == recorded,
        "summary": _summary_json(summary),
    }


def _couple_json(
    session_id: int,
    updates: list[CoupleUpdate],
    recorded: list[tuple[int, Event]],
    recorded_couple: list[CoupleEvent],
    summaries: list[Summary],
) -> dict[str, Any]:
    from pausepoint.couple.engine import PARTNERS

    events: list[tuple[int, Event]] = [
        (cu.person, event) for cu in updates for event in cu.update.events
    ]
    couple_events: list[CoupleEvent] = [event for cu in updates for event in cu.couple_events]
    return {
        "session": session_id,
        "partners": [
            {
                "name": name,
                "events": [e.to_dict() for q, e in events if q == p],
                "summary": _summary_json(summaries[p]),
            }
            for p, name in enumerate(PARTNERS)
        ],
        "couple_events": [e.to_dict() for e in couple_events],
        "same_as_recorded": events == recorded and couple_events == recorded_couple,
    }


def _summary_json(s: Summary) -> dict[str, Any]:
    return {
        "duration_s": round(s.duration_s, 3),
        "beats": s.beats,
        "flooded_s": round(s.flooded_s, 3),
        "peak_hr_bpm": None if s.peak_hr_bpm is None else round(s.peak_hr_bpm, 1),
        "peak_arousal": None if s.peak_arousal is None else round(s.peak_arousal, 1),
    }


class _Discard(io.StringIO):
    """A text stream that keeps nothing: the monitor's lines when the answer is JSON."""

    def write(self, text: str) -> int:
        return len(text)

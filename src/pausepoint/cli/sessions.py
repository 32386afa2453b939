"""Session commands: record, sessions, show, replay, import, export, delete.

Thin shells over the store and the recorder. ``register(sub)`` adds them to the main
parser; the database is ``args.db`` (``--db``), else $PAUSEPOINT_DB, else the user's
data folder.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from pausepoint.cli.common import (
    DB_OPTION,
    add_profile_option,
    any_scenario,
    chosen_profiles,
    confirmed,
    is_couple_scenario,
    positive,
    session_id,
    write_json,
)
from pausepoint.errors import BadInput, UserError
from pausepoint.model import MotionSample, Sample, Update
from pausepoint.sessions.store import SessionInfo, Store, StoreError, db_path
from pausepoint.strap.target import strap_target

PROGRESS_EVERY = 256


def person_index(text: str) -> int:
    """A partner of a couple session: A or B."""
    if text.upper() not in ("A", "B"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a partner; use A or B")
    return "AB".index(text.upper())


def register(sub: Any) -> None:
    """Add the session commands to the main parser's subparsers."""

    p = sub.add_parser("record", parents=[DB_OPTION], help="record a session with the text monitor")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--simulate", metavar="SCENARIO", type=any_scenario, help="couple-*: both partners"
    )
    src.add_argument(
        "--device",
        metavar="ADDRESS|NAME",
        action="append",
        help="a strap's address or name; twice for a couple (A, then B)",
    )
    p.add_argument("--seed", type=int, default=0, help="simulated person (with --simulate)")
    p.add_argument("--speed", type=positive, help="simulation speed, e.g. 10 (default 1)")
    p.add_argument("--minutes", type=positive, help="stop after this long")
    p.add_argument(
        "--ecg",
        action="store_true",
        help="with a Polar strap, also keep its raw ECG (about 1.6 MB an hour)",
    )
    p.add_argument("--note", help="a few words to find the session by")
    add_profile_option(p)
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("sessions", parents=[DB_OPTION], help="list the recorded sessions")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser(
        "show", parents=[DB_OPTION], help="one session: its summary, events and markers"
    )
    p.add_argument("id", type=session_id, metavar="ID")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "replay",
        parents=[DB_OPTION],
        help="feed a session's raw samples through the pipeline again",
    )
    p.add_argument("id", type=session_id, metavar="ID")
    pace = p.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=positive, help="times real time (default 1)")
    pace.add_argument("--max", action="store_true", help="as fast as possible")
    p.add_argument("--json", action="store_true", help="one JSON object with the events")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("import", parents=[DB_OPTION], help="make a session of an RR file")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--note", help="a few words to find the session by")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export", parents=[DB_OPTION], help="write a session as pausepoint CSV, Kubios text or JSON"
    )
    p.add_argument("id", type=session_id, metavar="ID")
    p.add_argument("--format", choices=("csv", "kubios", "json"), required=True)
    p.add_argument(
        "--person",
        type=person_index,
        metavar="A|B",
        help="one partner of a couple session (CSV and Kubios need it)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="default: stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "report", parents=[DB_OPTION], help="a one-page report of a session, to keep or share"
    )
    p.add_argument("id", type=session_id, metavar="ID")
    p.add_argument("--out", type=Path, metavar="FILE", required=True, help=".html, .png or .pdf")
    p.add_argument(
        "--person",
        type=person_index,
        metavar="A|B",
        help="one partner of a couple session (default: both on one page)",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "delete", parents=[DB_OPTION], help="delete a session and everything recorded in it"
    )
    p.add_argument("id", type=session_id, metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_delete)


# --- helpers -----------------------------------------------------------------------------


def _open_store(args: argparse.Namespace, *, write: bool = False) -> Store:
    """The database; a read-only one still serves the commands that only read."""
    path = db_path(getattr(args, "db", None))
    try:
        return Store.open(path)
    except StoreError as exc:
        if write or exc.reason != "readonly":
            raise
    return Store.open(path, readonly=True)


def _date_text(info: SessionInfo) -> str:
    return info.started_utc.astimezone().strftime("%Y-%m-%d %H:%M")


def _peak_text(peak_hr_bpm: float | None) -> str:
    return "-" if peak_hr_bpm is None else f"{peak_hr_bpm:.0f} bpm"


def _sample_json(sample: Sample) -> dict[str, Any]:
    if isinstance(sample, MotionSample):
        return {"t_s": sample.t_s, "motion_g": sample.motion_g}
    return {
        "t_s": sample.t_s,
        "hr_bpm": sample.hr_bpm,
        "rr_ms": list(sample.rr_ms),
        "contact": sample.contact,
        "energy_kj": sample.energy_kj,
        "raw": sample.raw.hex(),
    }


# --- record ------------------------------------------------------------------------------


def _run_until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run a recording to its end, or until Ctrl-C or SIGTERM (a logout, ``kill``, a service
    stopping it): both stop it at its next wait, so what came in is saved and the session
    closed as complete rather than found interrupted later."""
    import asyncio
    import contextlib
    import signal

    async def until_stopped() -> None:
        task = asyncio.ensure_future(work)
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        await task

    try:
        asyncio.run(until_stopped())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print()


def cmd_record(args: argparse.Namespace) -> int:
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.recorder import PipelineSettings, Recorder, record_strap

    config = load_config()
    if args.device is not None and args.speed is not None:
        raise UserError("--speed is for --simulate; a strap streams in real time")
    if args.device is not None and len(args.device) > 2:
        raise UserError("--device at most twice: one strap per partner")
    if args.ecg and args.device is None:
        raise UserError("--ecg keeps a Polar strap's raw ECG: use it with --device")
    if (args.device is not None and len(args.device) == 2) or is_couple_scenario(args.simulate):
        return _record_couple(args, config)
    (profile,) = chosen_profiles(args, 1)
    name = None if profile is None else profile.name
    monitor = TextMonitor(sys.stdout)
    settings = PipelineSettings.for_profile(profile, auto_break=True)
    with _open_store(args, write=True) as store:
        if args.device is not None:
            target = strap_target(args.device[0])
            recorder = Recorder(
                store,
                config,
                source="ble",
                settings=settings,
                note=args.note,
                strap_address=target.get("address"),
                strap_name=target.get("name"),
                profile=name,
            )
            work = record_strap(
                recorder,
                **target,
                minutes=args.minutes,
                on_update=monitor.feed,
                on_state=lambda state: print(f"Strap: {state}", file=sys.stderr, flush=True),
                ecg=args.ecg,
            )
        else:
            from pausepoint.sources.pacing import paced
            from pausepoint.sources.simulated.scenarios import simulate

            rec = simulate(args.simulate, seed=args.seed, minutes=args.minutes)
            recorder = Recorder(
                store,
                config,
                source=f"simulated:{args.simulate}",
                settings=settings,
                note=args.note,
                profile=name,
                details={
                    "simulation": {
                        "scenario": args.simulate,
                        "seed": args.seed,
                        "minutes": args.minutes,
                    }
                },
            )
            work = recorder.run(paced(rec.samples, args.speed or 1.0), monitor.feed)
        print(
            f"Recording session {recorder.session_id} in {store.path} (Ctrl-C ends it).",
            file=sys.stderr,
        )
        _run_until_stopped(work)
    print(monitor.summary.text())
    if recorder.session_id is None:
        print("Nothing was received, so no session was kept.")
    else:
        print(f"Saved as session {recorder.session_id}.")
    return 0


def _record_couple(args: argparse.Namespace, config: Any) -> int:
    """Both partners into one session: two straps (A, then B), or a couple scenario."""
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.couple.engine import PARTNERS
    from pausepoint.sessions.recorder import CoupleRecorder, CoupleSettings, record_couple_straps

    profiles = chosen_profiles(args, 2)
    settings = CoupleSettings.for_profiles(profiles)
    names = tuple(None if p is None else p.name for p in profiles)
    monitor = CoupleTextMonitor(sys.stdout)
    with _open_store(args, write=True) as store:
        if args.device is not None:
            targets = [strap_target(device) for device in args.device]
            a, b = ((t.get("name"), t.get("address")) for t in targets)
            recorder = CoupleRecorder(
                store,
                config,
                source="ble:couple",
                settings=settings,
                note=args.note,
                straps=(a, b),
                profiles=names,
            )

            def on_state(person: int, state: Any) -> None:
                print(f"Strap {PARTNERS[person]}: {state}", file=sys.stderr, flush=True)

            work = record_couple_straps(
                recorder,
                targets,
                minutes=args.minutes,
                on_update=monitor.feed,
                on_state=on_state,
                ecg=args.ecg,
            )
        else:
            from pausepoint.sources.pacing import paced_stream
            from pausepoint.sources.simulated.couples import simulate_couple

            rec = simulate_couple(args.simulate, seed=args.seed, minutes=args.minutes)
            recorder = CoupleRecorder(
                store,
                config,
                source=f"simulated:{args.simulate}",
                settings=settings,
                note=args.note,
                profiles=names,
                details={
                    "simulation": {
                        "scenario": args.simulate,
                        "seed": args.seed,
                        "minutes": args.minutes,
                    }
                },
            )
            work = recorder.run(paced_stream(rec.merged(), args.speed or 1.0), monitor.feed)
        print(
            f"Recording couple session {recorder.session_id} in {store.path} (Ctrl-C ends it).",
            file=sys.stderr,
        )
        _run_until_stopped(work)
    print(monitor.text())
    if recorder.session_id is None:
        print("Nothing was received, so no session was kept.")
    else:
        print(f"Saved as session {recorder.session_id}.")
    return 0


# --- sessions, show ----------------------------------------------------------------------


def cmd_sessions(args: argparse.Namespace) -> int:
    from pausepoint.words import clock_text

    with _open_store(args) as store:
        infos = store.sessions()
        path = store.path
    if args.json:
        write_json({"sessions": [info.to_dict() for info in infos]})
        return 0
    if not infos:
        print(f"No sessions yet in {path}. Record one: pausepoint record --simulate argument")
        return 0
    rows = [("ID", "Date", "Duration", "Status", "Source", "Flooded", "Peak HR", "Note")]
    for info in infos:
        rows.append(
            (
                str(info.id),
                _date_text(info),
                clock_text(info.duration_s),
                str(info.status),
                info.source,
                f"{info.flooded_s / 60:.1f} min",
                _peak_text(info.peak_hr_bpm),
                " ".join((info.note or "").split()),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].rjust(widths[0])] + [
            c.ljust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells).rstrip())
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from pausepoint.words import EVENT_WORDS, clock_text

    with _open_store(args) as store:
        info = store.session(args.id)
        if info.persons == 2:
            return _show_couple(args, store, info)
        events = store.events(args.id, origin=None)
        markers = store.markers(args.id)
        actions = store.actions(args.id)
    if args.json:
        write_json(
            {
                "session": info.to_dict(),
                "events": [event.to_dict() for event in events],
                "markers": [{"t_s": round(m.t_s, 3), "text": m.text} for m in markers],
                "actions": [{"t_s": round(a.t_s, 3), "kind": a.kind} for a in actions],
            }
        )
        return 0
    print(f"Session {info.id}: {info.source}, {info.status}")
    print(
        f"Started {_date_text(info)}, {clock_text(info.duration_s)} long, {info.beats} beats; "
        f"flooded {info.flooded_s / 60:.1f} min, peak heart rate {_peak_text(info.peak_hr_bpm)}"
    )
    if info.strap_name or info.strap_address:
        print(f"Strap: {' '.join(p for p in (info.strap_name, info.strap_address) if p)}")
    if info.note:
        print(f"Note: {info.note}")
    timeline = [(e.t_s, EVENT_WORDS[e.kind]) for e in events]
    timeline += [(m.t_s, f"Marker: {m.text}") for m in markers]
    timeline += [(a.t_s, f"You started a {a.kind}.") for a in actions]
    for t_s, text in sorted(timeline, key=lambda item: item[0]):
        print(f"  {clock_text(t_s)}  {text}")
    return 0


def _show_couple(args: argparse.Namespace, store: Store, info: SessionInfo) -> int:
    from pausepoint.couple.engine import PARTNERS, couple_event_text
    from pausepoint.words import EVENT_WORDS, clock_text

    events = store.person_events(args.id, origin=None)
    couple_events = store.couple_events(args.id)
    markers = store.markers(args.id)
    actions = store.actions(args.id)
    straps = ((info.strap_name, info.strap_address), (info.strap_name_b, info.strap_address_b))
    profiles = (info.profile, info.profile_b)
    if args.json:
        write_json(
            {
                "session": info.to_dict(),
                "partners": [
                    {
                        "name": name,
                        "strap_name": straps[p][0],
                        "strap_address": straps[p][1],
                        "profile": profiles[p],
                        "events": [e.to_dict() for q, e in events if q == p],
                    }
                    for p, name in enumerate(PARTNERS)
                ],
                "couple_events": [e.to_dict() for e in couple_events],
                "markers": [{"t_s": round(m.t_s, 3), "text": m.text} for m in markers],
                "actions": [
                    {
                        "t_s": round(a.t_s, 3),
                        "kind": a.kind,
                        "person": None if a.person is None else PARTNERS[a.person],
                        **a.detail,
                    }
                    for a in actions
                ],
            }
        )
        return 0
    print(f"Couple session {info.id}: {info.source}, {info.status}")
    print(
        f"Started {_date_text(info)}, {clock_text(info.duration_s)} long, {info.beats} beats "
        f"in all; at least one of you flooded {info.flooded_s / 60:.1f} min, peak heart rate "
        f"{_peak_text(info.peak_hr_bpm)}"
    )
    for p, name in enumerate(PARTNERS):
        strap = " ".join(part for part in straps[p] if part)
        profile = f", profile {profiles[p]}" if profiles[p] else ""
        if strap or profile:
            print(f"{name}: {strap or 'strap not named'}{profile}")
    if info.note:
        print(f"Note: {info.note}")
    timeline = [(e.t_s, f"{PARTNERS[p]}: {EVENT_WORDS[e.kind]}") for p, e in events]
    timeline += [(e.t_s, couple_event_text(e)) for e in couple_events]
    timeline += [(m.t_s, f"Marker: {m.text}") for m in markers]
    timeline += [(a.t_s, "You started a shared pause.") for a in actions if a.person is None]
    for t_s, text in sorted(timeline, key=lambda item: item[0]):
        print(f"  {clock_text(t_s)}  {text}")
    return 0


# --- replay ------------------------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    import asyncio

    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.recorder import Replay

    config = load_config()
    with _open_store(args) as store:
        if store.session(args.id).persons == 2:
            return _replay_couple(args, store, config)
        session = Replay(store, args.id, config)
        recorded = store.events(args.id)
    speed = math.inf if args.max or (args.json and args.speed is None) else args.speed or 1.0
    monitor = TextMonitor(sys.stdout if not args.json else _Discard())
    updates: list[Update] = []

    def feed(update: Update) -> None:
        updates.append(update)
        monitor.feed(update)

    try:
        if math.isinf(speed):
            _replay_at_once(session, feed)
        else:
            asyncio.run(_replay_paced(session, speed, feed))
    except KeyboardInterrupt:
        print()
    if args.json:
        events = [event for update in updates for event in update.events]
        write_json(
            {
                "session": session.info.id,
                "events": [event.to_dict() for event in events],
                "same_as_recorded": events == recorded,
                "summary": _summary_json(monitor.summary),
            }
        )
    else:
        print(monitor.summary.text())
    return 0


def _replay_couple(args: argparse.Namespace, store: Store, config: Any) -> int:
    """A couple session through a fresh couple engine: each partner's events and the
    couple's, compared with the recorded ones."""
    import asyncio

    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.couple.engine import PARTNERS
    from pausepoint.sessions.recorder import CoupleReplay
    from pausepoint.sources.pacing import paced_stream

    session = CoupleReplay(store, args.id, config)
    recorded = store.person_events(args.id)
    recorded_couple = store.couple_events(args.id)
    speed = math.inf if args.max or (args.json and args.speed is None) else args.speed or 1.0
    monitor = CoupleTextMonitor(sys.stdout if not args.json else _Discard())
    updates: list[Any] = []

    def feed(cu: Any) -> None:
        updates.append(cu)
        monitor.feed(cu)

    async def paced_replay() -> None:
        async for person, sample in paced_stream(session.stream, speed):
            feed(session.push(person, sample))
        for cu in session.finish():
            feed(cu)

    try:
        if math.isinf(speed):
            for cu in session.run():
                feed(cu)
        else:
            asyncio.run(paced_replay())
    except KeyboardInterrupt:
        print()
    events = [(cu.person, event) for cu in updates for event in cu.update.events]
    couple_events = [event for cu in updates for event in cu.couple_events]
    if not args.json:
        print(monitor.text())
        return 0
    write_json(
        {
            "session": session.info.id,
            "partners": [
                {
                    "name": name,
                    "events": [e.to_dict() for q, e in events if q == p],
                    "summary": _summary_json(monitor.summaries[p]),
                }
                for p, name in enumerate(PARTNERS)
            ],
            "couple_events": [e.to_dict() for e in couple_events],
            "same_as_recorded": events == recorded and couple_events == recorded_couple,
        }
    )
    return 0


def _summary_json(s: Any) -> dict[str, Any]:
    return {
        "duration_s": round(s.duration_s, 3),
        "beats": s.beats,
        "flooded_s": round(s.flooded_s, 3),
        "peak_hr_bpm": None if s.peak_hr_bpm is None else round(s.peak_hr_bpm, 1),
        "peak_arousal": None if s.peak_arousal is None else round(s.peak_arousal, 1),
    }


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


def _replay_at_once(session: Any, feed: Any) -> None:
    from pausepoint.cli.progress import Progress

    progress = Progress("Replaying", len(session.samples))
    for i, sample in enumerate(session.samples):
        feed(session.push(sample))
        if i % PROGRESS_EVERY == 0:
            progress.step(i)
    last = session.finish()
    if last is not None:
        feed(last)
    progress.done()


async def _replay_paced(session: Any, speed: float, feed: Any) -> None:
    from pausepoint.sources.pacing import paced

    async for sample in paced(session.samples, speed):
        feed(session.push(sample))
    last = session.finish()
    if last is not None:
        feed(last)


def cmd_report(args: argparse.Namespace) -> int:
    """One person's page; of a couple session both partners' page, or one's with --person."""
    from pausepoint.cli.progress import Progress
    from pausepoint.config import load_config
    from pausepoint.reports.report import RENDER_STEPS, ReportInput, render_report
    from pausepoint.sessions.recorder import replay

    config = load_config()
    with _open_store(args) as store:
        info = store.session(args.id)
        if info.persons == 1:
            _check_person(info, args.person, "a report")
        markers = [(m.t_s, m.text) for m in store.markers(args.id)]
        if info.persons == 2 and args.person is None:
            return _couple_report(args, store, info, config, markers)
        person = args.person or 0
        updates = list(replay(store, args.id, config, person))
    started = info.started_utc.astimezone()
    whose = "" if args.person is None else f", partner {'AB'[person]}"
    strap_name = info.strap_name_b if person else info.strap_name
    data = ReportInput(
        title=f"Check-in{whose}, {started:%d %b %Y, %H:%M}",
        source=strap_name or info.source,
        updates=updates,
        markers=markers,
        note=info.note or "",
    )
    render_report(data, args.out, Progress("Report", RENDER_STEPS), config=config)
    print(f"Report of session {info.id} -> {args.out}")
    return 0


def _couple_report(
    args: argparse.Namespace,
    store: Store,
    info: SessionInfo,
    config: Any,
    markers: list[tuple[float, str]],
) -> int:
    from pausepoint.cli.progress import Progress
    from pausepoint.reports.report import RENDER_STEPS, render_couple_report

    data = couple_report_input(store, info, config, markers)
    render_couple_report(data, args.out, Progress("Report", RENDER_STEPS), config=config)
    print(f"Couple report of session {info.id} -> {args.out}")
    return 0


def couple_report_input(
    store: Store, info: SessionInfo, config: Any, markers: Sequence[tuple[float, str]] = ()
) -> Any:
    """Both partners through a fresh couple engine, and their linkage: a CoupleReportInput."""
    from pausepoint.couple.engine import updates_linkage
    from pausepoint.reports import report
    from pausepoint.sessions.recorder import CoupleReplay

    updates = list(CoupleReplay(store, info.id, config).run())
    return report.couple_report_input(
        info, updates, updates_linkage(updates, config.linkage), markers
    )


# --- import, export ----------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from pausepoint.cli.progress import Progress
    from pausepoint.config import load_config
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sources.files import read_rr_file, to_samples
    from pausepoint.words import clock_text

    name = args.file.name
    rec = read_rr_file(args.file)
    samples = to_samples(rec)
    if not samples:
        raise BadInput(f"{name}: no RR intervals in the file; nothing to import")
    config = load_config()
    with _open_store(args, write=True) as store:
        recorder = Recorder(
            store,
            config,
            source=f"file:{name}",
            note=args.note,
            details={"file": {"format": rec.format, "unit_note": rec.unit_note}},
            atomic=True,
        )
        progress = Progress("Importing", len(samples))
        try:
            for i, sample in enumerate(samples):
                recorder.feed(sample)
                if i % PROGRESS_EVERY == 0:
                    progress.step(i)
            recorder.finish()
        finally:
            progress.done()
    s = recorder.summary
    print(
        f"Imported {name} as session {recorder.session_id}: {clock_text(s.duration_s)}, "
        f"{s.beats} beats ({rec.unit_note})"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import tempfile

    from pausepoint.sources.files import write_heart_file, write_text_atomic

    with _open_store(args) as store:
        info = store.session(args.id)
        if args.format != "json":
            _check_person(info, args.person, f"one partner's {args.format}")
        elif args.person is not None and info.persons == 1:
            _check_person(info, args.person, "")
        samples = store.samples(args.id, args.person or 0)
        if args.format == "json":
            obj = _export_json(store, info, args.person)

    def write(path: Path) -> None:
        if args.format == "json":
            write_text_atomic(path, json.dumps(obj, separators=(",", ":")) + "\n")
        else:
            write_heart_file(path, samples, kubios=args.format == "kubios")

    if args.out is not None:
        write(args.out)
        whose = "" if args.person is None else f" (partner {'AB'[args.person]})"
        print(f"Session {info.id}{whose} written to {args.out} ({args.format}).", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"session-{info.id}"
        write(path)
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return 0


def _check_person(info: SessionInfo, person: int | None, what: str) -> None:
    """A couple session needs --person for what is one person's; a one-person session none."""
    if person is not None and info.persons == 1:
        raise UserError(f"session {info.id} has one person; leave out --person")
    if person is None and info.persons == 2:
        raise UserError(
            f"session {info.id} is a couple session: add --person A or --person B for {what}"
        )


def _export_json(store: Store, info: SessionInfo, person: int | None) -> dict[str, Any]:
    """Everything of a session. Of a couple session, each sample, event and action says
    whose it is ("person": 0 for A, 1 for B, an action's None for the couple), unless one
    partner is asked for (then theirs, and the couple's actions and events)."""
    couple = info.persons == 2

    def mine(p: int | None) -> bool:
        return person is None or p == person or p is None

    def tagged(p: int | None, row: dict[str, Any]) -> dict[str, Any]:
        return {"person": p, **row} if couple else row

    obj: dict[str, Any] = {
        "format": "pausepoint-session",
        "session": {**info.to_dict(), "settings": info.settings},
        "samples": [
            tagged(p, _sample_json(sample))
            for p, sample in store.person_samples(info.id)
            if mine(p)
        ],
        "events": [
            tagged(p, event.to_dict())
            for p, event in store.person_events(info.id, origin=None)
            if mine(p)
        ],
        "markers": [{"t_s": m.t_s, "text": m.text} for m in store.markers(info.id)],
        "actions": [
            tagged(a.person, {"seq": a.seq, "t_s": a.t_s, "kind": a.kind, **a.detail})
            for a in store.actions(info.id)
            if mine(a.person)
        ],
    }
    if couple:
        obj["couple_events"] = [e.to_dict() for e in store.couple_events(info.id)]
    return obj


# --- delete ------------------------------------------------------------------------------


def cmd_delete(args: argparse.Namespace) -> int:
    from pausepoint.words import clock_text

    with _open_store(args, write=True) as store:
        info = store.session(args.id)
        question = (
            f"Delete session {info.id} ({_date_text(info)}, {clock_text(info.duration_s)})? [y/N] "
        )
        no_terminal = (
            f"session {info.id} not deleted: no terminal to confirm; "
            "add --yes to delete it without asking"
        )
        if not confirmed(question, no_terminal, args.yes):
            print("Not deleted.")
            return 1
        store.delete_session(info.id)
    print(f"Deleted session {info.id}.")
    return 0

"""``record``: a session with the text monitor, of one person or a couple (both partners
in one session), from straps or the simulator."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from pausepoint.cli.common import (
    DB_OPTION,
    add_check_in_options,
    add_profile_option,
    add_quiet_option,
    any_scenario,
    is_couple_scenario,
    positive,
    rings,
    run_until_stopped,
    save_check_in,
)
from pausepoint.cli.store_access import chosen_profiles, open_store
from pausepoint.errors import UserError
from pausepoint.strap.target import strap_target

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.cli.common import Subparsers
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import Config
    from pausepoint.sessions.recorder import CoupleRecorder, Recorder
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import LinkState

    Work = Coroutine[Any, Any, None]


def register(sub: Subparsers) -> None:
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
    add_check_in_options(p)
    add_quiet_option(p)
    add_profile_option(p)
    p.set_defaults(func=cmd_record)


def cmd_record(args: argparse.Namespace) -> int:
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import load_config

    config = load_config()
    if args.device is not None and args.speed is not None:
        raise UserError("--speed is for --simulate; a strap streams in real time")
    if args.device is not None and len(args.device) > 2:
        raise UserError("--device at most twice: one strap per partner")
    if args.ecg and args.device is None:
        raise UserError("--ecg keeps a Polar strap's raw ECG: use it with --device")
    couple = (args.device is not None and len(args.device) == 2) or is_couple_scenario(
        args.simulate
    )
    profiles = chosen_profiles(args, 2 if couple else 1)
    monitor: TextMonitor | CoupleTextMonitor
    recorder: Recorder | CoupleRecorder
    with open_store(args, write=True) as store:
        if couple:
            monitor = CoupleTextMonitor(sys.stdout, config.break_.min_s, bell=rings(args))
            recorder, work = _couple_recording(store, config, args, profiles, monitor)
        else:
            monitor = TextMonitor(sys.stdout, config.break_.min_s, bell=rings(args))
            recorder, work = _one_person_recording(store, config, args, profiles[0], monitor)
        print(
            f"Recording {'couple session' if couple else 'session'} {recorder.session_id} "
            f"in {store.path} (Ctrl-C ends it).",
            file=sys.stderr,
        )
        run_until_stopped(work)
        if recorder.session_id is not None:
            save_check_in(store, recorder.session_id, args)
    print(monitor.summary.text() if isinstance(monitor, TextMonitor) else monitor.text())
    if recorder.session_id is None:
        print("Nothing was received, so no session was kept.")
    else:
        print(f"Saved as session {recorder.session_id}.")
    return 0


def _one_person_recording(
    store: Store,
    config: Config,
    args: argparse.Namespace,
    profile: Profile | None,
    monitor: TextMonitor,
) -> tuple[Recorder, Work]:
    """One person's session and the work that records it: their strap, or a scenario."""
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sessions.settings import PipelineSettings
    from pausepoint.strap.feed import record_strap

    settings = PipelineSettings.for_profile(profile, auto_break=True)
    name = None if profile is None else profile.name
    if args.device is None:
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
            details=_simulation_details(args),
        )
        return recorder, recorder.run(paced(rec.samples, args.speed or 1.0), monitor.feed)
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

    def on_state(state: LinkState) -> None:
        print(f"Strap: {state}", file=sys.stderr, flush=True)

    work = record_strap(
        recorder,
        address=target.get("address"),
        name=target.get("name"),
        minutes=args.minutes,
        on_update=monitor.feed,
        on_state=on_state,
        ecg=args.ecg,
    )
    return recorder, work


def _couple_recording(
    store: Store,
    config: Config,
    args: argparse.Namespace,
    profiles: Sequence[Profile | None],
    monitor: CoupleTextMonitor,
) -> tuple[CoupleRecorder, Work]:
    """Both partners' session and the work that records it: two straps (A, then B), or a
    couple scenario."""
    from pausepoint.couple.engine import PARTNERS
    from pausepoint.sessions.recorder import CoupleRecorder
    from pausepoint.sessions.settings import CoupleSettings
    from pausepoint.strap.feed import record_couple_straps

    settings = CoupleSettings.for_profiles(profiles)
    a, b = (None if p is None else p.name for p in profiles)
    if args.device is None:
        from pausepoint.sources.pacing import paced_stream
        from pausepoint.sources.simulated.couples import simulate_couple

        rec = simulate_couple(args.simulate, seed=args.seed, minutes=args.minutes)
        recorder = CoupleRecorder(
            store,
            config,
            source=f"simulated:{args.simulate}",
            settings=settings,
            note=args.note,
            profiles=(a, b),
            details=_simulation_details(args),
        )
        work = recorder.run(paced_stream(rec.merged(), args.speed or 1.0), monitor.feed)
        return recorder, work
    targets = [strap_target(device) for device in args.device]
    strap_a, strap_b = ((t.get("name"), t.get("address")) for t in targets)
    recorder = CoupleRecorder(
        store,
        config,
        source="ble:couple",
        settings=settings,
        note=args.note,
        straps=(strap_a, strap_b),
        profiles=(a, b),
    )

    def on_state(person: int, state: LinkState) -> None:
        print(f"Strap {PARTNERS[person]}: {state}", file=sys.stderr, flush=True)

    work = record_couple_straps(
        recorder,
        targets,
        minutes=args.minutes,
        on_update=monitor.feed,
        on_state=on_state,
        ecg=args.ecg,
    )
    return recorder, work


def _simulation_details(args: argparse.Namespace) -> dict[str, Any]:
    """What a simulated session keeps to be made again: scenario, seed, length."""
    return {"simulation": {"scenario": args.simulate, "seed": args.seed, "minutes": args.minutes}}

"""Command line: thin shells over the pipeline, sources and files.

Errors a user can cause print one line (what, where, what to do) and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pausepoint import __version__
from pausepoint.cli import calibrate, dashboard, sessions
from pausepoint.cli.common import (
    Parser,
    add_profile_option,
    any_scenario,
    chosen_profiles,
    is_couple_scenario,
    positive,
    window,
    write_json,
)
from pausepoint.errors import BadInput, UserError
from pausepoint.strap.target import strap_target


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="pausepoint",
        description="Biofeedback for hard conversations: notices flooding and prompts a pause.",
    )
    parser.add_argument("--version", action="version", version=f"pausepoint {__version__}")
    parser.add_argument("--db", type=Path, metavar="PATH", help="session database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("simulate", help="write a simulated recording and its ground truth")
    p.add_argument("scenario", type=any_scenario, metavar="SCENARIO")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--minutes", type=positive)
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="recording, pausepoint CSV (a couple scenario writes OUT-A.csv and OUT-B.csv)",
    )
    p.add_argument("--truth", type=Path, help="ground truth, JSON")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("monitor", help="live text monitor: a status line per second")
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--simulate", metavar="SCENARIO", type=any_scenario, help="couple-*: two people"
    )
    src.add_argument(
        "--device",
        metavar="ADDRESS|NAME",
        action="append",
        help="a strap's address or name; twice for a couple (A, then B)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--minutes", type=positive)
    p.add_argument("--speed", type=positive, default=1.0, help="simulation speed, e.g. 10")
    add_profile_option(p)
    p.set_defaults(func=cmd_monitor)

    p = sub.add_parser("scan", help="list heart-rate straps nearby")
    p.add_argument("--timeout", type=positive, default=5.0, metavar="S", help="seconds to listen")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("analyze", help="run the engine over an RR file: flooding, events, HRV")
    p.add_argument(
        "input",
        type=Path,
        metavar="INPUT",
        nargs="+",
        help="one RR file, or two (partners A and B of one check-in) for couple mode",
    )
    p.add_argument(
        "--baseline",
        type=window,
        metavar="START_S:END_S",
        help="calm stretch to judge against (default: the first calm minutes)",
    )
    p.add_argument(
        "--auto-break",
        action="store_true",
        help="treat the end of flooding as the start of a break",
    )
    p.add_argument(
        "--profile",
        metavar="NAME",
        action="append",
        help="judge by this person's calibrated baseline and flooding ceiling (a couple: twice)",
    )
    p.add_argument("--timeline", action="store_true", help="add a row per second")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("hrv", help="whole-recording HRV table of an RR file")
    p.add_argument("input", type=Path, metavar="INPUT")
    p.add_argument("--no-correction", action="store_true", help="use RR as recorded")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_hrv)

    sessions.register(sub)
    calibrate.register(sub)
    dashboard.register(sub)
    return parser


def cmd_simulate(args: argparse.Namespace) -> int:
    from pausepoint.sources.files import write_pausepoint_csv
    from pausepoint.sources.simulated.scenarios import simulate

    if is_couple_scenario(args.scenario):
        return _simulate_couple(args)
    rec = simulate(args.scenario, seed=args.seed, minutes=args.minutes)
    write_pausepoint_csv(args.out, rec.heart_samples())
    if args.truth:
        from pausepoint.sources.files import write_text_atomic

        write_text_atomic(args.truth, json.dumps(rec.truth.to_dict(), indent=1) + "\n")
    beats = sum(len(s.rr_ms) for s in rec.heart_samples())
    print(
        f"{args.scenario} (seed {args.seed}): {beats} beats, "
        f"{rec.truth.duration_s / 60:.1f} min -> {args.out}"
    )
    return 0


def _simulate_couple(args: argparse.Namespace) -> int:
    from pausepoint.sources.files import partner_path, write_pausepoint_csv, write_text_atomic
    from pausepoint.sources.simulated.couples import simulate_couple

    rec = simulate_couple(args.scenario, seed=args.seed, minutes=args.minutes)
    for person in (0, 1):
        partner = rec.partner(person)
        path = partner_path(args.out, person)
        write_pausepoint_csv(path, partner.heart_samples())
        beats = sum(len(s.rr_ms) for s in partner.heart_samples())
        print(
            f"{args.scenario} (seed {args.seed}), partner {'AB'[person]} "
            f"(person {partner.truth.seed}): {beats} beats, "
            f"{partner.truth.duration_s / 60:.1f} min -> {path}"
        )
    if args.truth:
        truth = {**rec.truth.to_dict(), "A": rec.a.truth.to_dict(), "B": rec.b.truth.to_dict()}
        write_text_atomic(args.truth, json.dumps(truth, indent=1) + "\n")
    return 0


def cmd_monitor(args: argparse.Namespace) -> int:
    import asyncio

    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.recorder import PipelineSettings

    devices = args.device or []
    if len(devices) > 2:
        raise UserError("--device at most twice: one strap per partner")
    if len(devices) == 2 or is_couple_scenario(args.simulate):
        return _monitor_couple(args)
    (profile,) = chosen_profiles(args, 1)
    pipeline = PipelineSettings.for_profile(profile, auto_break=True).build(load_config())
    monitor = TextMonitor(sys.stdout)
    scenario = args.simulate
    device = devices[0] if devices else None
    if scenario is None and device is None:
        device = _nearby_strap()
        if device is None:
            scenario = "argument"
    try:
        if device is not None:
            asyncio.run(_monitor_strap(device, pipeline, monitor))
        else:
            asyncio.run(_monitor_simulation(scenario, args, pipeline, monitor))
    except KeyboardInterrupt:
        print()
    print(monitor.summary.text())
    return 0


def _nearby_strap() -> str | None:
    """The strongest known strap nearby, or None (said in one line) to run the simulator."""
    import asyncio

    from pausepoint.strap.ble import NoBluetooth, scan

    try:
        found = asyncio.run(scan(3.0))
    except NoBluetooth:
        print("No Bluetooth adapter: running the simulated 'argument' scenario.", file=sys.stderr)
        return None
    straps = [s for s in found if s.known] or found
    if not straps:
        print("No strap found nearby: running the simulated 'argument' scenario.", file=sys.stderr)
        return None
    return straps[0].address


async def _monitor_simulation(scenario, args, pipeline, monitor) -> None:
    from pausepoint.sources.pacing import paced
    from pausepoint.sources.simulated.scenarios import simulate

    rec = simulate(scenario, seed=args.seed, minutes=args.minutes)
    async for sample in paced(rec.samples, args.speed):
        monitor.feed(pipeline.push(sample))


def _monitor_couple(args: argparse.Namespace) -> int:
    """Two people: two straps (A, then B), or a couple scenario; two lines a second."""
    import asyncio

    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.recorder import CoupleSettings

    engine = CoupleSettings.for_profiles(chosen_profiles(args, 2)).build(load_config())
    monitor = CoupleTextMonitor(sys.stdout)
    try:
        if args.device:
            asyncio.run(_monitor_couple_straps(args.device, engine, monitor))
        else:
            asyncio.run(_monitor_couple_simulation(args, engine, monitor))
    except KeyboardInterrupt:
        print()
    print(monitor.text())
    return 0


async def _monitor_couple_simulation(args: argparse.Namespace, engine, monitor) -> None:
    from pausepoint.sources.pacing import paced_stream
    from pausepoint.sources.simulated.couples import simulate_couple

    rec = simulate_couple(args.simulate, seed=args.seed, minutes=args.minutes)
    async for person, sample in paced_stream(rec.merged(), args.speed):
        monitor.feed(engine.push(person, sample))
    for cu in engine.finish():
        monitor.feed(cu)


async def _monitor_couple_straps(
    devices: Sequence[str], engine, monitor, **source_options: Any
) -> None:
    """Both straps on one event loop and one clock, into the couple engine."""
    from pausepoint.couple.engine import PARTNERS
    from pausepoint.sessions.recorder import run_straps

    def on_state(person: int, state: Any) -> None:
        print(f"Strap {PARTNERS[person]}: {state}", file=sys.stderr, flush=True)

    await run_straps(
        [strap_target(device) for device in devices],
        lambda person, sample: monitor.feed(engine.push(person, sample)),
        on_state=on_state,
        **source_options,
    )


async def _monitor_strap(device: str, pipeline, monitor, **source_options: Any) -> None:
    from pausepoint.strap.ble import BleSource

    def on_state(state) -> None:
        print(f"Strap: {state}", file=sys.stderr, flush=True)

    source = BleSource(
        lambda sample: monitor.feed(pipeline.push(sample)),
        on_state=on_state,
        acc=True,
        **strap_target(device),
        **source_options,
    )
    try:
        await source.run()
    finally:
        await source.stop()


def cmd_scan(args: argparse.Namespace) -> int:
    import asyncio

    from pausepoint.strap.ble import scan

    found = asyncio.run(scan(args.timeout))
    if args.json:
        write_json([vars(s) for s in found])
        return 0
    if not found:
        print("No heart-rate strap heard. Is it on, moistened and worn? Try --timeout 15.")
        return 0
    for s in found:
        model = s.model or "unknown strap"
        print(f"{s.name or '(no name)':24s} {s.address:20s} {s.rssi_dbm:4d} dBm  {model}")
    return 0


def _read_samples(path: Path) -> tuple[list, str]:
    from pausepoint.sources.files import read_rr_file, to_samples

    rec = read_rr_file(path)
    samples = to_samples(rec)
    if not samples:
        raise BadInput(f"{path}: no RR intervals in the file; nothing to analyze")
    return samples, rec.unit_note


def _profiled(args: argparse.Namespace, name: str | None, config: Any) -> tuple[Any, Any]:
    """(thresholds, calm level) for one person: their profile's, else the defaults."""
    if name is None:
        return config, None
    profile = calibrate.profile_from_db(args, name)
    if profile.baseline is not None and args.baseline is not None:
        raise UserError(
            f"--baseline and --profile {profile.name} both give a calm level; choose one"
        )
    return profile.config(config), profile.baseline


def cmd_analyze(args: argparse.Namespace) -> int:
    from pausepoint.cli.progress import Progress
    from pausepoint.config import load_config
    from pausepoint.pipeline.offline import analyze

    if len(args.input) > 2:
        raise UserError("analyze takes one RR file, or two for a couple (A, then B)")
    profiles = args.profile or []
    if len(profiles) > len(args.input):
        raise UserError(
            f"--profile given {len(profiles)} times for {len(args.input)} input(s); "
            "give one per person, or none"
        )
    if len(args.input) == 2:
        return _analyze_couple(args, profiles)
    config, baseline = _profiled(args, profiles[0] if profiles else None, load_config())
    (path,) = args.input
    samples, unit_note = _read_samples(path)
    result = analyze(
        samples,
        config,
        input_name=str(path),
        baseline=baseline,
        baseline_window_s=args.baseline,
        auto_break=args.auto_break,
        timeline=args.timeline,
        progress=Progress("Analyzing", len(samples)),
    )
    if profiles:
        result["profile"] = profiles[0]
    if args.json:
        write_json(result)
    else:
        _print_analysis(result, unit_note)
    return 0


def _analyze_couple(args: argparse.Namespace, profiles: list[str]) -> int:
    """Two partners of one check-in: each one's events, the shared pause, and the linkage
    of their heart rates. The files must share one clock (pausepoint CSV arrival times, as
    `simulate couple-*` and `export --person` write them); files that count from zero are
    taken to have started together."""
    from pausepoint.config import load_config
    from pausepoint.couple.engine import analyze_couple

    if args.auto_break or args.timeline:
        option = "--auto-break" if args.auto_break else "--timeline"
        raise UserError(
            f"{option} is for one person; with two inputs the shared pause starts at the "
            "first flood"
        )
    if len(profiles) == 1:
        raise UserError("with two inputs give --profile twice (A, then B), or not at all")
    config = load_config()
    people = [_profiled(args, name, config) for name in (profiles or [None, None])]
    read = [_read_samples(path) for path in args.input]
    result = analyze_couple(
        [samples for samples, _ in read],
        [cfg for cfg, _ in people],
        inputs=[str(path) for path in args.input],
        baselines=[baseline for _, baseline in people],
        baseline_windows_s=[args.baseline, args.baseline],
    )
    if profiles:
        for partner, name in zip(result["partners"], profiles, strict=True):
            partner["profile"] = name
    if args.json:
        write_json(result)
    else:
        _print_couple_analysis(result)
    return 0


def _print_couple_analysis(r: dict[str, Any]) -> None:
    from pausepoint.couple.engine import CoupleEvent, CoupleEventKind, couple_event_text
    from pausepoint.model import EventKind
    from pausepoint.words import EVENT_WORDS, clock_text

    timeline = []
    for partner in r["partners"]:
        s, name = partner["summary"], partner["name"]
        print(
            f"{name}: {partner['input']}, {partner['beats']} beats over "
            f"{clock_text(partner['duration_s'])}; mean heart rate {s['mean_hr_bpm']} bpm, "
            f"flooded {s['flooded_s'] / 60:.1f} min, peak arousal {s['peak_arousal']}"
        )
        timeline += [
            (e["t_s"], f"{name}: {EVENT_WORDS[EventKind(e['kind'])]}")
            for e in partner["events"]
            if e["kind"] != EventKind.GAP
        ]
    for e in r["couple_events"]:
        detail = {k: v for k, v in e.items() if k not in ("t_s", "kind")}
        event = CoupleEvent(e["t_s"], CoupleEventKind(e["kind"]), detail)
        timeline.append((e["t_s"], couple_event_text(event)))
    for t_s, text in sorted(timeline, key=lambda item: item[0]):
        print(f"  {clock_text(t_s)}  {text}")
    print(f"Linkage: {r['linkage']['summary']}")


def _print_analysis(r: dict[str, Any], unit_note: str) -> None:
    from pausepoint.model import EventKind
    from pausepoint.words import EVENT_WORDS, clock_text

    s = r["summary"]
    print(f"{r['input']}: {r['beats']} beats over {clock_text(r['duration_s'])} ({unit_note})")
    b = r["baseline"]
    if b:
        print(f"Calm level ({b['from']}): {b['hr_bpm']} bpm, RMSSD {b['rmssd_ms']} ms")
    else:
        print("Calm level: not found (the recording never held 2 calm minutes)")
    print(
        f"Mean heart rate {s['mean_hr_bpm']} bpm, RMSSD {s['rmssd_ms']} ms, "
        f"SDNN {s['sdnn_ms']} ms, pNN50 {s['pnn50_pct']} %"
    )
    a = s["artifacts"]
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(a["by_kind"].items())) or "none"
    print(f"Corrected beats: {a['count']} ({a['rate'] * 100:.2f} %): {kinds}")
    print(f"Time flooded: {s['flooded_s'] / 60:.1f} min; peak arousal {s['peak_arousal']}")
    for e in r["events"]:
        if e["kind"] != EventKind.GAP:
            print(f"  {clock_text(e['t_s'])}  {EVENT_WORDS[EventKind(e['kind'])]}")
    gaps = sum(e["kind"] == EventKind.GAP for e in r["events"])
    if gaps:
        print(f"  {gaps} gap{'s' * (gaps != 1)} where beats were not received")


def cmd_hrv(args: argparse.Namespace) -> int:
    import numpy as np

    from pausepoint.config import load_config
    from pausepoint.pipeline.offline import corrected_beats, hrv_table

    samples, unit_note = _read_samples(args.input)
    if args.no_correction:
        rr_ms = np.array([v for s in samples for v in s.rr_ms])
    else:
        rr_ms = np.array([b.rr_ms for b in corrected_beats(samples, load_config())])
    table = hrv_table(rr_ms)
    if args.json:
        write_json(table)
        return 0
    print(
        f"{args.input}: {len(rr_ms)} intervals ({unit_note}"
        f"{', uncorrected' if args.no_correction else ', artifacts corrected'})"
    )
    for key, value in table.items():
        if key != "method":
            print(
                f"  {key:16s} {value:.4g}" if isinstance(value, float) else f"  {key:16s} {value}"
            )
    print(f"  method: {table['method']}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        from pausepoint.ui.app import has_display

        command = "dashboard" if has_display() else "monitor"
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), command])
        func = args.func
    try:
        return func(args)
    except UserError as exc:
        print(f"pausepoint: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130

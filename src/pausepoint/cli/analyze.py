"""``analyze``: the engine over an RR file (one person) or two (partners A and B).

One person: flooding, events and HRV, optionally a row a second. A couple: each partner's
events, the shared pause and the linkage of their heart rates. The two files must share
one clock (pausepoint CSV arrival times, as `simulate couple-*` and `export --person`
write them); files that count from zero are taken to have started together.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pausepoint.cli.common import read_samples, window, write_json
from pausepoint.cli.store_access import profile_from_db
from pausepoint.errors import UserError

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.config import Config
    from pausepoint.model import Baseline, Sample


def register(sub: Subparsers) -> None:
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


def cmd_analyze(args: argparse.Namespace) -> int:
    from pausepoint.config import load_config

    persons = len(args.input)
    if persons > 2:
        raise UserError("analyze takes one RR file, or two for a couple (A, then B)")
    profiles: list[str] = args.profile or []
    if len(profiles) > persons:
        raise UserError(
            f"--profile given {len(profiles)} times for {persons} input(s); "
            "give one per person, or none"
        )
    if persons == 2:
        if args.auto_break or args.timeline:
            option = "--auto-break" if args.auto_break else "--timeline"
            raise UserError(
                f"{option} is for one person; with two inputs the shared pause starts at the "
                "first flood"
            )
        if len(profiles) == 1:
            raise UserError("with two inputs give --profile twice (A, then B), or not at all")
    config = load_config()
    names: list[str | None] = [*profiles] if profiles else [None] * persons
    people = [_profiled(args, name, config) for name in names]
    read = [read_samples(path) for path in args.input]
    if persons == 1:
        ((person_config, baseline),) = people
        ((samples, unit_note),) = read
        result = _analyze_one(args, samples, person_config, baseline)
        if profiles:
            result["profile"] = profiles[0]
    else:
        result = _analyze_couple(args, read, people)
        if profiles:
            for partner, name in zip(result["partners"], profiles, strict=True):
                partner["profile"] = name
    if args.json:
        write_json(result)
    elif persons == 1:
        _print_analysis(result, unit_note, config.break_.min_s)
    else:
        _print_couple_analysis(result, config.break_.min_s)
    return 0


def _profiled(
    args: argparse.Namespace, name: str | None, config: Config
) -> tuple[Config, Baseline | None]:
    """(thresholds, calm level) for one person: their profile's, else the defaults."""
    if name is None:
        return config, None
    profile = profile_from_db(args, name)
    if profile.baseline is not None and args.baseline is not None:
        raise UserError(
            f"--baseline and --profile {profile.name} both give a calm level; choose one"
        )
    return profile.config(config), profile.baseline


def _analyze_one(
    args: argparse.Namespace,
    samples: list[Sample],
    config: Config,
    baseline: Baseline | None,
) -> dict[str, Any]:
    from pausepoint.cli.progress import Progress
    from pausepoint.pipeline.offline import analyze

    (path,) = args.input
    return analyze(
        samples,
        config,
        input_name=str(path),
        baseline=baseline,
        baseline_window_s=args.baseline,
        auto_break=args.auto_break,
        timeline=args.timeline,
        progress=Progress("Analyzing", len(samples)),
    )


def _analyze_couple(
    args: argparse.Namespace,
    read: list[tuple[list[Sample], str]],
    people: list[tuple[Config, Baseline | None]],
) -> dict[str, Any]:
    from pausepoint.couple.engine import analyze_couple

    return analyze_couple(
        [samples for samples, _ in read],
        [config for config, _ in people],
        inputs=[str(path) for path in args.input],
        baselines=[baseline for _, baseline in people],
        baseline_windows_s=[args.baseline, args.baseline],
    )


def _print_analysis(r: dict[str, Any], unit_note: str, break_min_s: float) -> None:
    from pausepoint.model import EventKind
    from pausepoint.words import clock_text, event_words

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
            print(f"  {clock_text(e['t_s'])}  {event_words(EventKind(e['kind']), break_min_s, e)}")
    gaps = sum(e["kind"] == EventKind.GAP for e in r["events"])
    if gaps:
        print(f"  {gaps} gap{'s' * (gaps != 1)} where beats were not received")


def _print_couple_analysis(r: dict[str, Any], break_min_s: float) -> None:
    from pausepoint.couple.engine import CoupleEvent, CoupleEventKind, couple_event_text
    from pausepoint.model import EventKind
    from pausepoint.words import clock_text, event_words

    timeline = []
    for partner in r["partners"]:
        s, name = partner["summary"], partner["name"]
        print(
            f"{name}: {partner['input']}, {partner['beats']} beats over "
            f"{clock_text(partner['duration_s'])}; mean heart rate {s['mean_hr_bpm']} bpm, "
            f"flooded {s['flooded_s'] / 60:.1f} min, peak arousal {s['peak_arousal']}"
        )
        timeline += [
            (e["t_s"], f"{name}: {event_words(EventKind(e['kind']), break_min_s, e)}")
            for e in partner["events"]
            if e["kind"] != EventKind.GAP
        ]
    for e in r["couple_events"]:
        detail = {k: v for k, v in e.items() if k not in ("t_s", "kind")}
        event = CoupleEvent(e["t_s"], CoupleEventKind(e["kind"]), detail)
        timeline.append((e["t_s"], couple_event_text(event, break_min_s)))
    for t_s, text in sorted(timeline, key=lambda item: item[0]):
        print(f"  {clock_text(t_s)}  {text}")
    print(f"Linkage: {r['linkage']['summary']}")

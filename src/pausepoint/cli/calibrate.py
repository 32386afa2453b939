"""``calibrate baseline`` and ``calibrate resonance``: measure a person's calm level, or the
breathing rate their heart follows best, and keep it in their profile.

Thin shells over pausepoint.calibration.assessment. A simulated run, or a rest recorded
elsewhere (``calibrate baseline FILE``), is assessed at once; a strap is recorded in real time
(kept as a session, so the raw beats are never lost) and assessed when the protocol ends.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.calibration.assessment import BaselineAssessment, ResonanceAssessment
from pausepoint.calibration.profiles import (
    DEFAULT_PROFILE,
    RECALIBRATE_AFTER_DAYS,
    Profile,
    active_profile,
    save_calibration,
)
from pausepoint.cli.common import DB_OPTION, Parser, profile_name, scenario, window, write_json
from pausepoint.cli.store_access import open_store
from pausepoint.errors import BadInput, UserError
from pausepoint.protocols import BaselineProtocol, ResonanceProtocol
from pausepoint.strap.target import strap_target
from pausepoint.words import RHYTHM_WORDS

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.config import Config
    from pausepoint.model import Sample
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import BleBackend, LinkState

PHASE_EPSILON_S = 1e-6
WINDOW_END_SLACK_S = 1.0
"""A window may end this far after a file's last notification (its times are rounded)."""


def register(sub: Subparsers) -> None:
    """Add ``calibrate`` with its steps ``baseline`` and ``resonance``."""
    p = sub.add_parser(
        "calibrate", help="measure your own calm level, or the breathing rate that calms you"
    )
    steps = p.add_subparsers(dest="step", metavar="STEP", parser_class=Parser, required=True)

    b = steps.add_parser(
        "baseline",
        parents=[DB_OPTION],
        help="5 minutes of quiet rest: your calm heart rate (a strap, or a recording)",
    )
    _common_options(b)
    src = b.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="a seated rest recorded elsewhere, e.g. an Elite HRV morning reading, a Kubios "
        "export or a Polar Sensor Logger file (docs/file-formats.md)",
    )
    src.add_argument("--simulate", metavar="SCENARIO", type=scenario, help="e.g. calm")
    src.add_argument("--device", metavar="ADDRESS|NAME", help="a strap's address or name")
    b.add_argument(
        "--window",
        type=window,
        metavar="START_S:END_S",
        help="with FILE: the calm stretch to judge, in the file's seconds (default: from "
        "30 s after its first beat to 5 minutes)",
    )
    b.set_defaults(func=cmd_calibrate_baseline)

    r = steps.add_parser(
        "resonance",
        parents=[DB_OPTION],
        help="paced breathing at 6.5 down to 4.5 a minute: the rate your heart follows best",
    )
    _common_options(r)
    src = r.add_mutually_exclusive_group(required=True)
    src.add_argument("--simulate", action="store_true", help="a simulated person follows")
    src.add_argument("--device", metavar="ADDRESS|NAME", help="a strap's address or name")
    r.set_defaults(func=cmd_calibrate_resonance)


def _common_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--profile",
        metavar="NAME",
        type=profile_name,
        help=f"whose calibration (default: the active profile, else {DEFAULT_PROFILE!r})",
    )
    p.add_argument("--seed", type=int, default=0, help="simulated person (with --simulate)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")


def _chosen_name(args: argparse.Namespace, store: Store) -> str:
    if args.profile is not None:
        return args.profile
    active = active_profile(store)
    return active.name if active is not None else DEFAULT_PROFILE


# --- calibrate baseline ------------------------------------------------------------------


def cmd_calibrate_baseline(args: argparse.Namespace) -> int:
    from pausepoint.calibration.assessment import assess_baseline
    from pausepoint.config import load_config
    from pausepoint.protocols import load_baseline_protocol

    config = load_config()
    protocol = load_baseline_protocol()
    minutes = protocol.duration_s / 60.0
    if args.window is not None and args.file is None:
        raise UserError("--window cuts a recording: give its FILE too, or leave --window out")
    # A file is read before the store opens: one that cannot be used changes nothing.
    rest = None if args.file is None else _recorded_rest(args.file, args.window, protocol)
    start_s: float | None = 0.0
    with open_store(args, write=True) as store:
        name = _chosen_name(args, store)
        if rest is not None:
            samples, source, protocol, start_s = rest
        elif args.device is not None:
            _say(
                args,
                f"Baseline for {name}: sit comfortably, feet on the floor, and breathe as usual "
                f"for {minutes:g} minutes. No talking. Ctrl-C stops.",
            )
            samples = _record_strap(
                store,
                config,
                args,
                f"calibration: baseline for {name}",
                name,
                minutes,
                cues=rest_cues(protocol.duration_s),
            )
            source = f"strap {args.device}"
        else:
            from pausepoint.sources.simulated.scenarios import simulate

            samples = list(simulate(args.simulate, seed=args.seed, minutes=minutes).samples)
            source = f"simulated {args.simulate}, seed {args.seed}"
        assessment = assess_baseline(
            samples, protocol, config, start_s=start_s, measured_utc=store.utc_now()
        )
        profile = save_calibration(store, name, assessment) if assessment.accepted else None
    if rest is not None:
        first_s, last_s = assessment.window_s
        source += f", {first_s:.0f}-{last_s:.0f} s"
    if args.json:
        _write_assessment(name, source, assessment, profile)
    else:
        _print_baseline(name, source, assessment, profile, config)
    return 0 if assessment.accepted else 1


def _recorded_rest(
    path: Path, window_s: tuple[float, float] | None, protocol: BaselineProtocol
) -> tuple[Sequence[Sample], str, BaselineProtocol, float | None]:
    """A rest recorded elsewhere, with the protocol and start it is judged by. Without a
    window it is judged as a live rest is (settling first, from its first beat); a window
    is the calm stretch the person chose, judged whole."""
    from pausepoint.cli.common import read_samples

    samples, _ = read_samples(path)
    source = f"file {path.name}"
    if window_s is None:
        return samples, source, protocol, None
    start_s, end_s = window_s
    first_s, last_s = samples[0].t_s, samples[-1].t_s
    if end_s <= first_s or start_s >= last_s or end_s > last_s + WINDOW_END_SLACK_S:
        raise BadInput(
            f"{path.name}: the window {start_s:g}:{end_s:g} s is not within the recording, "
            f"which runs from {first_s:.1f} to {last_s:.1f} s; name a stretch inside it"
        )
    judged = replace(protocol, settle_s=0.0, duration_s=end_s - start_s)
    return samples, source, judged, start_s


def _write_assessment(
    name: str,
    source: str,
    assessment: BaselineAssessment | ResonanceAssessment,
    profile: Profile | None,
) -> None:
    write_json(
        {
            "profile": name,
            "source": source,
            "assessment": assessment.to_dict(),
            "saved_profile": None if profile is None else profile.to_dict(),
        }
    )


def _print_baseline(
    name: str, source: str, a: BaselineAssessment, profile: Profile | None, config: Config
) -> None:
    from pausepoint.pipeline.arousal import flooding_rise_bpm

    print(f"Baseline for {name} ({source}):")
    if a.baseline is not None:
        b = a.baseline
        print(f"  Calm heart rate  {b.hr_bpm:5.1f} bpm  (spread {b.hr_sd_bpm:.1f})")
        print(f"  RMSSD            {b.rmssd_ms:5.1f} ms   (spread {b.rmssd_sd_ms:.1f})")
    drift = "-" if a.drift_bpm is None else f"{a.drift_bpm:+.1f} bpm"
    print(
        f"  {a.covered_s / 60:.1f} min of beats, {a.artifact_rate * 100:.1f} % corrected, "
        f"drift {drift} (first to last minute)"
    )
    if a.rhythm is not None:
        print(f"  {RHYTHM_WORDS[a.rhythm]} The corrected beats are that rhythm, not noise.")
    for reason in a.reasons:
        print(f"  - {reason}")
    print(a.advice)
    if profile is not None and profile.baseline is not None:
        cfg = profile.config(config)
        line_bpm = profile.baseline.hr_bpm + flooding_rise_bpm(
            profile.baseline.hr_bpm, cfg.flooding
        )
        print(
            f"Saved in profile {name}. Flooding now means above {line_bpm:.0f} bpm with RMSSD "
            f"down, or above {cfg.flooding.ceiling_hr_bpm:.0f} bpm whatever RMSSD does."
        )
        print(f"Repeat it after {RECALIBRATE_AFTER_DAYS} days, or after a change in fitness.")
    else:
        print("Nothing was saved.")


# --- calibrate resonance -----------------------------------------------------------------


def cmd_calibrate_resonance(args: argparse.Namespace) -> int:
    from pausepoint.calibration.assessment import assess_resonance, simulated_resonance
    from pausepoint.config import load_config
    from pausepoint.protocols import load_resonance_protocol

    config = load_config()
    protocol = load_resonance_protocol()
    with open_store(args, write=True) as store:
        name = _chosen_name(args, store)
        if args.device is not None:
            _say(
                args,
                f"Resonance breathing for {name}: {len(protocol.rates_bpm)} slow breathing rates, "
                f"{protocol.paced_s / 60:g} minutes each, about {protocol.duration_s / 60:.0f} "
                "minutes in all. Breathe softly with the cues; never force a breath.",
            )
            samples = _record_strap(
                store,
                config,
                args,
                f"calibration: resonance for {name}",
                name,
                protocol.duration_s / 60.0,
                cues=pacer_cues(protocol),
            )
            source = f"strap {args.device}"
        else:
            samples = simulated_resonance(protocol, args.seed)
            source = f"simulated, seed {args.seed}"
        assessment = assess_resonance(
            samples, protocol, config, start_s=0.0, measured_utc=store.utc_now()
        )
        profile = save_calibration(store, name, assessment) if assessment.accepted else None
    if args.json:
        _write_assessment(name, source, assessment, profile)
    else:
        _print_resonance(name, source, assessment, profile is not None)
    return 0 if assessment.accepted else 1


def _print_resonance(name: str, source: str, a: ResonanceAssessment, saved: bool) -> None:
    print(f"Resonance breathing for {name} ({source}):")
    rows = [("Rank", "Rate", "LF peak", "Peak-trough HR", "Followed pacer")]
    for r in a.ranking:
        rows.append(
            (
                "-" if r.rank is None else str(r.rank),
                f"{r.rate_bpm:g}/min",
                "-" if r.lf_peak_ms2 is None else f"{r.lf_peak_ms2:.0f} ms²",
                "-" if r.peak_to_trough_bpm is None else f"{r.peak_to_trough_bpm:.1f} bpm",
                "-"
                if r.phase_locking is None
                else f"{'yes' if r.followed else 'no'} ({r.phase_locking:.2f})",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for reason in a.reasons:
        print(f"  - {reason}")
    if a.rate_bpm is not None:
        print(
            f"Best rate: {a.rate_bpm:g} breaths a minute (where the curve through the rates "
            f"peaks; of the rates breathed, {a.best_tested_bpm:g} was best)."
        )
    print(a.advice)
    print(f"Saved in profile {name}." if saved else "Nothing was saved.")


def pacer_cues(protocol: ResonanceProtocol) -> list[tuple[float, str]]:
    """What to say when, in protocol time: the breathing guide for a terminal."""
    from pausepoint.calibration.breathing import INHALE, pacer_phase, seconds_left_in_phase

    blocks = protocol.blocks()
    cues = [(0.0, f"Breathe as usual. The first rate starts in {blocks[0].start_s:g} s.")]
    for i, block in enumerate(blocks):
        cues.append(
            (
                block.start_s,
                f"Now {block.rate_bpm:g} breaths a minute for {protocol.paced_s / 60:g} "
                "minutes: follow the cues.",
            )
        )
        breath_s = 60.0 / block.rate_bpm
        starts = [0.0, protocol.inhale_fraction * breath_s]
        k = 0
        while block.start_s + k * breath_s < block.end_s:
            for offset_s in starts:
                t_s = block.start_s + k * breath_s + offset_s
                if t_s >= block.end_s:
                    break
                # Just after the change, so rounding cannot put it in the phase before.
                pacer_s = t_s - block.start_s + PHASE_EPSILON_S
                phase, _ = pacer_phase(pacer_s, block.rate_bpm, protocol.inhale_fraction)
                left_s = seconds_left_in_phase(pacer_s, block.rate_bpm, protocol.inhale_fraction)
                words = "  breathe in..." if phase == INHALE else "  ...and out"
                cues.append((t_s, f"{words:16s}({left_s:.1f} s)"))
            k += 1
        if i + 1 < len(blocks):
            cues.append(
                (
                    block.end_s,
                    f"Rest: breathe as you like. Next: {blocks[i + 1].rate_bpm:g} a minute "
                    f"in {blocks[i + 1].start_s - block.end_s:g} s.",
                )
            )
    cues.append((protocol.duration_s, "Done. Thank you."))
    return cues


def rest_cues(duration_s: float) -> list[tuple[float, str]]:
    """A quiet minute count for the seated rest."""
    total = f"{duration_s / 60:g}"
    cues = [(60.0 * m, f"{m} of {total} minutes.") for m in range(1, int(duration_s // 60))]
    return [*cues, (duration_s, "Done. Thank you.")]


async def speak(
    cues: Sequence[tuple[float, str]],
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]],
    write: Callable[[str], None],
) -> None:
    """Write each cue when ``clock`` (seconds since the protocol began) reaches its time."""
    for t_s, text in cues:
        wait_s = t_s - clock()
        if wait_s > 0:
            await sleep(wait_s)
        write(text)


# --- recording a strap -------------------------------------------------------------------


def _say(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def _record_strap(
    store: Store,
    config: Config,
    args: argparse.Namespace,
    note: str,
    name: str,
    minutes: float,
    cues: Sequence[tuple[float, str]] = (),
) -> list[Sample]:
    """Record the strap for the protocol's length, in real time, as a session."""
    import asyncio

    from pausepoint.cli.common import until_stopped
    from pausepoint.clock import session_clock

    recording = record_calibration(
        store,
        config,
        strap_target(args.device),
        note=note,
        profile=name,
        minutes=minutes,
        cues=cues,
        write=lambda text: _say(args, text),
        clock=session_clock(),
        sleep=asyncio.sleep,
    )
    try:
        samples = asyncio.run(until_stopped(recording))
    except asyncio.CancelledError:  # SIGTERM: stopped as Ctrl-C stops it, the strap let go
        raise KeyboardInterrupt from None
    if not samples:
        raise UserError(f"no heartbeat came from {args.device}; is the strap worn and moist?")
    return samples


async def record_calibration(
    store: Store,
    config: Config,
    target: dict[str, str],
    *,
    note: str,
    profile: str,
    minutes: float,
    cues: Sequence[tuple[float, str]],
    write: Callable[[str], None],
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]],
    backend: BleBackend | None = None,
) -> list[Sample]:
    """Record a strap (``target``: address or name) as a session while the cues are written
    on time; the samples recorded, [] when none came. Session time is ``clock``."""
    import asyncio

    from pausepoint.sessions.recorder import Recorder
    from pausepoint.strap.feed import record_strap

    recorder = Recorder(
        store,
        config,
        source="ble",
        note=note,
        profile=profile,
        strap_address=target.get("address"),
        strap_name=target.get("name"),
    )

    def on_state(state: LinkState) -> None:
        print(f"Strap: {state}", file=sys.stderr, flush=True)

    guide = asyncio.ensure_future(speak(cues, clock, sleep, write))
    try:
        await record_strap(
            recorder,
            address=target.get("address"),
            name=target.get("name"),
            minutes=minutes,
            clock=clock,
            sleep=sleep,
            backend=backend,
            on_state=on_state,
        )
    finally:
        guide.cancel()
    if recorder.session_id is None:
        return []
    write(f"Recorded as session {recorder.session_id}.")
    return store.samples(recorder.session_id)

"""The ``dashboard`` command: the window people actually use.

``register(sub)`` adds it to the main parser's subparsers. Only argparse is imported here;
Qt and the engine load when the command runs.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.cli.common import (
    add_profile_option,
    add_quiet_option,
    any_scenario,
    is_couple_scenario,
    positive,
    session_id,
)
from pausepoint.cli.store_access import chosen_profiles

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.cli.common import Subparsers


def _at(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more seconds")
    return value


def register(sub: Subparsers) -> None:
    """Add ``dashboard`` to the main parser's subparsers."""
    p = sub.add_parser(
        "dashboard",
        help="open the dashboard window (the default when there is a display)",
        description="Open the dashboard: the last strap used, a strap from a scan, a "
        "simulated conversation or a past session.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--device",
        metavar="ADDRESS|NAME",
        action="append",
        help="connect to this strap; twice for a couple (A, then B): two lanes",
    )
    src.add_argument(
        "--simulate",
        metavar="SCENARIO",
        type=any_scenario,
        help="a simulated talk (couple-*: two people, two lanes)",
    )
    src.add_argument("--replay", metavar="ID", type=session_id, help="replay a past session")
    p.add_argument("--speed", type=positive, default=1.0, help="simulation speed, e.g. 10")
    p.add_argument("--seed", type=int, default=0, help="simulated person (with --simulate)")
    add_profile_option(
        p,
        help="whose calibration judges the session (default: the active profile with a "
        "strap); twice for a couple (A, then B), with --device twice or a couple-* scenario",
    )
    add_quiet_option(p)
    p.add_argument(
        "--calibrate",
        choices=("baseline", "resonance"),
        help="open the calibration wizard: your calm level (baseline, 5 min) or your "
        "breathing pace (resonance, 15 min); with --simulate, a simulated person "
        "(resonance needs --simulate resonance)",
    )
    p.add_argument(
        "--glance",
        action="store_true",
        help="open the session in the glance view: one large word per person, full screen, "
        "readable from across a table (G opens it, Esc leaves it); with --screenshot, a still",
    )
    p.add_argument(
        "--theme",
        choices=("light", "dark", "system"),
        help="colours for this run: light, dark, or as this computer is set (default: "
        "the choice in Settings)",
    )
    p.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        help="render the window offscreen at --at, save it and exit (no waiting: the "
        "session runs at full speed; a simulated person starts the break 30 s after "
        "the flooded prompt)",
    )
    p.add_argument(
        "--at",
        type=_at,
        metavar="T_S",
        help="session time of the screenshot (default: the end; with --calibrate, its result)",
    )
    p.set_defaults(func=cmd_dashboard)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from pausepoint.errors import BadInput
    from pausepoint.ui.app import DashboardOptions, run, screenshot

    if args.at is not None and args.screenshot is None:
        raise BadInput("--at is the time of a --screenshot; add --screenshot FILE.png")
    if args.simulate is None and args.speed != 1.0:
        raise BadInput("--speed is for --simulate; a strap or a replay has its own pace")
    if args.glance and (args.calibrate is not None or args.replay is not None):
        raise BadInput("--glance shows a session as it happens: not with --calibrate or --replay")
    if args.calibrate is not None and args.replay is not None:
        raise BadInput("--calibrate measures now: use it with --device or --simulate, not --replay")
    if args.calibrate == "resonance" and args.simulate not in (None, "resonance"):
        raise BadInput(
            f"--calibrate resonance --simulate {args.simulate}: the simulated person who "
            "breathes the protocol is `resonance`; use --simulate resonance"
        )
    devices = args.device or []
    if len(devices) > 2:
        raise BadInput("--device is given once (one person) or twice (a couple: A, then B)")
    couple = len(devices) == 2 or is_couple_scenario(args.simulate)
    if couple and args.calibrate is not None:
        raise BadInput(
            "--calibrate measures one person: give one --device or a one-person scenario"
        )
    profiles: tuple[Profile | None, ...] = ()
    if args.profile:
        if args.calibrate is not None or args.replay is not None:
            raise BadInput(
                "--profile is for a live session: --calibrate asks whose calibration in its "
                "first step, and a replay keeps the profile it was recorded with"
            )
        if not devices and args.simulate is None:
            raise BadInput(
                "--profile goes with --device or --simulate; without them the dashboard uses "
                "the active profile (`pausepoint profiles --use NAME` chooses it)"
            )
        profiles = chosen_profiles(args, 2 if couple else 1)
    options = DashboardOptions(
        device=devices[0] if len(devices) == 1 else None,
        devices=tuple(devices) if len(devices) == 2 else (),
        simulate=args.simulate,
        speed=args.speed,
        seed=args.seed,
        replay=args.replay,
        db=getattr(args, "db", None),
        screenshot=args.screenshot,
        at_s=args.at,
        calibrate=args.calibrate,
        profiles=profiles,
        quiet=args.quiet,
        glance=args.glance,
        theme=args.theme,
    )
    if args.screenshot is not None:
        out = screenshot(options)
        print(f"Saved {out}")
        return 0
    return run(options)

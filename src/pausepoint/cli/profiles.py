"""``profiles``: the people calibrated; choose the active one, edit or forget one."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from pausepoint.calibration.profiles import (
    RECALIBRATE_AFTER_DAYS,
    Profile,
    apply_setting,
    check_profile_name,
    choose_profile,
    delete_profile,
    load_profile,
    read_profiles,
    save_profile,
)
from pausepoint.cli.common import DB_OPTION, confirmed, profile_name, write_json
from pausepoint.cli.store_access import open_store
from pausepoint.errors import BadInput

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "profiles", parents=[DB_OPTION], help="list profiles; choose one; edit its flooding ceiling"
    )
    p.add_argument("--use", metavar="NAME", type=profile_name, help="make NAME the active one")
    p.add_argument(
        "--set",
        nargs="+",
        metavar="NAME KEY=VALUE",
        help="e.g. --set alex ceiling=95 (bpm, or ceiling=default) resonance=5.5 "
        "partner_sees=states (a partner sees only your state; or everything)",
    )
    p.add_argument("--delete", metavar="NAME", help="forget NAME's calibration (asks first)")
    p.add_argument("--yes", action="store_true", help="with --delete: do not ask")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_profiles)


def cmd_profiles(args: argparse.Namespace) -> int:
    changed: list[str] = []
    if args.yes and not args.delete:
        raise BadInput("--yes answers --delete's question: use it with --delete NAME")
    with open_store(args, write=bool(args.set or args.use or args.delete)) as store:
        if args.delete:
            load_profile(store, args.delete)
            question = f"Delete the profile {args.delete} (its calm level and settings)? [y/N] "
            no_terminal = (
                f"profile {args.delete!r} not deleted: no terminal to confirm; "
                "add --yes to delete it without asking"
            )
            if not confirmed(question, no_terminal, args.yes):
                print("Not deleted.")
                return 1
            delete_profile(store, args.delete)
            changed.append(
                f"{args.delete} deleted. Past sessions judged by it replay as they were."
            )
        if args.set:
            name, *settings = args.set
            if not settings:
                raise BadInput(f"--set {name}: add what to change, e.g. --set {name} ceiling=95")
            profile = load_profile(store, check_profile_name(name))
            for setting in settings:
                profile = apply_setting(profile, setting)
            save_profile(store, profile)
            changed.append(f"{name}: {', '.join(settings)}.")
        if args.use:
            choose_profile(store, args.use)
            changed.append(f"{args.use} is now the active profile.")
        profiles = read_profiles(store)
        now_utc = store.utc_now()
        path = store.path
    if args.json:
        active = next((p.name for p in profiles if p.active), None)
        write_json(
            {
                "profiles": [p.to_dict(now_utc) for p in profiles],
                "active": active,
                "recalibrate_after_days": RECALIBRATE_AFTER_DAYS,
            }
        )
        return 0
    for line in changed:
        print(line)
    _print_profiles(profiles, now_utc, str(path))
    return 0


def _print_profiles(profiles: list[Profile], now_utc: datetime, path: str) -> None:
    from pausepoint.config import load_config

    if not profiles:
        print(
            f"No profiles yet in {path}. Make one: "
            "pausepoint calibrate baseline --profile NAME --device STRAP"
        )
        return
    default_ceiling = load_config().flooding.ceiling_hr_bpm
    rows = [("Profile", "Active", "Calm HR", "RMSSD", "Resonance", "Ceiling", "Baseline from")]
    for p in profiles:
        b = p.baseline
        rows.append(
            (
                p.name,
                "*" if p.active else "",
                "-" if b is None else f"{b.hr_bpm:.1f} bpm",
                "-" if b is None else f"{b.rmssd_ms:.1f} ms",
                "-" if p.resonance_rate_bpm is None else f"{p.resonance_rate_bpm:g}/min",
                f"{default_ceiling:.0f} bpm (default)"
                if p.ceiling_hr_bpm is None
                else f"{p.ceiling_hr_bpm:g} bpm",
                "-" if p.baseline_utc is None else p.baseline_utc.astimezone().strftime("%Y-%m-%d"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for p in profiles:
        if not p.recalibration_due(now_utc):
            continue
        if p.baseline_utc is None:
            print(f"{p.name} has no baseline yet: pausepoint calibrate baseline --profile {p.name}")
        else:
            days = (now_utc - p.baseline_utc).days
            print(
                f"Recalibrate {p.name}: the baseline is {days} days old (every "
                f"{RECALIBRATE_AFTER_DAYS} days): pausepoint calibrate baseline --profile {p.name}"
            )

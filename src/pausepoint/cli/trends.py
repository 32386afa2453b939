"""``trends``: how the check-ins go over weeks, per week and per tag, with the calm levels."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from pausepoint.cli.common import DB_OPTION, tag, write_json
from pausepoint.cli.store_access import open_store

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def day(text: str) -> date:
    """An argparse type: a date as 2026-12-04."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a date as YYYY-MM-DD") from None


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "trends", parents=[DB_OPTION], help="how the check-ins go, week by week and by tag"
    )
    p.add_argument("--since", type=day, help="from this day (YYYY-MM-DD)")
    p.add_argument("--until", type=day, help="up to this day, included (YYYY-MM-DD)")
    p.add_argument("--tag", type=tag, help="only the check-ins with this tag")
    p.add_argument(
        "--partner",
        metavar="NAME",
        help="one partner's own floods and shared answers (a profile, or Partner A / Partner B)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_trends)


def cmd_trends(args: argparse.Namespace) -> int:
    from pausepoint.reports.trends import trends, week_words

    with open_store(args) as store:
        found = trends(
            store, since=args.since, until=args.until, tag=args.tag, partner=args.partner
        )
    if args.json:
        write_json(found)
        return 0
    weeks = found["weeks"]
    print(week_words(weeks))
    if weeks:
        print()
        print("week      check-ins  minutes  floods  flooded  pauses taken/prompted  ready after")
    for w in weeks:
        ready_s = w["median_break_to_ready_s"]
        ready = "-" if ready_s is None else f"{round(ready_s / 60)} min"
        print(
            f"{w['week']}  {w['sessions']:9d}  {w['minutes']:7.0f}  {w['floods']:6d}  "
            f"{w['flooded_s'] / 60:5.1f} m  {w['pauses_taken']:12d}/{w['pauses_prompted']:<9d}"
            f"  {ready}"
        )
    for name, figures in found["tags"].items():
        print(f"{name}: {figures['sessions']} check-ins, {figures['floods']} floods")
    for c in found["calibrations"]:
        print(
            f"calm level {c['date']} ({c['profile']}): {c['hr_bpm']} bpm, RMSSD {c['rmssd_ms']} ms"
        )
    return 0

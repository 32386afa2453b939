"""``report``: a one-page report of a session, to keep or share: one person's page, or of a
couple session both partners' page (one partner's with ``--person``); with ``--since``, the
report of a period's check-ins for a therapist instead."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.cli.common import DB_OPTION, check_person, person_index, session_id, tag
from pausepoint.cli.store_access import open_store
from pausepoint.cli.trends import day
from pausepoint.errors import BadInput

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "report", parents=[DB_OPTION], help="a one-page report of a session, to keep or share"
    )
    p.add_argument(
        "id",
        type=session_id,
        metavar="ID",
        nargs="?",
        help="a recorded session (`pausepoint sessions`); not with --since",
    )
    p.add_argument("--out", type=Path, metavar="FILE", required=True, help=".html, .png or .pdf")
    p.add_argument(
        "--since", type=day, metavar="DATE", help="the check-ins from this day (YYYY-MM-DD) instead"
    )
    p.add_argument(
        "--until", type=day, metavar="DATE", help="with --since: up to this day, included"
    )
    p.add_argument("--tag", type=tag, help="with --since: only the check-ins with this tag")
    p.add_argument(
        "--partner", metavar="NAME", help="with --since: one partner's own floods and answers"
    )
    p.add_argument(
        "--person",
        type=person_index,
        metavar="A|B",
        help="one partner of a couple session (default: both on one page)",
    )
    p.add_argument(
        "--both-agree",
        action="store_true",
        help="a couple session: show a partner who chose to share only their state in numbers "
        "and graph too (only when you both agree)",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    if any(v is not None for v in (args.since, args.until, args.tag, args.partner)):
        return period_report(args)
    if args.id is None:
        raise BadInput("give a session ID, or --since DATE for the report of a period")
    from pausepoint.cli.progress import Progress
    from pausepoint.config import load_config
    from pausepoint.reports.inputs import ReportInput, couple_report_input
    from pausepoint.reports.render import RENDER_STEPS, render_report
    from pausepoint.sessions.replay import replayed_updates

    config = load_config()
    with open_store(args) as store:
        info = store.session(args.id)
        if info.persons == 1:
            check_person(info, args.person, "a report")
        markers = [(m.t_s, m.text) for m in store.markers(args.id)]
        if info.persons == 2 and args.person is None:
            couple = couple_report_input(store, info, config, markers, both_agree=args.both_agree)
            render_report(couple, args.out, Progress("Report", RENDER_STEPS), config=config)
            print(f"Couple report of session {info.id} -> {args.out}")
            return 0
        person = args.person or 0
        updates = list(replayed_updates(store, args.id, config, person))
        events = store.events(args.id, origin="source", person=person)
    data = ReportInput.of_session(info, updates, markers, args.person, events)
    render_report(data, args.out, Progress("Report", RENDER_STEPS), config=config)
    print(f"Report of session {info.id} -> {args.out}")
    return 0


def period_report(args: argparse.Namespace) -> int:
    """The check-ins from --since to --until (today when not given) on one page."""
    from datetime import date

    from pausepoint.reports.period import render_period_report

    if args.since is None:
        raise BadInput("--until, --tag and --partner make a period report: give --since DATE too")
    if args.id is not None:
        raise BadInput("give a session ID or --since, not both")
    if args.person is not None:
        raise BadInput("--person is for one session's report, not a period's")
    until = args.until or date.today()
    if until < args.since:
        raise BadInput(f"--until {until} is before --since {args.since}")
    with open_store(args) as store:
        report = render_period_report(
            store, args.out, since=args.since, until=until, tag=args.tag, partner=args.partner
        )
    count = len(report.sessions)
    print(f"Report of {count} check-in{'' if count == 1 else 's'}, {report.period} -> {args.out}")
    return 0

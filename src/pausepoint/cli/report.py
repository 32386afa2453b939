"""``report``: a one-page report of a session, to keep or share: one person's page, or of a
couple session both partners' page (one partner's with ``--person``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.cli.common import DB_OPTION, add_session_id, check_person, person_index
from pausepoint.cli.store_access import open_store

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "report", parents=[DB_OPTION], help="a one-page report of a session, to keep or share"
    )
    add_session_id(p)
    p.add_argument("--out", type=Path, metavar="FILE", required=True, help=".html, .png or .pdf")
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

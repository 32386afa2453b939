"""``sessions``: the recorded sessions, a row each."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pausepoint.cli.common import DB_OPTION, date_text, peak_text, write_json
from pausepoint.cli.store_access import open_store

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("sessions", parents=[DB_OPTION], help="list the recorded sessions")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_sessions)


def cmd_sessions(args: argparse.Namespace) -> int:
    from pausepoint.words import clock_text

    with open_store(args) as store:
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
                date_text(info),
                clock_text(info.duration_s),
                str(info.status),
                info.source,
                f"{info.flooded_s / 60:.1f} min",
                peak_text(info.peak_hr_bpm),
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

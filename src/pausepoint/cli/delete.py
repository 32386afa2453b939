"""``delete``: a session and everything recorded in it, once confirmed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pausepoint.cli.common import DB_OPTION, add_session_id, confirmed, date_text
from pausepoint.cli.store_access import open_store

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "delete", parents=[DB_OPTION], help="delete a session and everything recorded in it"
    )
    add_session_id(p)
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_delete)


def cmd_delete(args: argparse.Namespace) -> int:
    from pausepoint.words import clock_text

    with open_store(args, write=True) as store:
        info = store.session(args.id)
        question = (
            f"Delete session {info.id} ({date_text(info)}, {clock_text(info.duration_s)})? [y/N] "
        )
        no_terminal = (
            f"session {info.id} not deleted: no terminal to confirm; "
            "add --yes to delete it without asking"
        )
        if not confirmed(question, no_terminal, args.yes):
            print("Not deleted.")
            return 1
        store.delete_session(info.id)
    print(f"Deleted session {info.id}.")
    return 0

"""Command line: thin shells over the pipeline, sources and files, one module per command.

Errors a user can cause print one line (what, where, what to do) and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pausepoint import __version__
from pausepoint.cli import (
    analyze,
    calibrate,
    dashboard,
    delete,
    export,
    hrv,
    import_file,
    monitor_command,
    profiles,
    record,
    replay,
    report,
    scan,
    sessions_list,
    show,
    simulate,
)
from pausepoint.cli.common import Parser
from pausepoint.errors import UserError

COMMANDS = (
    simulate,
    monitor_command,
    scan,
    analyze,
    hrv,
    record,
    sessions_list,
    show,
    replay,
    import_file,
    export,
    report,
    delete,
    calibrate,
    profiles,
    dashboard,
)
"""Each command's module, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="pausepoint",
        description="Biofeedback for hard conversations: notices flooding and prompts a pause.",
    )
    parser.add_argument("--version", action="version", version=f"pausepoint {__version__}")
    parser.add_argument("--db", type=Path, metavar="PATH", help="session database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


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

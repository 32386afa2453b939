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
    trends,
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
    trends,
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


WINDOW_OPTIONS = ("--replay", "--screenshot", "--at", "--calibrate", "--glance", "--theme")
"""Options only the dashboard takes: given without a command, they mean the dashboard."""


def with_command(argv: Sequence[str]) -> list[str]:
    """``pausepoint [--db PATH] [OPTIONS]`` with no command is the dashboard where a window
    can open (or an option asks for one), else the text monitor, with those options."""
    start = 0
    while start < len(argv) and (argv[start] == "--db" or argv[start].startswith("--db=")):
        start += 2 if argv[start] == "--db" else 1
    rest = list(argv[start:])
    if rest and (not rest[0].startswith("-") or rest[0] in ("-h", "--help", "--version")):
        return list(argv)
    from pausepoint.ui.app import has_display

    wants_window = any(a.split("=")[0] in WINDOW_OPTIONS for a in rest)
    command = "dashboard" if wants_window or has_display() else "monitor"
    return [*argv[:start], command, *rest]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(with_command(sys.argv[1:] if argv is None else argv))
    func: Callable[[argparse.Namespace], int] = args.func
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

"""What the subcommands share: argument types, --profile, confirmation and output helpers."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, NoReturn

from pausepoint.errors import BadInput, UserError


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


DB_OPTION = argparse.ArgumentParser(add_help=False)
DB_OPTION.add_argument(
    "--db",
    type=Path,
    metavar="PATH",
    default=argparse.SUPPRESS,
    help="session database (default: $PAUSEPOINT_DB, else pausepoint's folder in your user data)",
)
"""``--db`` after a subcommand too; the main parser's own ``--db`` gives the default."""


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be above zero")
    return value


def scenario(text: str) -> str:
    """A simulator scenario; checked when used, so building the parser imports no numpy."""
    from pausepoint.sources.simulated.scenarios import SCENARIOS

    if text not in SCENARIOS:
        raise argparse.ArgumentTypeError(
            f"no scenario {text!r}; choose one of {', '.join(sorted(SCENARIOS))}"
        )
    return text


def any_scenario(text: str) -> str:
    """A one-person or a couple scenario (couple-argument, couple-calm, couple-one-floods)."""
    from pausepoint.sources.simulated.couples import COUPLE_SCENARIOS
    from pausepoint.sources.simulated.scenarios import SCENARIOS

    if text not in SCENARIOS and text not in COUPLE_SCENARIOS:
        names = ", ".join([*sorted(SCENARIOS), *COUPLE_SCENARIOS])
        raise argparse.ArgumentTypeError(f"no scenario {text!r}; choose one of {names}")
    return text


def is_couple_scenario(name: str | None) -> bool:
    from pausepoint.sources.simulated.couples import COUPLE_SCENARIOS

    return name in COUPLE_SCENARIOS


def window(text: str) -> tuple[float, float]:
    try:
        start, end = (float(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not START_S:END_S, e.g. 60:300") from None
    if not 0 <= start < end:
        raise argparse.ArgumentTypeError(f"{text!r}: START_S must be below END_S")
    return start, end


def session_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a session ID; `pausepoint sessions` lists them"
        )
    return int(text)


def add_profile_option(
    p: argparse.ArgumentParser,
    help: str = "judge by this person's calibration (calm level, flooding ceiling) instead of "
    "learning the calm level first; twice for a couple (A, then B)",
) -> None:
    """``--profile NAME``: once for one person, twice for a couple (A, then B)."""
    p.add_argument("--profile", metavar="NAME", action="append", help=help)


def chosen_profiles(args: argparse.Namespace, persons: int) -> tuple[Any, ...]:
    """Each person's calibration.Profile from ``--profile`` (None each when not given),
    read from the database ``--db`` names; a wrong count or name is a one-line BadInput."""
    names = args.profile or []
    if not names:
        return (None,) * persons
    if len(names) != persons:
        if persons == 1:
            raise BadInput(f"--profile is given {len(names)} times for one person; give it once")
        raise BadInput("a couple: give --profile twice (A, then B), or not at all")
    if persons == 2 and names[0] == names[1]:
        raise BadInput(f"--profile {names[0]} is given for both partners; each needs their own")
    from pausepoint.cli.calibrate import profile_from_db

    return tuple(profile_from_db(args, name) for name in names)


def confirmed(question: str, no_terminal: str, yes: bool) -> bool:
    """``--yes``, or "y" typed at the terminal; with no terminal to ask, the one-line error
    ``no_terminal`` (nothing is deleted unasked)."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UserError(no_terminal)
    print(question, end="", file=sys.stderr, flush=True)  # stdout stays the answer's
    try:
        answer = input()
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def write_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")

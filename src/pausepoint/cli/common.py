"""What the commands share: argument types, --db and --profile, confirmation and output."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pausepoint.calibration.profiles import check_profile_name
from pausepoint.errors import BadInput, UserError

T = TypeVar("T")

if TYPE_CHECKING:
    from pausepoint.model import Sample
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store

PROGRESS_EVERY = 256
"""Steps of a long loop between two looks at the progress bar."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[Parser]
    """The main parser's subparsers: each command module's ``register(sub)`` adds to them."""


DB_OPTION = Parser(add_help=False)
DB_OPTION.add_argument(
    "--db",
    type=Path,
    metavar="PATH",
    default=argparse.SUPPRESS,
    help="session database (default: $PAUSEPOINT_DB, else pausepoint's folder in your user data)",
)
"""``--db`` after a subcommand too; the main parser's own ``--db`` gives the default."""


# --- argument types ----------------------------------------------------------------------


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


def person_index(text: str) -> int:
    """A partner of a couple session: A or B."""
    if text.upper() not in ("A", "B"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a partner; use A or B")
    return "AB".index(text.upper())


def profile_name(text: str) -> str:
    """A name a profile may have (``calibrate --profile``, ``profiles --use``)."""
    try:
        return check_profile_name(text)
    except BadInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_profile_option(
    p: argparse.ArgumentParser,
    help: str = "judge by this person's calibration (calm level, flooding ceiling) instead of "
    "learning the calm level first; twice for a couple (A, then B)",
) -> None:
    """``--profile NAME``: once for one person, twice for a couple (A, then B)."""
    p.add_argument("--profile", metavar="NAME", action="append", help=help)


# --- input, questions and output ---------------------------------------------------------


def read_samples(path: Path) -> tuple[list[Sample], str]:
    """An RR file's samples (motion too, when it has some) and the note on its unit; one
    without a heartbeat is a one-line BadInput."""
    from pausepoint.model import HeartSample
    from pausepoint.sources.files import read_rr_file, to_samples

    rec = read_rr_file(path)
    samples = to_samples(rec)
    if not any(isinstance(sample, HeartSample) for sample in samples):
        raise BadInput(f"{path}: no RR intervals in the file; nothing to analyze")
    return samples, rec.unit_note


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


def check_person(info: SessionInfo, person: int | None, what: str) -> None:
    """A couple session needs --person for what is one person's; a one-person session none."""
    if person is not None and info.persons == 1:
        raise UserError(f"session {info.id} has one person; leave out --person")
    if person is None and info.persons == 2:
        raise UserError(
            f"session {info.id} is a couple session: add --person A or --person B for {what}"
        )


def date_text(info: SessionInfo) -> str:
    """When a session started, in local time to the minute."""
    return info.started_utc.astimezone().strftime("%Y-%m-%d %H:%M")


def peak_text(peak_hr_bpm: float | None) -> str:
    return "-" if peak_hr_bpm is None else f"{peak_hr_bpm:.0f} bpm"


def write_json(obj: object) -> None:
    json.dump(obj, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


def add_quiet_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quiet", action="store_true", help="no sound at all for this run (no cue, no bell)"
    )


def mood(text: str) -> int:
    """An argparse type: how someone feels, 1 (calm) to 5 (tense)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"{text!r}: say 1 (calm) to 5 (tense)")
    return value


def tag(text: str) -> str:
    """An argparse type: a tag as kept (checked before anything is recorded)."""
    from pausepoint.sessions.check_ins import clean_tag

    try:
        return clean_tag(text)
    except BadInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_check_in_options(p: argparse.ArgumentParser) -> None:
    """What the talk was about and how it went (each optional), kept with the session."""
    p.add_argument(
        "--tag",
        type=tag,
        action="append",
        default=[],
        help="what the talk is about (money, chores, family, intimacy, work, plans or your "
        "own word); give it again for more",
    )
    p.add_argument("--mood-before", type=mood, help="how you were before: 1 calm ... 5 tense")
    p.add_argument("--mood-after", type=mood, help="how it went: 1 calm ... 5 tense")


def save_check_in(store: Store, session_id: int, args: argparse.Namespace) -> None:
    """Keep the --tag and --mood answers with a session (nothing when none were given)."""
    from pausepoint.sessions.check_ins import Answers, add_tags, save_answers

    if args.tag:
        add_tags(store, session_id, args.tag)
    if args.mood_before is not None or args.mood_after is not None:
        save_answers(store, session_id, Answers(args.mood_before, args.mood_after))


def rings(args: argparse.Namespace) -> bool:
    """The terminal bell on flooding: at a terminal, unless ``--quiet`` (never into a file)."""
    return not args.quiet and sys.stdout.isatty()


def add_session_id(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "id", type=session_id, metavar="ID", help="a recorded session (`pausepoint sessions`)"
    )


def run_until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run a command's work to its end, or until Ctrl-C or SIGTERM stops it (see
    ``until_stopped``)."""
    import asyncio

    try:
        asyncio.run(until_stopped(work))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print()


async def until_stopped(work: Coroutine[Any, Any, T]) -> T:
    """Await ``work``; SIGTERM (a logout, ``kill``, a service stopping it) cancels it, as
    Ctrl-C does: both stop it at its next wait, so a strap is let go, what came in is saved
    and the session closed as complete rather than found interrupted later."""
    import asyncio
    import signal

    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    except NotImplementedError:  # no loop signal handlers (Windows): SIGTERM ends the process
        return await task
    try:
        return await task
    finally:
        loop.remove_signal_handler(signal.SIGTERM)

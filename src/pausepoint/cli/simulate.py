"""``simulate``: write a simulated recording (one person, or each partner) and its truth."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.cli.common import any_scenario, is_couple_scenario, positive

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.sources.simulated.scenarios import Recording


def register(sub: Subparsers) -> None:
    p = sub.add_parser("simulate", help="write a simulated recording and its ground truth")
    p.add_argument(
        "scenario",
        type=any_scenario,
        metavar="SCENARIO",
        help="what to simulate (docs/scenarios.md)",
    )
    p.add_argument("--seed", type=int, default=0, help="which simulated person (default 0)")
    p.add_argument("--minutes", type=positive, help="length (default: the scenario's own)")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="recording, pausepoint CSV (a couple scenario writes OUT-A.csv and OUT-B.csv)",
    )
    p.add_argument("--truth", type=Path, help="ground truth, JSON")
    p.set_defaults(func=cmd_simulate)


def cmd_simulate(args: argparse.Namespace) -> int:
    """One recording at ``--out``, or a couple's two beside it (OUT-A, OUT-B); each file's
    line is said once it is written, the truth of all of them written last."""
    from pausepoint.sources.files import partner_path, write_pausepoint_csv, write_text_atomic
    from pausepoint.sources.simulated.couples import simulate_couple
    from pausepoint.sources.simulated.scenarios import simulate

    recordings: list[tuple[str, Recording, Path]]
    if is_couple_scenario(args.scenario):
        couple = simulate_couple(args.scenario, seed=args.seed, minutes=args.minutes)
        recordings = [
            (
                f", partner {'AB'[person]} (person {couple.partner(person).truth.seed})",
                couple.partner(person),
                partner_path(args.out, person),
            )
            for person in (0, 1)
        ]
        truth = {
            **couple.truth.to_dict(),
            "A": couple.a.truth.to_dict(),
            "B": couple.b.truth.to_dict(),
        }
    else:
        rec = simulate(args.scenario, seed=args.seed, minutes=args.minutes)
        recordings = [("", rec, args.out)]
        truth = rec.truth.to_dict()
    for whose, rec, path in recordings:
        write_pausepoint_csv(path, rec.samples)
        beats = sum(len(s.rr_ms) for s in rec.heart_samples())
        print(
            f"{args.scenario} (seed {args.seed}){whose}: {beats} beats, "
            f"{rec.truth.duration_s / 60:.1f} min -> {path}"
        )
    if args.truth:
        write_text_atomic(args.truth, json.dumps(truth, indent=1) + "\n")
    return 0

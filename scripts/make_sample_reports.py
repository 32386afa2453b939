"""Make the sample session reports in docs/reports from simulated sessions.

The simulated person presses Start break when the scenario says so, as in the golden
detection tests; the simulated couple is paused by the couple engine at the first flood.
Same seeds, same reports: rerun after changing the report or the engine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pausepoint.config import load_config
from pausepoint.couple.engine import CoupleEngine, merge, partner_names, run_couple, updates_linkage
from pausepoint.model import Update
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.reports.inputs import CoupleReportInput, ReportInput
from pausepoint.reports.render import render_report
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import Recording, simulate

ROOT = Path(__file__).resolve().parents[1]

ARGUMENT_SEED = 7
"""A person whose body settles before the 35-minute session ends."""
CALM_SEED = 3
COUPLE_SEED = 0


def replay(rec: Recording) -> list[Update]:
    pipeline = Pipeline(load_config())
    break_s = rec.truth.break_start_s
    updates = []
    for sample in rec.samples:
        if break_s is not None and sample.t_s >= break_s:
            pipeline.start_break(break_s)
            break_s = None
        updates.append(pipeline.push(sample))
    updates.append(pipeline.finish(rec.samples[-1].t_s))
    return updates


def couple_input(seed: int) -> CoupleReportInput:
    """A simulated couple's argument through the couple engine, as `report ID` shows it."""
    config = load_config()
    rec = simulate_couple("couple-argument", seed=seed)
    cus = run_couple(CoupleEngine([config, config]), merge(rec.a.samples, rec.b.samples))
    return CoupleReportInput.from_updates(
        cus,
        updates_linkage(cus, config.linkage),
        title="Couple check-in, 29 Nov 2026, 20:10",
        source=f"simulated: couple-argument (seed {seed})",
        names=partner_names(),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reports")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    argument = ReportInput(
        title="Check-in, 27 Nov 2026, 19:05",
        source=f"simulated: argument (seed {ARGUMENT_SEED})",
        updates=replay(simulate("argument", seed=ARGUMENT_SEED)),
        markers=((330.0, "we started on the holiday money"), (1500.0, "walked round the block")),
        note="We both agreed to try the break this time.",
    )
    calm = ReportInput(
        title="Quiet evening, 28 Nov 2026, 21:30",
        source=f"simulated: calm (seed {CALM_SEED})",
        updates=replay(simulate("calm", seed=CALM_SEED)),
    )
    for data, name in (
        (argument, "argument.png"),
        (argument, "argument.html"),
        (calm, "calm.pdf"),
    ):
        t0 = time.perf_counter()
        render_report(data, args.out / name)
        print(f"{name}: {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    t0 = time.perf_counter()
    render_report(couple_input(COUPLE_SEED), args.out / "couple-argument.png")
    print(f"couple-argument.png: {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

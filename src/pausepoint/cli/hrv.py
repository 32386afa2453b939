"""``hrv``: the whole-recording HRV table of an RR file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.cli.common import read_samples, write_json

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("hrv", help="whole-recording HRV table of an RR file")
    p.add_argument("input", type=Path, metavar="INPUT", help="an RR file (docs/file-formats.md)")
    p.add_argument("--no-correction", action="store_true", help="use RR as recorded")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_hrv)


def cmd_hrv(args: argparse.Namespace) -> int:
    import numpy as np

    from pausepoint.config import load_config
    from pausepoint.model import HeartSample
    from pausepoint.pipeline.offline import corrected_beats, hrv_table

    samples, unit_note = read_samples(args.input)
    heart = [s for s in samples if isinstance(s, HeartSample)]
    if args.no_correction:
        rr_ms = np.array([v for s in heart for v in s.rr_ms])
    else:
        rr_ms = np.array([b.rr_ms for b in corrected_beats(heart, load_config())])
    table = hrv_table(rr_ms)
    if args.json:
        write_json(table)
        return 0
    print(
        f"{args.input}: {len(rr_ms)} intervals ({unit_note}"
        f"{', uncorrected' if args.no_correction else ', artifacts corrected'})"
    )
    for key, value in table.items():
        if key != "method":
            print(
                f"  {key:16s} {value:.4g}" if isinstance(value, float) else f"  {key:16s} {value}"
            )
    print(f"  method: {table['method']}")
    return 0

"""``import``: a session made of an RR file (written whole, or not at all)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.cli.common import DB_OPTION, PROGRESS_EVERY, add_check_in_options, save_check_in
from pausepoint.cli.store_access import open_store
from pausepoint.errors import BadInput

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("import", parents=[DB_OPTION], help="make a session of an RR file")
    p.add_argument("file", type=Path, metavar="FILE", help="an RR file (docs/file-formats.md)")
    p.add_argument("--note", help="a few words to find the session by")
    add_check_in_options(p)
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from pausepoint.cli.progress import Progress
    from pausepoint.config import load_config
    from pausepoint.model import HeartSample
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sources.files import read_rr_file, to_samples
    from pausepoint.words import clock_text

    name = args.file.name
    rec = read_rr_file(args.file)
    samples = to_samples(rec)
    if not any(isinstance(sample, HeartSample) for sample in samples):
        raise BadInput(f"{name}: no RR intervals in the file; nothing to import")
    config = load_config()
    with open_store(args, write=True) as store:
        recorder = Recorder(
            store,
            config,
            source=f"file:{name}",
            note=args.note,
            details={"file": {"format": rec.format, "unit_note": rec.unit_note}},
            atomic=True,
        )
        progress = Progress("Importing", len(samples))
        try:
            for i, sample in enumerate(samples):
                recorder.feed(sample)
                if i % PROGRESS_EVERY == 0:
                    progress.step(i)
            recorder.finish()
        finally:
            progress.done()
        if recorder.session_id is not None:
            save_check_in(store, recorder.session_id, args)
    s = recorder.summary
    print(
        f"Imported {name} as session {recorder.session_id}: {clock_text(s.duration_s)}, "
        f"{s.beats} beats ({rec.unit_note})"
    )
    return 0

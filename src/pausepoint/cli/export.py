"""``export``: a session as pausepoint CSV, Kubios text (one person's), JSON (everything) or
the raw ECG a Polar strap recorded (``record --ecg``) as CSV."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pausepoint.cli.common import DB_OPTION, add_session_id, check_person, person_index
from pausepoint.cli.store_access import open_store
from pausepoint.errors import UserError
from pausepoint.model import MotionSample

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.model import Sample
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "export",
        parents=[DB_OPTION],
        help="write a session as pausepoint CSV, Kubios text, JSON, or its recorded ECG",
    )
    add_session_id(p)
    p.add_argument(
        "--format",
        choices=("csv", "kubios", "json", "ecg"),
        required=True,
        help="pausepoint CSV, Kubios RR text, JSON, or the recorded ECG as CSV",
    )
    p.add_argument(
        "--person",
        type=person_index,
        metavar="A|B",
        help="one partner of a couple session (CSV, Kubios and ECG need it)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="default: stdout")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    import tempfile

    from pausepoint.sources.files import write_heart_file, write_text_atomic

    with open_store(args) as store:
        info = store.session(args.id)
        if args.format != "json":
            check_person(info, args.person, f"one partner's {args.format}")
        elif args.person is not None and info.persons == 1:
            check_person(info, args.person, "")
        samples = store.samples(args.id, args.person or 0)
        if args.format == "json":
            obj = _export_json(store, info, args.person)
        elif args.format == "ecg":
            ecg_csv = _ecg_csv(store, info, args.person)

    def write(path: Path) -> None:
        if args.format == "json":
            write_text_atomic(path, json.dumps(obj, separators=(",", ":")) + "\n")
        elif args.format == "ecg":
            write_text_atomic(path, ecg_csv)
        else:
            write_heart_file(path, samples, kubios=args.format == "kubios")

    if args.out is not None:
        write(args.out)
        whose = "" if args.person is None else f" (partner {'AB'[args.person]})"
        print(f"Session {info.id}{whose} written to {args.out} ({args.format}).", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"session-{info.id}"
        write(path)
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return 0


def _ecg_csv(store: Store, info: SessionInfo, person: int | None) -> str:
    """The recorded ECG as CSV ``t_s,ecg_uv``: a row a sample, in session time."""
    from pausepoint.strap.pmd import ecg_series

    frames = [
        (t_s, raw) for t_s, kind, raw in store.pmd_frames(info.id, person or 0) if kind == "ecg"
    ]
    if not frames:
        whose = "" if person is None else f" for partner {'AB'[person]}"
        raise UserError(
            f"session {info.id} has no ECG{whose}: record with --ecg and a Polar strap to keep it"
        )
    times_s, values_uv = ecg_series(frames)
    rows = "".join(f"{t_s:.4f},{uv}\n" for t_s, uv in zip(times_s, values_uv, strict=True))
    return "t_s,ecg_uv\n" + rows


def _export_json(store: Store, info: SessionInfo, person: int | None) -> dict[str, Any]:
    """Everything of a session. Of a couple session, each sample, event and action says
    whose it is ("person": 0 for A, 1 for B, an action's None for the couple), unless one
    partner is asked for (then theirs, and the couple's actions and events)."""
    couple = info.persons == 2

    def mine(p: int | None) -> bool:
        return person is None or p == person or p is None

    def tagged(p: int | None, row: dict[str, Any]) -> dict[str, Any]:
        return {"person": p, **row} if couple else row

    obj: dict[str, Any] = {
        "format": "pausepoint-session",
        "session": {**info.to_dict(), "settings": info.settings},
        "samples": [
            tagged(p, _sample_json(sample))
            for p, sample in store.person_samples(info.id)
            if mine(p)
        ],
        "events": [
            tagged(p, event.to_dict())
            for p, event in store.person_events(info.id, origin=None)
            if mine(p)
        ],
        "markers": [{"t_s": m.t_s, "text": m.text} for m in store.markers(info.id)],
        "actions": [
            tagged(a.person, {"seq": a.seq, "t_s": a.t_s, "kind": a.kind, **a.detail})
            for a in store.actions(info.id)
            if mine(a.person)
        ],
    }
    if couple:
        from pausepoint.sessions.replay import stored_couple_events

        obj["couple_events"] = [e.to_dict() for e in stored_couple_events(store, info.id)]
    return obj


def _sample_json(sample: Sample) -> dict[str, Any]:
    if isinstance(sample, MotionSample):
        return {"t_s": sample.t_s, "motion_g": sample.motion_g}
    return {
        "t_s": sample.t_s,
        "hr_bpm": sample.hr_bpm,
        "rr_ms": list(sample.rr_ms),
        "contact": sample.contact,
        "energy_kj": sample.energy_kj,
        "raw": sample.raw.hex(),
    }

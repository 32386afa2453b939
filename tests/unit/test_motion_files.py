"""Motion kept in pausepoint CSV: a walk is judged from its file, imported, replayed and
exported as it was live, through the real CLI and a real store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pausepoint.config import load_config
from pausepoint.model import MotionSample
from pausepoint.pipeline.offline import analyze
from pausepoint.sessions.store import Store
from pausepoint.sources.files import write_pausepoint_csv
from pausepoint.sources.simulated.scenarios import simulate

SEEDS = range(20)


def analyzed(run, path: Path) -> dict[str, Any]:
    code, out, err = run("analyze", str(path), "--json")
    assert code == 0, err
    return json.loads(out)


def flooding_starts(result: dict[str, Any]) -> int:
    return sum(e["kind"] == "flooding_start" for e in result["events"])


def test_a_simulated_walk_written_to_a_file_floods_no_one(run, tmp_path: Path) -> None:
    starts = {}
    for seed in SEEDS:
        path = tmp_path / f"walk-{seed}.csv"
        code, _, err = run("simulate", "walk", "--seed", str(seed), "--out", str(path))
        assert code == 0, err
        assert path.read_text().startswith("t_s,rr_ms,hr_bpm,contact,motion_g\n")
        starts[seed] = flooding_starts(analyzed(run, path))
    assert starts == dict.fromkeys(SEEDS, 0)


def test_the_same_beats_without_their_motion_flood(run, tmp_path: Path) -> None:
    """What the motion rows are for: walking alone reads as arousal."""
    path = tmp_path / "beats-only.csv"
    write_pausepoint_csv(path, simulate("walk", seed=0).heart_samples())
    assert path.read_text().startswith("t_s,rr_ms,hr_bpm,contact\n")
    assert flooding_starts(analyzed(run, path)) >= 1


def test_a_walk_is_judged_alike_live_from_its_file_imported_replayed_and_exported(
    run, db: Path, tmp_path: Path
) -> None:
    rec = simulate("walk", seed=3)
    live = analyze(list(rec.samples), load_config(), input_name="live")
    assert live["summary"]["peak_arousal"] is not None

    path = tmp_path / "walk.csv"
    assert run("simulate", "walk", "--seed", "3", "--out", str(path))[0] == 0
    from_file = analyzed(run, path)
    assert from_file["events"] == live["events"]
    assert from_file["summary"] == live["summary"]

    code, out, err = run("import", str(path))
    assert code == 0, err
    assert f"{len(rec.motion_samples())} motion levels (g)" in out
    with Store.open(db) as store:
        stored = store.samples(1)
    assert tuple(s for s in stored if isinstance(s, MotionSample)) == rec.motion_samples()

    code, out, err = run("replay", "1", "--max", "--json")
    assert code == 0, err
    replayed = json.loads(out)
    assert replayed["same_as_recorded"] is True
    assert replayed["events"] == live["events"]
    assert replayed["summary"]["peak_arousal"] == live["summary"]["peak_arousal"]

    exported = tmp_path / "exported.csv"
    assert run("export", "1", "--format", "csv", "--out", str(exported))[0] == 0
    assert exported.read_bytes() == path.read_bytes()


def test_an_old_csv_without_motion_still_imports_and_analyzes(run, db: Path) -> None:
    old = Path(__file__).resolve().parents[1] / "data" / "pausepoint_session.csv"
    code, out, err = run("import", str(old))
    assert code == 0, err
    assert "motion" not in out
    with Store.open(db) as store:
        assert store.samples(1) and not any(isinstance(s, MotionSample) for s in store.samples(1))
    assert analyzed(run, old)["beats"] == 5

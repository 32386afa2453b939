"""The session store's speed figures: a year of sessions listed, recording, replay.

``bench_year(path)`` builds a database of a year of daily 30-minute sessions at ``path``
and returns its figures; run this file to print them as `name: value unit`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from pausepoint.config import load_config
from pausepoint.model import HeartSample, rr_ms_from_ticks, rr_ticks_from_ms
from pausepoint.sessions.records import SessionSummary
from pausepoint.sessions.store import Store
from pausepoint.strap.hrm import encode_heart_rate

DAYS = 365
SESSION_S = 30 * 60
REPEATS = 7


def _day_of_beats(rng: np.random.Generator) -> list[HeartSample]:
    """30 minutes of ~1 Hz notifications as a strap sends them (RR on its 1/1024 s clock)."""
    n = int(SESSION_S * 1.2)
    rr_ms = 1000.0 + 60.0 * np.sin(np.arange(n) * 0.4) + rng.normal(0.0, 25.0, n)
    beat_t_s = np.cumsum(rr_ms) / 1000.0
    samples = []
    sent = 0
    for second in range(1, SESSION_S + 1):
        upto = int(np.searchsorted(beat_t_s, second))
        rr = tuple(rr_ms_from_ticks(rr_ticks_from_ms(v)) for v in rr_ms[sent:upto])
        sent = upto
        hr_bpm = round(60000.0 / rr[-1]) if rr else 0
        raw = encode_heart_rate(hr_bpm, rr, True)
        samples.append(HeartSample(second + 0.013, hr_bpm, rr, True, None, raw))
    return samples


def build_year(path: Path) -> int:
    """A year of daily sessions; returns the number of beats stored."""
    rng = np.random.default_rng(7)
    first_day = datetime(2025, 1, 1, 20, 0, tzinfo=UTC)
    beats = 0
    with Store.open(path) as store:
        for day in range(DAYS):
            samples = _day_of_beats(rng)
            writer = store.begin_session(
                "ble",
                note=f"evening check-in {day + 1}",
                strap_name="Polar H10 7E3A1B2C",
                started_utc=first_day + timedelta(days=day),
                atomic=True,
            )
            for sample in samples:
                writer.add_sample(sample)
            day_beats = sum(len(s.rr_ms) for s in samples)
            beats += day_beats
            writer.set_summary(
                SessionSummary(SESSION_S - 1.0, day_beats, float(day % 5) * 60.0, 95.0 + day % 30)
            )
            writer.finish()
    return beats


def _listing_ms(path: Path) -> float:
    """`pausepoint sessions` in process: open the store, read, format, print."""
    from pausepoint.cli.sessions_list import cmd_sessions

    args = argparse.Namespace(db=path, json=False)
    times_ms = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            cmd_sessions(args)
        times_ms.append((time.perf_counter() - t0) * 1000.0)
    assert out.getvalue().count("\n") == DAYS + 1
    return statistics.median(times_ms)


def _recording_us(path: Path) -> tuple[float, float]:
    """Per sample: the store's part (buffer, commit each second) and the whole recorder."""
    from pausepoint.pipeline.pipeline import Pipeline
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sources.simulated.scenarios import simulate

    samples = simulate("calm", seed=1, minutes=30.0).samples
    config = load_config()
    with Store.open(path) as store:
        writer = store.begin_session("bench")
        t0 = time.perf_counter()
        for sample in samples:
            writer.add_sample(sample)
        writer.finish()
        store_us = (time.perf_counter() - t0) / len(samples) * 1e6
        store.delete_session(writer.session_id)

        pipeline = Pipeline(config)
        t0 = time.perf_counter()
        for sample in samples:
            pipeline.push(sample)
        pipeline_s = time.perf_counter() - t0
        recorder = Recorder(store, config, source="bench")
        t0 = time.perf_counter()
        for sample in samples:
            recorder.feed(sample)
        recorder.finish()
        recorder_s = time.perf_counter() - t0
        store.delete_session(recorder.session_id)
    return store_us, (recorder_s - pipeline_s) / len(samples) * 1e6


def _replay_hour_s(path: Path) -> float:
    """`pausepoint replay ID --max` of a 1-hour session, in process, monitor output included."""
    from pausepoint.cli.replay import cmd_replay
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sessions.settings import PipelineSettings
    from pausepoint.sources.simulated.scenarios import simulate

    samples = simulate("argument", seed=2, minutes=60.0).samples
    with Store.open(path) as store:
        recorder = Recorder(
            store, load_config(), source="bench", settings=PipelineSettings(auto_break=True)
        )
        for sample in samples:
            recorder.feed(sample)
        recorder.finish()
        session_id = recorder.session_id
    args = argparse.Namespace(db=path, id=session_id, speed=None, max=True, json=False)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        cmd_replay(args)
    elapsed_s = time.perf_counter() - t0
    with Store.open(path) as store:
        store.delete_session(session_id)
    return elapsed_s


def bench_year(path: str | Path) -> dict[str, float]:
    """Build a year's database at ``path`` (a new file) and measure the store on it."""
    path = Path(path)
    t0 = time.perf_counter()
    beats = build_year(path)
    build_s = time.perf_counter() - t0
    listing_ms = _listing_ms(path)
    store_us, recorder_us = _recording_us(path)
    replay_s = _replay_hour_s(path)
    return {
        "year_sessions": float(DAYS),
        "year_beats": float(beats),
        "year_db_mb": path.stat().st_size / 1e6,
        "year_build_s": build_s,
        "sessions_listing_ms": listing_ms,
        "record_store_per_sample_us": store_us,
        "record_overhead_per_sample_us": recorder_us,
        "replay_max_1h_s": replay_s,
    }


def main() -> None:
    units = {"ms": "ms", "us": "us", "_s": "s", "mb": "MB"}
    with tempfile.TemporaryDirectory() as folder:
        for name, value in bench_year(Path(folder) / "year.db").items():
            unit = next((u for suffix, u in units.items() if name.endswith(suffix)), "")
            print(f"{name}: {value:.4g} {unit}".rstrip(), flush=True)


if __name__ == "__main__":
    sys.exit(main())

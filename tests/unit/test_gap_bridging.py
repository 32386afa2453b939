"""A few missing beats (an optical sensor unsure for a few seconds, a strap's lost
notifications) are bridged: the rolling windows keep the beats on either side, RMSSD pairs
only adjacent beats, and the beat after the gap is not read as an artifact. A long gap, or
lost contact, starts the windows again as before."""

from __future__ import annotations

import numpy as np
import pytest

from pausepoint.config import load_config
from pausepoint.model import Beat, HeartSample
from pausepoint.pipeline import estimators as est
from pausepoint.pipeline.pipeline import Pipeline

CONFIG = load_config()


def beats_from(rr_ms: list[float], start_s: float = 0.0) -> list[Beat]:
    t_s = start_s + np.cumsum(np.asarray(rr_ms)) / 1000.0
    return [Beat(float(t), float(rr)) for t, rr in zip(t_s, rr_ms, strict=True)]


def test_a_bridged_window_pairs_only_adjacent_beats() -> None:
    rng = np.random.default_rng(3)
    before = list(800.0 + rng.normal(0.0, 30.0, 40))
    after = list(760.0 + rng.normal(0.0, 30.0, 10))
    first = beats_from(before)
    second = beats_from(after, start_s=first[-1].t_s + 5.0)  # five seconds with no beats
    rmssd = est.RollingRmssd(30.0)
    hr = est.RollingHr(10.0)
    for beat in first:
        rmssd.update(beat)
        hr.update(beat)
    rmssd.bridge()
    hr.bridge()
    for beat in second:
        rmssd_ms = rmssd.update(beat)
        hr_bpm = hr.update(beat)
    in_window = [b for b in first if b.t_s > second[-1].t_s - 30.0]
    diffs = np.concatenate([np.diff([b.rr_ms for b in in_window]), np.diff(after)])
    assert rmssd_ms == pytest.approx(float(np.sqrt(np.mean(diffs**2))))
    present = [b.rr_ms for b in (*first, *second) if b.t_s > second[-1].t_s - 10.0]
    assert hr_bpm == pytest.approx(60000.0 / float(np.mean(present)))


def _stream(gap_s: float, contact: bool | None = None) -> list[HeartSample]:
    """Two minutes at about 75 bpm, one notification a second, then a gap of ``gap_s`` with
    no RR sent, then a minute at a faster rate (the beat after the gap 60 ms shorter)."""
    rng = np.random.default_rng(7)
    samples: list[HeartSample] = []
    t_s = 0.0
    last_sent_s = 0.0
    pending: list[float] = []
    for i in range(240):
        rr_ms = (800.0 if i < 150 else 740.0) + float(rng.normal(0.0, 15.0))
        t_s += rr_ms / 1000.0
        pending.append(rr_ms)
        if i == 150:
            pending = [rr_ms]
            t_s += gap_s  # beats lost: the host clock runs on
        if t_s - last_sent_s >= 1.0:
            samples.append(HeartSample(t_s, round(60000 / rr_ms), tuple(pending), contact))
            pending = []
            last_sent_s = t_s
    return samples


@pytest.mark.parametrize(
    ("gap_s", "contact", "bridged"),
    [(5.0, None, True), (5.0, False, False), (20.0, None, False)],
    ids=["short gap", "contact lost", "long gap"],
)
def test_short_gaps_are_bridged_long_ones_restart(gap_s, contact, bridged) -> None:
    pipeline = Pipeline(CONFIG)
    updates = [pipeline.push(sample) for sample in _stream(gap_s, contact)]
    (gap_at,) = [i for i, u in enumerate(updates) if any(e.kind == "gap" for e in u.events)]
    after = updates[gap_at:]
    with_hr = [u.hr_bpm is not None for u in after[:8]]
    assert all(with_hr) == bridged  # heart rate on through a bridge; 10 s to refill after
    beats_after = [b for u in after for b in u.beats]
    if bridged:
        assert all(b.artifact is None for b in beats_after[:3])  # the first beats pass as sent
        assert after[1].rmssd_ms is not None

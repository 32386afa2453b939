"""The calm level is two minutes of clean beats gathered across the gaps an optical sensor
leaves (within four minutes), not two unbroken minutes; a named window says why it gave
none."""

from __future__ import annotations

import numpy as np
import pytest

from pausepoint.config import load_config
from pausepoint.model import EventKind, HeartSample
from pausepoint.pipeline.baseline import BaselineWindow
from pausepoint.pipeline.pipeline import Pipeline

CONFIG = load_config()


def gappy_stream(minutes: float, on_s: float, off_s: float) -> list[HeartSample]:
    """Calm beats at about 70 bpm, one notification a second; every ``on_s`` of beats is
    followed by ``off_s`` with notifications that carry no RR (longer than a bridged gap)."""
    rng = np.random.default_rng(11)
    samples: list[HeartSample] = []
    t_s = 0.0
    pending: list[float] = []
    next_send_s = 1.0
    while t_s < minutes * 60.0:
        rr_ms = 857.0 + float(rng.normal(0.0, 25.0))
        t_s += rr_ms / 1000.0
        if t_s % (on_s + off_s) < on_s:
            pending.append(rr_ms)
        else:
            pending = []
        while next_send_s <= t_s:
            sending = next_send_s % (on_s + off_s) < on_s
            rr = tuple(pending) if sending else ()
            samples.append(HeartSample(next_send_s, 70, rr, contact=None))
            if sending:
                pending = []
            next_send_s += 1.0
    return samples


def first_baseline_t_s(samples: list[HeartSample]) -> float | None:
    pipeline = Pipeline(CONFIG, spectral=False)
    for sample in samples:
        for event in pipeline.push(sample).events:
            if event.kind == EventKind.BASELINE:
                return event.t_s
    return None


def test_the_calm_level_is_gathered_across_long_gaps() -> None:
    """Over two fifths of the time lost in 30-s gaps (each one resets the rolling windows): two
    minutes of clean beats still come within four minutes, so the level is learned after
    about three minutes of gathering rather than never."""
    t_s = first_baseline_t_s(gappy_stream(8.0, on_s=35.0, off_s=28.0))
    assert t_s is not None
    assert 180.0 <= t_s - CONFIG.baseline.settle_s <= 260.0


def test_no_calm_level_when_too_little_is_clean_within_the_span() -> None:
    """Two thirds lost: two minutes of beats never fit in four, so nothing is learned."""
    assert first_baseline_t_s(gappy_stream(8.0, on_s=15.0, off_s=30.0)) is None


def test_an_unbroken_calm_gives_its_level_after_settling_and_two_minutes() -> None:
    t_s = first_baseline_t_s(gappy_stream(4.0, on_s=1000.0, off_s=1.0))
    assert t_s == pytest.approx(CONFIG.baseline.settle_s + CONFIG.baseline.window_s, abs=3.0)


def test_a_named_window_says_why_it_gave_no_level() -> None:
    window = BaselineWindow(CONFIG.baseline, (0.0, 30.0))
    for i in range(40):
        window.add(i * 0.8, 800.0, 75.0, 40.0)
    assert window.close() is None
    assert window.refusal == "it holds 38 clean beats (30 s); at least 90 are needed"

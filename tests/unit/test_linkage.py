from dataclasses import replace

import numpy as np
import pytest
from scipy.signal import lfilter

from pausepoint.config import load_config
from pausepoint.couple.linkage import hr_per_second, leader, linkage
from pausepoint.model import Beat

LINKAGE = load_config().linkage


def coupled(seed: int, lag_s: int, n: int = 1200) -> tuple[np.ndarray, np.ndarray]:
    """B follows A's slow heart-rate swings lag_s seconds later, each with its own noise."""
    rng = np.random.default_rng(seed)
    drive = lfilter([1.0], [1.0, -0.95], rng.normal(0.0, 1.0, n + 40))
    a = 70.0 + drive[20 : 20 + n] + rng.normal(0.0, 1.0, n)
    b = 64.0 + drive[20 - lag_s : 20 - lag_s + n] + rng.normal(0.0, 1.0, n)
    return a, b


@pytest.mark.parametrize("lag_s", [-7, 4])
def test_finds_who_leads_and_by_how_much(lag_s):
    a, b = coupled(3, lag_s)
    windows = linkage(a, b, LINKAGE)
    linked = [w for w in windows if w.linked]
    assert len(linked) >= 0.8 * len(windows)
    assert np.median([w.lag_s for w in linked]) == lag_s
    assert leader(windows) == np.sign(lag_s)
    assert leader(linkage(b, a, LINKAGE)) == -np.sign(lag_s)


def test_windows_cover_the_series_at_the_configured_step():
    a, b = coupled(1, 2, n=600)
    windows = linkage(a, b, replace(LINKAGE, window_s=150, step_s=30), start_s=100.0)
    assert [(w.start_s, w.end_s) for w in windows[:2]] == [(100.0, 250.0), (130.0, 280.0)]
    assert windows[-1].end_s <= 700.0 and len(windows) == 16


@pytest.mark.parametrize("kind", ["white", "autocorrelated"])
def test_independent_series_are_linked_about_as_often_as_alpha(kind):
    rng = np.random.default_rng(11)
    linked = []
    for _ in range(20):
        a, b = rng.normal(size=(2, 1800))
        if kind == "autocorrelated":
            a, b = lfilter([1.0], [1.0, -0.9], a), lfilter([1.0], [1.0, -0.9], b)
        linked += [w.linked for w in linkage(a, b, LINKAGE)]
    assert 0.02 < np.mean(linked) < 0.10


def test_same_input_same_answer_and_lengths_must_match():
    a, b = coupled(5, 3)
    assert linkage(a, b, LINKAGE) == linkage(a, b, LINKAGE)
    with pytest.raises(ValueError):
        linkage(a, b[:-1], LINKAGE)


def test_hr_per_second_interpolates_beat_rate():
    beats = [Beat(t_s=float(t), rr_ms=1000.0 if t < 5 else 500.0) for t in range(1, 10)]
    hr = hr_per_second(beats, 1.0, 9.0)
    assert hr[0] == 60.0 and hr[-1] == 120.0 and len(hr) == 9

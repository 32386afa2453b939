"""`optical`: the argument worn on an arm band, with its gaps, its jitter and no contact flag."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from itertools import pairwise

import numpy as np
import pytest

from pausepoint.model import RR_QUANTUM_MS
from pausepoint.sources.simulated.physiology import beats, draw_person, rest_plan, slow_physiology
from pausepoint.sources.simulated.scenarios import Recording, simulate
from pausepoint.sources.simulated.strap import notifications
from pausepoint.strap import hrm

SEEDS = range(8)


@cache
def rec(seed: int) -> Recording:
    return simulate("optical", seed=seed)


def gap_share(r: Recording, start_s: float, end_s: float) -> float:
    """Share of [start_s, end_s) inside the true sensor gaps."""
    inside_s = sum(max(0.0, min(b, end_s) - max(a, start_s)) for a, b in r.truth.sensor_gaps)
    return inside_s / (end_s - start_s)


def phase_end_s(r: Recording, name: str) -> float:
    return next(end_s for phase, _, end_s in r.truth.phases if phase == name)


@pytest.mark.parametrize("seed", SEEDS)
def test_gaps_last_3_to_9_s_and_carry_no_rr(seed: int) -> None:
    r = rec(seed)
    gaps = r.truth.sensor_gaps
    assert gaps
    assert all(3.0 <= b - a <= 9.0 for a, b in gaps)
    assert all(a > 0.0 and b < r.truth.duration_s for a, b in gaps)
    assert all(after[0] - before[1] >= 3.0 for before, after in pairwise(gaps))
    # a notification covers the second before it: one arriving over a second into a gap
    # carries no beat
    samples = r.heart_samples()
    for a, b in gaps:
        assert all(not s.rr_ms for s in samples if a + 1.05 <= s.t_s <= b)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_stretch_without_rr_is_a_true_gap(seed: int) -> None:
    """Beyond a slow heart's odd empty notification, RR only stop where the truth says."""
    r = rec(seed)
    with_rr = np.array([s.t_s for s in r.heart_samples() if s.rr_ms])
    assert (np.diff(with_rr) > 3.0).sum() == len(r.truth.sensor_gaps)
    for last_s, next_s in pairwise(with_rr):
        if next_s - last_s > 3.0:
            assert any(a - 1.0 <= last_s and next_s <= b + 3.0 for a, b in r.truth.sensor_gaps)


def test_share_without_rr_is_plausible_and_larger_while_talking() -> None:
    shares = [gap_share(rec(seed), 0.0, rec(seed).truth.duration_s) for seed in SEEDS]
    assert all(0.03 <= share <= 0.15 for share in shares)
    calm = [gap_share(rec(seed), 0.0, phase_end_s(rec(seed), "calm")) for seed in SEEDS]
    talking = [gap_share(rec(seed), 300.0, phase_end_s(rec(seed), "heated")) for seed in SEEDS]
    assert 0.02 <= np.mean(calm) <= 0.10
    assert 0.10 <= np.mean(talking) <= 0.22
    for seed in SEEDS:
        samples = rec(seed).heart_samples()
        empty = sum(not s.rr_ms for s in samples) / len(samples)
        assert 0.03 <= empty <= 0.20


@pytest.mark.parametrize("seed", SEEDS)
def test_no_contact_flag_and_heart_rate_keeps_coming_through_gaps(seed: int) -> None:
    samples = rec(seed).heart_samples()
    assert {s.contact for s in samples} == {None}
    assert all(hrm.parse_heart_rate(s.raw).contact is None for s in samples)
    assert np.diff([s.t_s for s in samples]).max() <= 1.05
    assert all(s.hr_bpm > 0 for s in samples[5:])


def test_rr_jitter_stays_within_20_ms_of_the_true_beats() -> None:
    """The same beats through a precise and an optical sensor: each RR moves by at most
    twice the beat-timing error, and does move."""
    plan = rest_plan(300.0)
    rng = np.random.default_rng(1)
    beat_t_s = beats(slow_physiology(plan, draw_person(3, {}), rng), rng)
    precise, *_ = notifications(beat_t_s, plan, 300.0, np.random.default_rng(7))
    optical = replace(plan, optical=True, beat_error_ms=10.0)
    jittery, *_ = notifications(beat_t_s, optical, 300.0, np.random.default_rng(7))
    true_rr_ms = np.array([v for s in precise for v in s.rr_ms])
    seen_rr_ms = np.array([v for s in jittery for v in s.rr_ms])
    assert true_rr_ms.size == seen_rr_ms.size
    error_ms = np.abs(seen_rr_ms - true_rr_ms)
    assert error_ms.max() <= 20.0 + RR_QUANTUM_MS
    assert error_ms.max() > 15.0
    assert 4.0 <= error_ms.std() <= 8.0
    for seed in SEEDS:
        assert 10.0 <= rec(seed).truth.rr_error_ms <= 20.0


def test_tells_the_argument_story_with_its_truth() -> None:
    r = rec(0)
    story = simulate("argument", seed=0)
    assert [name for name, _, _ in r.truth.phases] == [name for name, _, _ in story.truth.phases]
    assert r.truth.break_start_s == story.truth.break_start_s
    (onset_s, end_s) = r.truth.flooded[0]
    assert phase_end_s(r, "escalation") < onset_s < r.truth.break_start_s < end_s
    assert story.truth.sensor_gaps == () and story.truth.rr_error_ms == 0.0


def test_same_seed_gives_the_same_recording() -> None:
    first = simulate("optical", seed=5, minutes=8)
    assert first == simulate("optical", seed=5, minutes=8)
    other = simulate("optical", seed=6, minutes=8)
    assert first.truth.sensor_gaps != other.truth.sensor_gaps
    assert first.rr_ms()[:50] != other.rr_ms()[:50]

"""The pacer's phase is a pure function of time: checked at any moment without waiting."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausepoint.calibration.breathing import (
    EXHALE,
    INHALE,
    following,
    lung_fill,
    pacer_phase,
    seconds_left_in_phase,
)


def test_six_a_minute_four_in_six_out() -> None:
    # A 10-s breath: in for 4 s, out for 6 s.
    assert pacer_phase(0.0) == (INHALE, 0.0)
    assert pacer_phase(2.0) == (INHALE, pytest.approx(0.5))
    assert pacer_phase(4.0) == (EXHALE, pytest.approx(0.0))
    assert pacer_phase(7.0) == (EXHALE, pytest.approx(0.5))
    assert pacer_phase(10.0) == (INHALE, pytest.approx(0.0))
    assert pacer_phase(123.0) == (INHALE, pytest.approx(0.75))


def test_rate_and_ratio_are_honoured() -> None:
    # 5 breaths a minute at 5:5: a 12-s breath, 6 s each way.
    assert pacer_phase(5.9, 5.0, 0.5)[0] == INHALE
    assert pacer_phase(6.1, 5.0, 0.5)[0] == EXHALE
    assert pacer_phase(9.0, 5.0, 0.5) == (EXHALE, pytest.approx(0.5))
    assert seconds_left_in_phase(1.0, 6.0, 0.4) == pytest.approx(3.0)
    assert seconds_left_in_phase(5.0, 6.0, 0.4) == pytest.approx(5.0)


@pytest.mark.parametrize(("rate_bpm", "fraction"), [(0.0, 0.4), (-1.0, 0.4), (6.0, 0.0), (6, 1)])
def test_rejects_nonsense(rate_bpm: float, fraction: float) -> None:
    with pytest.raises(ValueError):
        pacer_phase(1.0, rate_bpm, fraction)


@given(
    t_s=st.floats(0.0, 1e5, allow_nan=False),
    rate_bpm=st.floats(3.0, 15.0),
    fraction=st.floats(0.2, 0.8),
)
def test_phase_fraction_and_fill_stay_in_range(
    t_s: float, rate_bpm: float, fraction: float
) -> None:
    phase, part = pacer_phase(t_s, rate_bpm, fraction)
    assert phase in (INHALE, EXHALE)
    assert 0.0 <= part < 1.0 + 1e-9
    assert 0.0 <= lung_fill(t_s, rate_bpm, fraction) <= 1.0


def test_fill_rises_in_and_falls_out_without_jumps() -> None:
    times_s = [i * 0.05 for i in range(400)]
    fills = [lung_fill(t) for t in times_s]
    assert max(abs(a - b) for a, b in pairwise(fills)) < 0.05
    assert fills[0] == pytest.approx(0.0)
    assert lung_fill(4.0) == pytest.approx(1.0)
    assert all(b >= a for a, b in pairwise(fills[:81]))  # 0-4 s: in
    assert all(b <= a for a, b in pairwise(fills[80:201]))  # 4-10 s: out


def test_feedback_words_follow_coherence_and_breathing_rate() -> None:
    assert following(None, None).level == 0
    assert following(math.nan, None).level == 0
    assert following(0.3, 11.5).level == 1
    assert following(0.9, 7.5).level == 2
    well = following(3.4, 6.2, 6.0)
    assert well.level == 3
    assert "following the pacer well" in well.words
    assert well.breath_words is not None and "with the pacer" in well.breath_words
    off = following(3.4, 11.0, 6.0)
    assert off.breath_words is not None and "about 11 times" in off.breath_words

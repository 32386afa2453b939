"""The breathing tones' turns: a tone at the start of each breath in and out, once each."""

from __future__ import annotations

import pytest

from pausepoint.calibration.breathing import EXHALE, INHALE, PhaseTurns, phase_count


def turns(
    times_s: list[float], rate_bpm: float = 6.0, inhale_fraction: float = 0.4
) -> list[tuple[float, str]]:
    tracker = PhaseTurns()
    return [(t_s, turn) for t_s in times_s if (turn := tracker.see(t_s, rate_bpm, inhale_fraction))]


def frames(start_s: float, end_s: float, step_s: float) -> list[float]:
    count = round((end_s - start_s) / step_s)
    return [start_s + i * step_s for i in range(count + 1)]


def test_phase_count_starts_at_one_with_the_first_breath_in() -> None:
    # 6 a minute at 4:6: in 0-4 s, out 4-10 s, in again at 10 s.
    assert [phase_count(t) for t in (0.0, 3.9, 4.0, 9.9, 10.0, 14.0)] == [1, 1, 2, 2, 3, 4]


def test_every_boundary_once_and_none_twice() -> None:
    seen = turns(frames(0.0, 30.0, 0.033))
    assert [turn for _t, turn in seen] == [INHALE, EXHALE] * 3
    starts_s = [t_s for t_s, _turn in seen]
    assert starts_s[0] == 0.0
    for got_s, boundary_s in zip(starts_s[1:], (4.0, 10.0, 14.0, 20.0, 24.0), strict=True):
        assert boundary_s <= got_s < boundary_s + 0.034


def test_a_skipped_frame_still_gives_its_boundary_once() -> None:
    # Frames at 3.5 s and then 4.6 s: the breath out began in between.
    seen = turns([3.0, 3.5, 4.6, 4.7, 5.0])
    assert seen == [(3.0, INHALE), (4.6, EXHALE)]


def test_a_long_stall_gives_only_the_phase_under_way() -> None:
    # From 3 s to 15 s: out, in and out again passed; one tone, for the breath out now.
    assert turns([3.0, 15.0, 15.1]) == [(3.0, INHALE), (15.0, EXHALE)]


def test_a_restart_is_a_new_breath_in() -> None:
    tracker = PhaseTurns()
    assert tracker.see(0.0) == INHALE
    assert tracker.see(5.0) == EXHALE
    assert tracker.see(0.0, 5.0, 0.5) == INHALE  # the rate changed: the pacer began again
    assert tracker.see(0.1, 5.0, 0.5) is None
    tracker.reset()
    assert tracker.see(0.2, 5.0, 0.5) == INHALE


@pytest.mark.parametrize(("rate_bpm", "inhale_fraction"), [(4.5, 0.3), (5.5, 0.5), (7.0, 0.4)])
def test_each_rate_and_ratio_turns_twice_a_breath(rate_bpm: float, inhale_fraction: float) -> None:
    breath_s = 60.0 / rate_bpm
    seen = turns(frames(0.0, 4 * breath_s - 0.05, 0.05), rate_bpm, inhale_fraction)
    assert [turn for _t, turn in seen] == [INHALE, EXHALE] * 4

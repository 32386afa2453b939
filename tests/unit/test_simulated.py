"""The simulated heart is physiological, seeded, strap-like and true to its ground truth."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

from pausepoint.errors import BadInput
from pausepoint.model import RR_QUANTUM_MS, HeartSample, MotionSample
from pausepoint.sources.simulated.physiology import flooding_threshold_bpm
from pausepoint.sources.simulated.scenarios import SCENARIOS, Recording, simulate
from pausepoint.strap import hrm

CALM_SEEDS = range(10)


@cache
def rec(scenario: str, seed: int = 0, **overrides: float) -> Recording:
    return simulate(scenario, seed=seed, **overrides)


def rmssd_ms(rr_ms: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.diff(rr_ms) ** 2)))


def mean_hr_bpm(rr_ms: np.ndarray) -> float:
    return 60000.0 / float(np.mean(rr_ms))


def beats(r: Recording) -> tuple[np.ndarray, np.ndarray]:
    """Every delivered RR with the arrival time of the notification that carried it."""
    t_s = [s.t_s for s in r.heart_samples() for _ in s.rr_ms]
    return np.array(t_s), np.array(r.rr_ms())


def rr_between(r: Recording, start_s: float, end_s: float) -> np.ndarray:
    t_s, rr_ms = beats(r)
    return rr_ms[(t_s >= start_s) & (t_s < end_s)]


def phase(r: Recording, name: str) -> tuple[float, float]:
    (span,) = [(a, b) for n, a, b in r.truth.phases if n == name]
    return span


def curve_mean(values: tuple[float, ...], start_s: float, end_s: float) -> float:
    return float(np.mean(values[int(start_s) : int(end_s)]))


def rsa_amplitude_ms(r: Recording, start_s: float, end_s: float, rate_bpm: float) -> float:
    """Amplitude of the RR oscillation at a known breathing rate (least-squares sinusoid)."""
    rr_ms = np.array(r.rr_ms())
    t_s = np.cumsum(rr_ms) / 1000.0
    keep = (t_s >= start_s) & (t_s < end_s)
    t_s, rr_ms = t_s[keep], rr_ms[keep]
    w = 2 * np.pi * rate_bpm / 60.0
    design = np.column_stack([np.sin(w * t_s), np.cos(w * t_s), np.ones_like(t_s), t_s])
    coef = np.linalg.lstsq(design, rr_ms, rcond=None)[0]
    return float(np.hypot(coef[0], coef[1]))


def spectral_peak_bpm(rr_ms: np.ndarray, low_hz: float = 0.04, high_hz: float = 0.5) -> float:
    """Welch peak of the RR series resampled at 4 Hz (128 s Hann segments, half overlap)."""
    t_s = np.cumsum(rr_ms) / 1000.0
    grid_s = np.arange(t_s[0], t_s[-1], 0.25)
    x = np.interp(grid_s, t_s, rr_ms)
    x = x - np.polyval(np.polyfit(grid_s, x, 1), grid_s)
    n = 512
    window = np.hanning(n)
    power = sum(
        np.abs(np.fft.rfft(x[i : i + n] * window)) ** 2 for i in range(0, x.size - n, n // 2)
    )
    f_hz = np.fft.rfftfreq(n, 0.25)
    band = (f_hz >= low_hz) & (f_hz <= high_hz)
    return float(f_hz[band][np.argmax(power[band])] * 60.0)


# --- the person -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", CALM_SEEDS)
def test_calm_resting_values_are_physiological_and_match_the_truth(seed: int) -> None:
    r = rec("calm", seed)
    truth = r.truth
    assert 55 <= truth.resting_hr_bpm <= 80
    assert 25 <= truth.resting_rmssd_ms <= 70
    assert 4.5 <= truth.resonance_rate_bpm <= 6.5
    rr_ms = np.array(r.rr_ms())
    assert len(rr_ms) > 9 * truth.resting_hr_bpm
    assert abs(mean_hr_bpm(rr_ms) - truth.resting_hr_bpm) <= 1.5
    assert rmssd_ms(rr_ms) == pytest.approx(truth.resting_rmssd_ms, rel=0.12)


def test_persons_differ_between_seeds_and_stay_the_same_across_scenarios() -> None:
    people = {
        (rec("calm", s).truth.resting_hr_bpm, rec("calm", s).truth.resting_rmssd_ms)
        for s in CALM_SEEDS
    }
    assert len(people) == len(CALM_SEEDS)
    resonance = [rec("calm", s).truth.resonance_rate_bpm for s in CALM_SEEDS]
    assert max(resonance) - min(resonance) > 0.5
    for scenario in ("walk", "argument"):
        a, b = rec("calm", 3).truth, rec(scenario, 3).truth
        assert (a.resting_hr_bpm, a.resting_rmssd_ms, a.resonance_rate_bpm) == (
            b.resting_hr_bpm,
            b.resting_rmssd_ms,
            b.resonance_rate_bpm,
        )


def test_same_seed_gives_the_same_recording_and_other_seeds_differ() -> None:
    first = simulate("argument", seed=4, minutes=6)
    again = simulate("argument", seed=4, minutes=6)
    assert first == again
    other = simulate("argument", seed=5, minutes=6)
    assert first.rr_ms()[:50] != other.rr_ms()[:50]


# --- rhythms ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_rr_spectrum_peaks_at_the_breathing_rate(seed: int) -> None:
    r = rec("calm", seed)
    peak_bpm = spectral_peak_bpm(np.array(r.rr_ms()))
    assert abs(peak_bpm - r.truth.breathing_rate_bpm) <= 1.0
    paced = rec("paced-breathing", seed)
    start_s, end_s = phase(paced, "paced")
    assert abs(spectral_peak_bpm(rr_between(paced, start_s + 20, end_s)) - 6.0) <= 0.5


@pytest.mark.parametrize("seed", range(4))
def test_breathing_at_the_resonance_rate_gives_the_largest_rsa(seed: int) -> None:
    resonance_bpm = rec("calm", seed).truth.resonance_rate_bpm
    amplitude_ms = {}
    for offset in (-1.5, 0.0, 1.5):
        rate_bpm = resonance_bpm + offset
        r = rec("paced-breathing", seed, paced_rate_bpm=rate_bpm)
        start_s, end_s = phase(r, "paced")
        amplitude_ms[offset] = rsa_amplitude_ms(r, start_s + 60, end_s, rate_bpm)
    assert amplitude_ms[0.0] >= 1.3 * amplitude_ms[-1.5]
    assert amplitude_ms[0.0] >= 1.3 * amplitude_ms[1.5]


@pytest.mark.parametrize("seed", range(8))
def test_paced_breathing_raises_hrv_and_lowers_heart_rate_slightly(seed: int) -> None:
    r = rec("paced-breathing", seed)
    truth = r.truth
    start_s, end_s = phase(r, "paced")
    assert curve_mean(r.curves.breathing_rate_bpm, start_s, end_s) == pytest.approx(6.0, abs=0.2)
    rr_ms = rr_between(r, start_s + 60, end_s)
    assert 1.2 <= rmssd_ms(rr_ms) / truth.resting_rmssd_ms <= 3.0
    hr_drop_bpm = truth.resting_hr_bpm - curve_mean(r.curves.hr_bpm, start_s + 60, end_s)
    assert 1.0 <= hr_drop_bpm <= 5.0
    assert max(r.curves.arousal) == 0.0
    assert r.truth.flooded == ()


def test_paced_breathing_lowers_measured_heart_rate_on_average() -> None:
    drops = []
    for seed in range(8):
        r = rec("paced-breathing", seed)
        start_s, end_s = phase(r, "paced")
        rest = mean_hr_bpm(rr_between(r, 0, start_s))
        drops.append(rest - mean_hr_bpm(rr_between(r, start_s + 60, end_s)))
    assert np.mean(drops) >= 1.0


@pytest.mark.parametrize("seed", range(8))
def test_speech_raises_heart_rate_a_little_without_moving_rmssd(seed: int) -> None:
    r = rec("speech", seed)
    truth = r.truth
    start_s, end_s = phase(r, "talking")
    rise_bpm = curve_mean(r.curves.hr_bpm, start_s + 60, end_s) - truth.resting_hr_bpm
    assert 5.0 <= rise_bpm <= 8.0
    rr_ms = rr_between(r, start_s + 60, end_s)
    assert rmssd_ms(rr_ms) == pytest.approx(truth.resting_rmssd_ms, rel=0.2)
    assert truth.flooded == ()


def test_speech_raises_measured_heart_rate_5_to_8_bpm_on_average() -> None:
    rises = []
    for seed in range(8):
        r = rec("speech", seed)
        start_s, end_s = phase(r, "talking")
        rises.append(mean_hr_bpm(rr_between(r, start_s + 60, end_s)) - r.truth.resting_hr_bpm)
    assert 5.0 <= np.mean(rises) <= 8.0


@pytest.mark.parametrize("seed", range(6))
def test_walking_raises_heart_rate_with_motion_not_flooding(seed: int) -> None:
    r = rec("walk", seed)
    truth = r.truth
    start_s, end_s = phase(r, "walking")
    rr_ms = rr_between(r, start_s + 90, end_s)
    rise_bpm = mean_hr_bpm(rr_ms) - truth.resting_hr_bpm
    assert 15.0 <= rise_bpm <= 30.0
    assert rmssd_ms(rr_ms) <= 0.8 * truth.resting_rmssd_ms
    assert max(r.curves.hr_bpm) >= flooding_threshold_bpm(truth.resting_hr_bpm)
    assert max(r.curves.arousal) == 0.0
    assert truth.flooded == ()
    assert truth.motion


# --- argument and flooding ------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_argument_flooding_truth_follows_the_heart(seed: int) -> None:
    r = rec("argument", seed)
    truth = r.truth
    rest_bpm = truth.resting_hr_bpm
    line_bpm = flooding_threshold_bpm(rest_bpm)
    emotional = np.array(r.curves.emotional_hr_bpm)
    assert truth.duration_s == 35 * 60
    (flooded,) = truth.flooded
    start_s, end_s = flooded
    esc_start_s, esc_end_s = phase(r, "escalation")
    surge_start_s, _ = phase(r, "surge")
    assert surge_start_s <= start_s <= surge_start_s + 40
    assert end_s - start_s >= 180
    # escalation: waves that rise but stay under the line
    escalation = emotional[int(esc_start_s) : int(esc_end_s)]
    assert rest_bpm + 3 < escalation.max() < line_bpm
    peaks = np.flatnonzero(
        (escalation[1:-1] > escalation[:-2]) & (escalation[1:-1] >= escalation[2:])
    )
    assert len(peaks) >= 2
    # the surge: over the line, then +25 within a minute
    assert emotional[int(start_s) - 1] < line_bpm <= emotional[int(start_s) + 1]
    assert emotional[int(start_s) : int(start_s) + 60].max() >= rest_bpm + 25
    assert emotional[int(start_s) + 1 : int(end_s)].min() >= line_bpm
    assert emotional[int(end_s) + 1 :].max() < line_bpm
    # the beats agree with the truth
    assert mean_hr_bpm(rr_between(r, start_s, end_s)) >= rest_bpm + 25
    heated_start_s, heated_end_s = phase(r, "heated")
    heated_rmssd_ms = rmssd_ms(rr_between(r, heated_start_s + 30, heated_end_s))
    assert 0.3 <= heated_rmssd_ms / truth.resting_rmssd_ms <= 0.5
    # a break that outlasts the flood, and a body that settles by the end
    assert truth.break_start_s is not None
    assert start_s < truth.break_start_s < end_s
    assert truth.duration_s - truth.break_start_s >= 20 * 60
    assert emotional[-60:].max() < rest_bpm + 2
    last_rr_ms = rr_between(r, truth.duration_s - 300, truth.duration_s)
    assert rmssd_ms(last_rr_ms) >= 0.8 * truth.resting_rmssd_ms


@pytest.mark.parametrize(
    "scenario", ["calm", "paced-breathing", "speech", "walk", "ectopic", "dropouts"]
)
def test_no_emotional_flooding_outside_the_argument(scenario: str) -> None:
    for seed in range(4):
        r = rec(scenario, seed)
        assert r.truth.flooded == ()
        assert max(r.curves.emotional_hr_bpm) < flooding_threshold_bpm(r.truth.resting_hr_bpm)
        assert r.truth.break_start_s is None


# --- artifacts and the strap -------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_ectopic_beats_are_where_the_truth_says(seed: int) -> None:
    r = rec("ectopic", seed)
    rr_ms = np.array(r.rr_ms())
    artifacts = r.truth.artifacts
    assert {a.kind for a in artifacts} == {"ectopic"}
    assert 0.04 <= len(artifacts) / len(rr_ms) <= 0.06
    carried_at = [s.t_s for s in r.heart_samples() for _ in s.rr_ms]
    for a in artifacts:
        i = a.index
        normal_ms = (rr_ms[i - 1] + rr_ms[i + 2]) / 2
        assert rr_ms[i] <= 0.8 * normal_ms
        assert rr_ms[i + 1] >= 1.15 * normal_ms
        assert rr_ms[i] + rr_ms[i + 1] == pytest.approx(2 * normal_ms, rel=0.15)
        assert a.t_s < carried_at[i] < a.t_s + 1.1
    # elsewhere a beat changes the interval by less than 20 %
    marked = {a.index for a in artifacts} | {a.index + 1 for a in artifacts}
    normal = [i for i in range(1, len(rr_ms)) if not {i - 1, i} & marked]
    successive = rr_ms[normal] / rr_ms[np.array(normal) - 1]
    assert successive.min() > 0.8 and successive.max() < 1.2


@pytest.mark.parametrize("seed", range(3))
def test_missed_and_extra_beats_are_where_the_truth_says(seed: int) -> None:
    r = rec("calm", seed, missed_fraction=0.02, extra_fraction=0.02)
    rr_ms = np.array(r.rr_ms())
    kinds = [a.kind for a in r.truth.artifacts]
    assert kinds.count("missed") >= 8 and kinds.count("extra") >= 8
    for a in r.truth.artifacts:
        i = a.index
        if a.kind == "missed":
            assert 1.7 <= rr_ms[i] / ((rr_ms[i - 1] + rr_ms[i + 1]) / 2) <= 2.3
        else:
            normal_ms = (rr_ms[i - 1] + rr_ms[i + 2]) / 2
            assert 0.3 <= rr_ms[i] / normal_ms <= 0.7
            assert rr_ms[i] + rr_ms[i + 1] == pytest.approx(normal_ms, rel=0.15)


@pytest.mark.parametrize("seed", range(3))
def test_lost_notifications_leave_host_time_gaps_without_rr(seed: int) -> None:
    r = rec("dropouts", seed)
    samples = r.heart_samples()
    t_s = np.array([s.t_s for s in samples])
    assert len(r.truth.lost) == 6
    missing = 0
    for start_s, end_s in r.truth.lost:
        assert not np.any((t_s >= start_s - 0.5) & (t_s <= end_s + 0.5))
        after = int(np.searchsorted(t_s, end_s))
        gap_s = t_s[after] - t_s[after - 1]
        assert gap_s >= end_s - start_s + 1.5
        assert sum(samples[after].rr_ms[1:]) <= 1050.0
        missing += round(gap_s) - 1
    assert len(samples) + missing == pytest.approx(r.truth.duration_s, abs=1)
    assert r.truth.artifacts == ()


@pytest.mark.parametrize("seed", range(3))
def test_contact_loss_sends_no_rr_and_zero_heart_rate(seed: int) -> None:
    r = rec("dropouts", seed)
    ((start_s, end_s),) = r.truth.contact_lost
    assert end_s - start_s == pytest.approx(30.0)
    off = [s for s in r.heart_samples() if s.contact is False]
    assert 29 <= len(off) <= 31
    for s in off:
        assert start_s <= s.t_s <= end_s + 0.05
        assert s.hr_bpm == 0 and s.rr_ms == ()
    on = [s for s in r.heart_samples() if s.contact]
    assert len(on) + len(off) == len(r.heart_samples())
    assert not any(start_s + 1 < s.t_s < end_s for s in on)


@pytest.mark.parametrize("scenario", ["calm", "argument", "ectopic", "dropouts", "optical"])
def test_rr_is_whole_ticks_and_raw_bytes_say_the_same(scenario: str) -> None:
    r = rec(scenario, 1)
    for s in r.heart_samples():
        assert all((v / RR_QUANTUM_MS).is_integer() for v in s.rr_ms)
        m = hrm.parse_heart_rate(s.raw)
        assert (m.hr_bpm, m.rr_ms, m.contact, m.energy_kj) == (
            s.hr_bpm,
            s.rr_ms,
            s.contact,
            s.energy_kj,
        )
        assert s.energy_kj is None


@pytest.mark.parametrize("seed", range(4))
def test_notifications_come_once_a_second_after_their_beats(seed: int) -> None:
    r = rec("calm", seed)
    samples = r.heart_samples()
    t_s = np.array([s.t_s for s in samples])
    gaps_s = np.diff(t_s)
    assert np.median(gaps_s) == pytest.approx(1.0, abs=0.01)
    assert gaps_s.min() >= 0.95 and gaps_s.max() <= 1.05
    # each notification carries the beats of the second before it, oldest first:
    # arrival minus the end of its last beat stays within one notification period
    beat_end_s = np.cumsum(r.rr_ms()) / 1000.0
    last = np.cumsum([len(s.rr_ms) for s in samples]) - 1
    has_rr = np.array([bool(s.rr_ms) for s in samples])
    lag_s = t_s[has_rr] - beat_end_s[last[has_rr]]
    assert lag_s.max() - lag_s.min() <= 1.05
    hr_bpm = np.array([s.hr_bpm for s in samples[5:]])
    assert abs(np.median(hr_bpm) - r.truth.resting_hr_bpm) <= 3


def test_slow_hearts_send_some_notifications_without_rr() -> None:
    seed = next(s for s in CALM_SEEDS if rec("calm", s).truth.resting_hr_bpm < 60)
    samples = rec("calm", seed).heart_samples()
    empty = [s for s in samples if not s.rr_ms]
    assert empty and all(s.contact and s.hr_bpm > 0 for s in empty)


def test_motion_channel_only_while_walking_and_merged_in_time_order() -> None:
    r = rec("walk", 2)
    times = [s.t_s for s in r.samples]
    assert times == sorted(times)
    motion = [s for s in r.samples if isinstance(s, MotionSample)]
    assert len(motion) == pytest.approx(r.truth.duration_s, abs=1)
    motion_t = np.array([m.t_s for m in motion])
    assert np.all(np.abs(np.diff(motion_t) - 1.0) < 0.05)
    g = np.array([m.motion_g for m in motion])
    start_s, end_s = phase(r, "walking")
    assert g[(motion_t > start_s + 5) & (motion_t < end_s)].mean() > 0.15
    assert g[motion_t < start_s].max() < 0.05
    for scenario in (
        "calm",
        "argument",
        "speech",
        "paced-breathing",
        "ectopic",
        "dropouts",
        "optical",
    ):
        other = rec(scenario, 2)
        assert not any(isinstance(s, MotionSample) for s in other.samples)
        assert other.truth.motion is False
        assert all(isinstance(s, HeartSample) for s in other.heart_samples())


# --- the interface ----------------------------------------------------------------------


def test_unknown_scenario_names_the_scenarios() -> None:
    with pytest.raises(BadInput) as err:
        simulate("karaoke")
    message = str(err.value)
    assert "karaoke" in message and "\n" not in message
    assert all(name in message for name in SCENARIOS)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"minutes": 0}, "minutes"),
        ({"seed": -1}, "seed"),
        ({"tempo": 3}, "tempo"),
        ({"resting_hr_bpm": 500}, "resting_hr_bpm"),
        ({"contact_lost": [(10, 5)]}, "contact_lost"),
    ],
)
def test_bad_arguments_are_bad_input(kwargs: dict, word: str) -> None:
    with pytest.raises(BadInput, match=word):
        simulate("calm", **kwargs)


def test_minutes_scale_the_phases() -> None:
    short = simulate("calm", seed=0, minutes=2)
    assert short.truth.duration_s == 120
    assert short.heart_samples()[-1].t_s <= 120.1
    half = simulate("argument", seed=0, minutes=17.5)
    assert half.truth.break_start_s == pytest.approx(420.0)
    assert phase(half, "escalation") == pytest.approx((150.0, 240.0))
    assert half.truth.phases[-1][2] == 17.5 * 60
    assert len(half.curves.hr_bpm) == 17.5 * 60 + 1


def test_truth_is_json_ready() -> None:
    truth = rec("ectopic", 0).truth
    data = json.loads(json.dumps(truth.to_dict()))
    assert data["scenario"] == "ectopic" and data["seed"] == 0
    assert data["artifacts"][0].keys() == {"index", "t_s", "kind"}
    assert len(data["artifacts"]) == len(truth.artifacts)
    assert data["resonance_rate_bpm"] == truth.resonance_rate_bpm

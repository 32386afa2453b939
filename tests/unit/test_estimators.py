"""HRV mathematics: batch values by hand and by synthetic signals, rolling twins by property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal
from scipy.interpolate import CubicSpline

from pausepoint.config import load_config
from pausepoint.model import Beat, rr_ms_from_ticks
from pausepoint.pipeline import estimators as est

REL_TOL = 1e-9


def close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=1e-12)


def sine_rr_ms(
    duration_s: float,
    components: list[tuple[float, float]],
    mean_ms: float = 1000.0,
    noise_ms: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """NN intervals of a heart whose interval follows sum(amplitude_ms * sin(2 pi f t)) + noise."""
    rng = np.random.default_rng(seed)
    t_s = 0.0
    rr_ms = []
    while t_s < duration_s:
        value_ms = mean_ms + noise_ms * rng.standard_normal()
        value_ms += sum(a_ms * math.sin(2 * math.pi * f_hz * t_s) for a_ms, f_hz in components)
        t_s += value_ms / 1000.0
        rr_ms.append(value_ms)
    return np.array(rr_ms)


# --- batch: time domain -------------------------------------------------------------------


def test_time_domain_by_hand() -> None:
    rr_ms = [800.0, 850.0, 790.0, 900.0]
    assert est.mean_rr(rr_ms) == pytest.approx(835.0)
    deviations = [-35.0, 15.0, -45.0, 65.0]
    assert est.sdnn(rr_ms) == pytest.approx(math.sqrt(sum(d * d for d in deviations) / 3))
    assert est.rmssd(rr_ms) == pytest.approx(math.sqrt((50**2 + 60**2 + 110**2) / 3))
    assert est.nn50(rr_ms) == 2  # 50 is not larger than 50
    assert est.pnn50(rr_ms) == pytest.approx(200.0 / 3)


def test_mean_hr_is_60000_over_mean_nn_not_mean_of_rates() -> None:
    assert est.mean_hr([500.0, 1000.0]) == pytest.approx(80.0)
    assert est.mean_hr([1000.0] * 5) == pytest.approx(60.0)


def test_poincare_of_a_ramp_and_of_an_alternation() -> None:
    ramp_ms = 800.0 + 10.0 * np.arange(50)
    assert est.sd1(ramp_ms) == pytest.approx(0.0, abs=1e-9)
    assert est.sd2(ramp_ms) == pytest.approx(math.sqrt(2) * np.std(ramp_ms[:-1] + 5.0, ddof=1))
    alternating_ms = np.tile([800.0, 1000.0], 50)
    assert est.sd2(alternating_ms) == pytest.approx(0.0, abs=1e-9)
    # 99 projections alternating +-200/sqrt 2 (50 positive): mean a/99, ddof=1.
    a_ms = 200.0 / math.sqrt(2)
    assert est.sd1(alternating_ms) == pytest.approx(a_ms * math.sqrt((99 - 1 / 99) / 98))


def test_poincare_identity_on_a_long_series() -> None:
    rr_ms = sine_rr_ms(600, [(30.0, 0.1), (15.0, 0.25)], noise_ms=10.0)
    expected = 2 * est.sdnn(rr_ms) ** 2
    assert est.sd1(rr_ms) ** 2 + est.sd2(rr_ms) ** 2 == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize(
    ("function", "rr_ms"),
    [
        (est.sdnn, [800.0]),
        (est.rmssd, [800.0]),
        (est.mean_rr, []),
        (est.sd1, [800.0, 900.0]),
        (est.rr_spectrum, [800.0, 900.0]),
        (est.rr_spectrum, [100.0, 100.0, 100.0]),
        (est.rmssd, [800.0, math.nan, 900.0]),
        (est.mean_rr, [800.0, -1.0]),
        (est.mean_rr, [[800.0, 900.0]]),
    ],
)
def test_bad_input_is_refused(function, rr_ms) -> None:
    with pytest.raises(ValueError):
        function(rr_ms)


# --- batch: frequency domain ----------------------------------------------------------------


def test_a_sine_puts_its_power_in_its_band() -> None:
    hf = est.band_powers(est.rr_spectrum(sine_rr_ms(300, [(20.0, 0.25)])))
    assert hf.hf_ms2 == pytest.approx(20.0**2 / 2, rel=0.03)
    assert hf.lf_hf < 0.02
    assert hf.hf_nu > 98.0
    lf = est.band_powers(est.rr_spectrum(sine_rr_ms(300, [(30.0, 0.1)])))
    assert lf.lf_ms2 == pytest.approx(30.0**2 / 2, rel=0.03)
    assert lf.lf_hf > 50.0
    assert lf.lf_nu + lf.hf_nu == pytest.approx(100.0)
    assert lf.total_power_ms2 == pytest.approx(lf.vlf_ms2 + lf.lf_ms2 + lf.hf_ms2)


@pytest.mark.parametrize("duration_s", [40, 200, 700])
def test_spectrum_is_scipy_welch_of_the_detrended_spline(duration_s) -> None:
    """The hand-rolled detrend and Welch (1 segment up to 256 s, then 50 % overlap) agree with
    scipy's own on the same resampled tachogram."""
    rr_ms = sine_rr_ms(duration_s, [(30.0, 0.1), (15.0, 0.25)], noise_ms=10.0, seed=duration_s)
    beat_t_s = np.cumsum(rr_ms) / 1000.0
    grid_t_s = np.arange(beat_t_s[0], beat_t_s[-1], 0.25)
    resampled = signal.detrend(CubicSpline(beat_t_s, rr_ms)(grid_t_s), type="linear")
    segment = min(1024, resampled.size)
    freq_hz, psd = signal.welch(
        resampled, 4.0, "hann", segment, segment // 2, 1024, detrend=False, scaling="density"
    )
    spectrum = est.rr_spectrum(rr_ms)
    np.testing.assert_allclose(spectrum.freq_hz, freq_hz)
    np.testing.assert_allclose(spectrum.psd_ms2_per_hz, psd, rtol=0, atol=1e-9 * psd.max())


def test_spectrum_grid_is_fixed_at_1_over_256_hz() -> None:
    for duration_s in (30, 64, 120, 600):
        spectrum = est.rr_spectrum(sine_rr_ms(duration_s, [(20.0, 0.25)]))
        assert spectrum.df_hz == pytest.approx(1 / 256)
        assert spectrum.freq_hz[-1] == pytest.approx(2.0)


def test_flat_rr_has_no_power_and_a_silent_spectrum_undefined_ratios() -> None:
    flat = est.rr_spectrum([1000.0] * 100)
    assert est.band_powers(flat).total_power_ms2 == pytest.approx(0.0, abs=1e-12)
    silent = est.Spectrum(freq_hz=flat.freq_hz, psd_ms2_per_hz=np.zeros_like(flat.freq_hz))
    powers = est.band_powers(silent)
    assert math.isnan(powers.lf_hf)
    assert math.isnan(powers.lf_nu)
    assert math.isnan(est.coherence(silent))
    assert math.isnan(est.respiratory_rate(silent))


@pytest.mark.parametrize(
    ("components", "expected_bpm"),
    [
        ([(20.0, 0.25)], 15.0),
        ([(15.0, 0.4)], 24.0),
        ([(30.0, 0.1)], 6.0),
        ([(25.0, 0.075)], 4.5),
        # A Mayer wave twice the respiratory amplitude (PSD 4x) must not read as 6 breaths/min.
        ([(40.0, 0.1), (20.0, 0.25)], 15.0),
    ],
)
def test_respiratory_rate(components, expected_bpm) -> None:
    rr_ms = sine_rr_ms(64, components, noise_ms=2.0)
    assert est.respiratory_rate(est.rr_spectrum(rr_ms)) == pytest.approx(expected_bpm, abs=0.25)


def test_coherence_high_for_resonance_breathing_low_for_noise() -> None:
    paced = est.coherence(est.rr_spectrum(sine_rr_ms(64, [(30.0, 0.1)], noise_ms=2.0)))
    mixed = est.coherence(est.rr_spectrum(sine_rr_ms(64, [(40.0, 0.1), (20.0, 0.25)])))
    noise = est.coherence(est.rr_spectrum(sine_rr_ms(64, [], noise_ms=20.0, seed=3)))
    assert paced > 4.0
    assert 1.0 < mixed < paced
    assert noise < 0.5


def test_hrv_summary_keys_and_values() -> None:
    rr_ms = sine_rr_ms(300, [(30.0, 0.1), (15.0, 0.25)], noise_ms=5.0)
    summary = est.hrv_summary(rr_ms)
    assert list(summary) == [
        "mean_rr_ms",
        "sdnn_ms",
        "rmssd_ms",
        "nn50",
        "pnn50_pct",
        "sd1_ms",
        "sd2_ms",
        "mean_hr_bpm",
        "vlf_ms2",
        "lf_ms2",
        "hf_ms2",
        "lf_hf",
        "lf_nu",
        "hf_nu",
        "total_power_ms2",
        "method",
    ]
    assert summary["rmssd_ms"] == est.rmssd(rr_ms)
    assert summary["lf_hf"] == pytest.approx(summary["lf_ms2"] / summary["hf_ms2"])
    assert summary["lf_hf"] == pytest.approx(4.0, rel=0.1)
    assert "60000 / mean NN" in summary["method"]
    assert "Welch" in summary["method"]


# --- rolling: a reference that keeps every beat ---------------------------------------------


class Reference:
    """The documented window rule, applied naively to every beat since the last reset."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self.run: list[Beat] = []

    def window_rr_ms(self, t_now_s: float, window_s: float | None = None) -> list[float] | None:
        window_s = self.window_s if window_s is None else window_s
        first = self.run[0]
        if t_now_s - window_s < first.t_s - first.rr_ms / 1000.0:
            return None
        return [b.rr_ms for b in self.run if b.t_s > t_now_s - window_s]


BATCH_TWINS = {
    est.RollingHr: (est.mean_hr, 1),
    est.RollingSdnn: (est.sdnn, 2),
    est.RollingRmssd: (est.rmssd, 2),
    est.RollingPnn50: (est.pnn50, 2),
}


def expected_value(cls, reference: Reference, t_now_s: float) -> float | None:
    batch, min_beats = BATCH_TWINS[cls]
    rr_ms = reference.window_rr_ms(t_now_s)
    if rr_ms is None or len(rr_ms) < min_beats:
        return None
    return batch(rr_ms)


@st.composite
def beat_runs(draw):
    """Beats with independent RR and spacing (equal times allowed) and occasional resets."""
    steps = draw(
        st.lists(
            st.tuples(
                st.one_of(st.floats(250.0, 2000.0), st.integers(256, 2048).map(rr_ms_from_ticks)),
                st.floats(0.0, 2.5),
                st.integers(0, 29),
            ),
            min_size=20,
            max_size=200,
        )
    )
    t_s = draw(st.floats(0.0, 1e5))
    out = []
    for rr_ms, dt_s, roll in steps:
        t_s += dt_s
        out.append((Beat(t_s=t_s, rr_ms=rr_ms), roll == 0))
    return out


@pytest.mark.parametrize("cls", list(BATCH_TWINS))
@settings(max_examples=100, deadline=None)
@given(run=beat_runs(), window_s=st.floats(0.5, 20.0))
def test_rolling_equals_batch_twin(cls, run, window_s) -> None:
    rolling = cls(window_s=window_s)
    reference = Reference(window_s)
    for beat, reset_before in run:
        if reset_before:
            rolling.reset()
            reference.run.clear()
        reference.run.append(beat)
        got = rolling.update(beat)
        want = expected_value(cls, reference, beat.t_s)
        assert close(got, want), (got, want)


def regime_changing_rr_ms(count: int, seed: int = 7) -> np.ndarray:
    """100k-beat stress: ectopic-like jumps of 1.5 s next to near-constant stretches, where a
    float running sum of squares would keep the error of the big terms it once held."""
    rng = np.random.default_rng(seed)
    blocks = []
    while sum(b.size for b in blocks) < count:
        size = int(rng.integers(50, 400))
        kind = rng.integers(0, 3)
        if kind == 0:
            block = np.where(np.arange(size) % 2 == 0, 350.0, 1900.0) + rng.random(size)
        elif kind == 1:
            block = 1000.0 + 1e-3 * rng.standard_normal(size)
        else:
            block = 800.0 + 40.0 * rng.standard_normal(size)
        blocks.append(block)
    return np.concatenate(blocks)[:count]


@pytest.mark.parametrize("cls", list(BATCH_TWINS))
def test_rolling_does_not_drift_over_100k_beats(cls) -> None:
    rr_ms = regime_changing_rr_ms(100_000)
    t_s = np.cumsum(rr_ms) / 1000.0
    window_s = 30.0
    rolling = cls(window_s=window_s)
    batch, _ = BATCH_TWINS[cls]
    checked = 0
    for i in range(rr_ms.size):
        got = rolling.update(Beat(t_s=float(t_s[i]), rr_ms=float(rr_ms[i])))
        if i % 997 == 0 or i == rr_ms.size - 1:
            first = int(np.searchsorted(t_s, t_s[i] - window_s, side="right"))
            want = None if t_s[i] < window_s else batch(rr_ms[first : i + 1])
            assert close(got, want), (i, got, want)
            checked += want is not None
    assert checked > 90


def test_window_rule_and_first_value() -> None:
    hr = est.RollingHr(window_s=10.0)
    values = [hr.update(Beat(t_s=float(k), rr_ms=1000.0)) for k in range(1, 12)]
    assert values[:9] == [None] * 9  # the 9th beat covers 1..9 s, not the first second
    assert values[9] == pytest.approx(60.0)  # at t=10 the window (0, 10] is covered
    rmssd = est.RollingRmssd(window_s=3.0)
    for t_s, rr_ms in [(1.0, 1000.0), (2.0, 1000.0), (3.0, 1000.0), (4.0, 1500.0)]:
        value = rmssd.update(Beat(t_s=t_s, rr_ms=rr_ms))
    # window (1, 4] holds beats at 2, 3, 4: differences 0 and 500 (the beat at t=1 left).
    assert value == pytest.approx(math.sqrt((0 + 500.0**2) / 2))


def test_reset_keeps_differences_from_spanning_a_gap() -> None:
    rmssd = est.RollingRmssd(window_s=5.0)
    for k in range(1, 8):
        rmssd.update(Beat(t_s=float(k), rr_ms=600.0))
    rmssd.reset()
    values = [rmssd.update(Beat(t_s=100.0 + k, rr_ms=1000.0 + 10 * (k % 2))) for k in range(7)]
    assert values[:4] == [None] * 4  # the first interval after the gap starts at 99 s
    assert values[-1] == pytest.approx(10.0)  # the 400 ms step across the gap is not counted


def test_beats_must_not_go_back_in_time_or_be_empty() -> None:
    sdnn = est.RollingSdnn()
    sdnn.update(Beat(t_s=5.0, rr_ms=900.0))
    with pytest.raises(ValueError):
        sdnn.update(Beat(t_s=4.0, rr_ms=900.0))
    with pytest.raises(ValueError):
        sdnn.update(Beat(t_s=6.0, rr_ms=0.0))
    with pytest.raises(ValueError):
        est.RollingRmssd(window_s=0.0)


# --- rolling: spectrum ---------------------------------------------------------------------


def spectrum_of(reference: Reference, t_now_s: float, window_s: float) -> est.Spectrum | None:
    rr_ms = reference.window_rr_ms(t_now_s, window_s)
    return None if rr_ms is None or len(rr_ms) < 4 else est.rr_spectrum(rr_ms)  # RR >= 250 ms


def defined(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


@settings(max_examples=40, deadline=None)
@given(
    run=beat_runs(),
    hf_window_s=st.floats(2.0, 20.0),
    coherence_window_s=st.floats(2.0, 20.0),
    extra_s=st.floats(0.0, 10.0),
    every_s=st.floats(0.0, 6.0),
)
def test_rolling_spectrum_equals_batch_at_its_cadence(
    run, hf_window_s, coherence_window_s, extra_s, every_s
) -> None:
    lf_hf_window_s = max(hf_window_s, coherence_window_s) + extra_s
    rolling = est.RollingSpectrum(hf_window_s, coherence_window_s, lf_hf_window_s, every_s)
    reference = Reference(lf_hf_window_s)
    previous = None
    for beat, reset_before in run:
        if reset_before:
            rolling.reset()
            reference.run.clear()
            previous = None
        reference.run.append(beat)
        got = rolling.update(beat)
        shortest_s = min(hf_window_s, coherence_window_s)
        if reference.window_rr_ms(beat.t_s, shortest_s) is None:
            assert got is None
            continue
        if previous is not None and beat.t_s - previous.t_s < every_s:
            assert got is previous
            continue
        previous = got
        assert got is not None and got.t_s == beat.t_s
        hf = spectrum_of(reference, beat.t_s, hf_window_s)
        coherent = spectrum_of(reference, beat.t_s, coherence_window_s)
        long = spectrum_of(reference, beat.t_s, lf_hf_window_s)
        want = [
            None if hf is None else est.band_power(hf, *est.HF_BAND_HZ),
            None if hf is None else defined(est.respiratory_rate(hf)),
            None if coherent is None else defined(est.coherence(coherent)),
            None if long is None else defined(est.band_powers(long).lf_hf),
        ]
        actual = [got.hf_ms2, got.resp_rate_bpm, got.coherence, got.lf_hf]
        assert all(close(a, w) for a, w in zip(actual, want, strict=True)), (actual, want)


def test_rolling_spectrum_on_paced_breathing() -> None:
    rr_ms = sine_rr_ms(600, [(30.0, 0.1)], noise_ms=3.0)
    t_s = np.cumsum(rr_ms) / 1000.0
    spectrum = est.RollingSpectrum()
    estimates = [spectrum.update(Beat(float(t), float(r))) for t, r in zip(t_s, rr_ms, strict=True)]
    fresh = {e.t_s: e for e in estimates if e is not None}
    assert all(e is None for e, t in zip(estimates, t_s, strict=True) if t < 60.0)
    assert min(fresh) >= 60.0
    assert fresh[min(fresh)].coherence is None  # its 64 s window is not covered yet
    assert np.all(np.diff(sorted(fresh)) >= 5.0)
    late = [e for e in fresh.values() if e.t_s > 130.0]
    assert all(e.lf_hf is not None and e.lf_hf > 20.0 for e in late)
    assert all(e.resp_rate_bpm == pytest.approx(6.0, abs=0.3) for e in late)
    assert all(e.coherence > 3.0 for e in late)
    with pytest.raises(ValueError):
        est.RollingSpectrum(hf_window_s=60.0, coherence_window_s=64.0, lf_hf_window_s=30.0)


def test_lf_hf_recomputed_at_its_own_slower_cadence() -> None:
    rr_ms = sine_rr_ms(420, [(30.0, 0.1), (20.0, 0.25)], noise_ms=5.0)
    t_s = np.cumsum(rr_ms) / 1000.0
    rolling = est.RollingSpectrum(60.0, 64.0, 120.0, every_s=5.0, lf_hf_every_s=15.0)
    last_recompute_s = None
    recomputes = 0
    for i, t in enumerate(t_s):
        got = rolling.update(Beat(float(t), float(rr_ms[i])))
        if got is None or got.t_s != t or t - 120.0 < t_s[0] - rr_ms[0] / 1000.0:
            continue
        if last_recompute_s is None or t - last_recompute_s >= 15.0:
            window_ms = rr_ms[: i + 1][t_s[: i + 1] > t - 120.0]
            assert close(got.lf_hf, est.band_powers(est.rr_spectrum(window_ms)).lf_hf)
            last_recompute_s, kept = t, got.lf_hf
            recomputes += 1
        else:
            assert got.lf_hf == kept
    assert recomputes >= 15


def test_estimators_bundle_follows_its_config_and_forgets_at_a_gap() -> None:
    config = load_config().estimators
    bundle = est.Estimators(config)
    rr_ms = sine_rr_ms(200, [(30.0, 0.1), (10.0, 0.25)], noise_ms=3.0)
    t_s = np.cumsum(rr_ms) / 1000.0
    for t, r in zip(t_s, rr_ms, strict=True):
        bundle.add(Beat(float(t), float(r)))
    last_s = t_s[-1]

    def window(window_s: float) -> np.ndarray:
        return rr_ms[t_s > last_s - window_s]

    assert bundle.hr_bpm == pytest.approx(est.mean_hr(window(config.hr_window_s)), rel=REL_TOL)
    assert bundle.rmssd_ms == pytest.approx(est.rmssd(window(config.rmssd_window_s)), rel=REL_TOL)
    expected = est.rmssd(window(config.rmssd_long_window_s))
    assert bundle.rmssd60_ms == pytest.approx(expected, rel=REL_TOL)
    assert bundle.sdnn_ms == pytest.approx(est.sdnn(window(config.sdnn_window_s)), rel=REL_TOL)
    assert bundle.pnn50_pct == pytest.approx(est.pnn50(window(config.sdnn_window_s)), rel=REL_TOL)
    assert bundle.resp_rate_bpm == pytest.approx(15.0, abs=0.3)  # LF peak only 9x the HF one
    assert bundle.lf_hf is not None and bundle.lf_hf > 3.0
    assert bundle.coherence is not None and bundle.hf_ms2 is not None
    bundle.gap()
    bundle.add(Beat(float(last_s) + 30.0, 900.0))
    assert [bundle.hr_bpm, bundle.rmssd_ms, bundle.sdnn_ms, bundle.lf_hf] == [None] * 4

"""HRV mathematics: batch functions on NN intervals and rolling estimators for the live path.

Batch functions take NN intervals in ms (oldest first) and are pure. Rolling estimators take one
``Beat`` at a time and equal their batch twin on the same window (tested to 1e-9): they keep
exact integer sums instead of float running sums, which drift over a long session.

Window rule (every rolling estimator): with ``t_now`` the newest beat's ``t_s``, a beat is in the
window when ``t_s > t_now - window_s``. An estimator answers None until the beats since the last
``reset()`` cover the whole window, i.e. ``t_now - window_s >= t_s - rr_ms / 1000`` of the first
beat (the start of its interval), and the window holds enough beats for the statistic. Successive
differences pair only beats that are both in the window and both after the last ``reset()``, so
call ``reset()`` after a gap.

Spectral method (``rr_spectrum``), chosen to reproduce Kubios HRV 2.2's standard analysis: the RR
tachogram (each interval placed at the beat that ends it, times = cumulative sum of NN) is
resampled at 4 Hz with a not-a-knot cubic spline, detrended once with a least-squares line, and
passed to a Welch periodogram (256 s periodic Hann segments, 50 % overlap, 1024-point FFT; a
series shorter than 256 s is one segment zero-padded to 1024 points). Band power is the sum of
PSD bins times the bin width (1/256 Hz) over ``low <= f < high``. On the Kubios reference
recording this gives VLF/LF/HF within 0.6 % and LF/HF within 0.3 %; smoothness-priors detrending
(lambda 500) removed 15 % of Kubios' VLF power, so it is not what Kubios 2.2 used there.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pausepoint.model import Beat

if TYPE_CHECKING:
    from pausepoint.config import EstimatorsConfig

RESAMPLE_HZ = 4.0
WELCH_SEGMENT_S = 256.0
VLF_BAND_HZ = (0.0, 0.04)
LF_BAND_HZ = (0.04, 0.15)
HF_BAND_HZ = (0.15, 0.4)
COHERENCE_PEAK_BAND_HZ = (0.04, 0.26)
COHERENCE_PEAK_WIDTH_HZ = 0.030
COHERENCE_TOTAL_BAND_HZ = (0.0033, 0.4)
SLOW_BREATH_BAND_HZ = (0.07, 0.15)
BREATH_BAND_HZ = (0.15, 0.5)
SLOW_BREATH_PEAK_RATIO = 10.0
"""A peak at 0.07–0.15 Hz counts as breathing when its PSD is at least this many times the
highest peak at 0.15–0.5 Hz. In 64 s windows of real recordings without paced breathing (Kubios'
and pyHRV's samples, a 24 h Holter) the Mayer-wave peak was a median 0.8–3x and a 90th
percentile 4–8x the respiratory peak; a session with a breathing pacer, a median 33x."""

NN50_THRESHOLD_MS = 50.0

METHOD = (
    "mean HR = 60000 / mean NN; SDNN ddof=1; SD1/SD2 = sample SD (ddof=1) of the Poincare "
    "projections (Kubios); spectrum: RR tachogram resampled at 4 Hz by cubic spline, linear "
    "detrend, Welch periodogram (256 s Hann segments, 50 % overlap, 1024-point FFT), band power "
    "= sum of PSD bins x 1/256 Hz; VLF 0-0.04, LF 0.04-0.15, HF 0.15-0.4 Hz"
)


# --- batch: time domain ---------------------------------------------------------------------


def _nn_array(rr_ms: ArrayLike, min_count: int, what: str) -> NDArray[np.float64]:
    values = np.asarray(rr_ms, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(
            f"{what}: NN intervals must be a 1-D sequence of ms, got shape {values.shape}"
        )
    if values.size < min_count:
        raise ValueError(f"{what} needs at least {min_count} NN intervals, got {values.size}")
    if not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"{what}: NN intervals must be finite and positive (ms)")
    return values


def mean_rr(rr_ms: ArrayLike) -> float:
    """Mean NN interval in ms."""
    return float(np.mean(_nn_array(rr_ms, 1, "mean_rr")))


def sdnn(rr_ms: ArrayLike) -> float:
    """Sample standard deviation (ddof=1) of NN in ms, as Kubios and hrv-analysis report it."""
    return float(np.std(_nn_array(rr_ms, 2, "sdnn"), ddof=1))


def rmssd(rr_ms: ArrayLike) -> float:
    """Root mean square of successive NN differences in ms."""
    diffs_ms = np.diff(_nn_array(rr_ms, 2, "rmssd"))
    return float(np.sqrt(np.mean(diffs_ms * diffs_ms)))


def nn50(rr_ms: ArrayLike) -> int:
    """Number of successive NN differences larger than 50 ms (strictly)."""
    diffs_ms = np.diff(_nn_array(rr_ms, 2, "nn50"))
    return int(np.count_nonzero(np.abs(diffs_ms) > NN50_THRESHOLD_MS))


def pnn50(rr_ms: ArrayLike) -> float:
    """Percent of successive NN differences larger than 50 ms (of n - 1 differences)."""
    values = _nn_array(rr_ms, 2, "pnn50")
    return 100.0 * nn50(values) / (values.size - 1)


def sd1(rr_ms: ArrayLike) -> float:
    """Poincaré SD1 in ms: sample SD (ddof=1) of (NN[n] - NN[n+1]) / sqrt 2, as Kubios."""
    values = _nn_array(rr_ms, 3, "sd1")
    return float(np.std(np.diff(values), ddof=1) / math.sqrt(2.0))


def sd2(rr_ms: ArrayLike) -> float:
    """Poincaré SD2 in ms: sample SD (ddof=1) of (NN[n] + NN[n+1]) / sqrt 2, as Kubios."""
    values = _nn_array(rr_ms, 3, "sd2")
    return float(np.std(values[:-1] + values[1:], ddof=1) / math.sqrt(2.0))


def mean_hr(rr_ms: ArrayLike) -> float:
    """Heart rate of the mean interval, 60000 / mean NN (Kubios' definition).

    hrv-analysis and pyHRV average 60000 / NN instead, which reads 0.4–1 % higher.
    """
    return 60000.0 / mean_rr(rr_ms)


# --- batch: frequency domain ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spectrum:
    """One-sided PSD of the resampled RR tachogram."""

    freq_hz: NDArray[np.float64]
    psd_ms2_per_hz: NDArray[np.float64]

    @property
    def df_hz(self) -> float:
        return float(self.freq_hz[1] - self.freq_hz[0])


@dataclass(frozen=True, slots=True)
class BandPowers:
    """Kubios-style frequency-domain summary; ratios are NaN when their denominator is 0."""

    vlf_ms2: float
    lf_ms2: float
    hf_ms2: float
    total_power_ms2: float
    """VLF + LF + HF (0–0.4 Hz), as Kubios' total power."""
    lf_hf: float
    lf_nu: float
    """LF / (LF + HF) * 100."""
    hf_nu: float


_NFFT = int(WELCH_SEGMENT_S * RESAMPLE_HZ)
_FREQ_HZ = np.fft.rfftfreq(_NFFT, 1.0 / RESAMPLE_HZ).astype(np.float64)
_FREQ_HZ.flags.writeable = False


def _linear_detrend(samples: NDArray[np.float64]) -> NDArray[np.float64]:
    """Subtract the least-squares line (closed form; scipy's lstsq costs 5x more here)."""
    index = np.arange(samples.size, dtype=np.float64)
    index -= index.mean()
    centred: NDArray[np.float64] = samples - samples.mean()
    slope = float(np.dot(index, centred) / np.dot(index, index))
    return centred - index * slope


def _welch_psd(samples: NDArray[np.float64]) -> NDArray[np.float64]:
    """One-sided Welch PSD with periodic Hann segments of min(1024, n) samples, 50 % overlap and
    a 1024-point FFT: scipy.signal.welch's numbers (tested) at a tenth of its cost."""
    segment = min(_NFFT, samples.size)
    step = segment - segment // 2
    count = (samples.size - segment) // step + 1
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(segment) / segment)
    starts = step * np.arange(count)
    segments = samples[starts[:, None] + np.arange(segment)] * window
    spectra = np.fft.rfft(segments, _NFFT, axis=1)
    psd: NDArray[np.float64] = np.mean(spectra.real**2 + spectra.imag**2, axis=0) / (
        RESAMPLE_HZ * np.dot(window, window)
    )
    psd[1:-1] *= 2.0
    return psd


def _spectrum_or_none(rr_ms: NDArray[np.float64]) -> Spectrum | None:
    """``rr_spectrum`` of checked NN, None when they span less than 3 samples at 4 Hz."""
    beat_t_s = np.cumsum(rr_ms) / 1000.0
    sample_count = int((beat_t_s[-1] - beat_t_s[0]) * RESAMPLE_HZ) + 1
    if sample_count < 3:
        return None
    grid_t_s = beat_t_s[0] + np.arange(sample_count) / RESAMPLE_HZ
    # FITPACK's interpolating spline (s=0) is the not-a-knot cubic spline, at a third of
    # CubicSpline's cost on windows this short. scipy loads here, not on the CLI's start-up.
    from scipy.interpolate import splev, splrep

    resampled_ms = _linear_detrend(splev(grid_t_s, splrep(beat_t_s, rr_ms, k=3, s=0)))
    return Spectrum(freq_hz=_FREQ_HZ, psd_ms2_per_hz=_welch_psd(resampled_ms))


def rr_spectrum(rr_ms: ArrayLike) -> Spectrum:
    """PSD of NN intervals by the Kubios-like method described in the module docstring."""
    spectrum = _spectrum_or_none(_nn_array(rr_ms, 4, "rr_spectrum"))
    if spectrum is None:
        raise ValueError("rr_spectrum needs NN intervals spanning at least 0.5 s after the first")
    return spectrum


def _bins(freq_hz: NDArray[np.float64], low_hz: float, high_hz: float, closed: bool) -> slice:
    """Bins with low_hz <= f < high_hz (f <= high_hz when closed); the grid is sorted, so a
    slice found by bisection replaces a boolean mask over every bin."""
    start = int(np.searchsorted(freq_hz, low_hz, "left"))
    stop = int(np.searchsorted(freq_hz, high_hz, "right" if closed else "left"))
    return slice(start, stop)


def band_power(spectrum: Spectrum, low_hz: float, high_hz: float) -> float:
    """Power in ms² of the bins with low_hz <= f < high_hz."""
    in_band = _bins(spectrum.freq_hz, low_hz, high_hz, closed=False)
    return float(np.sum(spectrum.psd_ms2_per_hz[in_band]) * spectrum.df_hz)


def _ratio(numerator: float, denominator: float) -> float:
    if denominator > 0.0:
        return numerator / denominator
    return math.nan if numerator == 0.0 else math.inf


def band_powers(spectrum: Spectrum) -> BandPowers:
    """VLF, LF, HF power (ms²), total power, LF/HF and normalised units."""
    vlf_ms2 = band_power(spectrum, *VLF_BAND_HZ)
    lf_ms2 = band_power(spectrum, *LF_BAND_HZ)
    hf_ms2 = band_power(spectrum, *HF_BAND_HZ)
    return BandPowers(
        vlf_ms2=vlf_ms2,
        lf_ms2=lf_ms2,
        hf_ms2=hf_ms2,
        total_power_ms2=vlf_ms2 + lf_ms2 + hf_ms2,
        lf_hf=_ratio(lf_ms2, hf_ms2),
        lf_nu=100.0 * _ratio(lf_ms2, lf_ms2 + hf_ms2),
        hf_nu=100.0 * _ratio(hf_ms2, lf_ms2 + hf_ms2),
    )


def _highest_peak(spectrum: Spectrum, low_hz: float, high_hz: float) -> int | None:
    """Index of the highest local maximum with low_hz <= f <= high_hz, None if there is none."""
    psd = spectrum.psd_ms2_per_hz
    band = _bins(spectrum.freq_hz, low_hz, high_hz, closed=True)
    start, stop = max(int(band.start), 1), min(int(band.stop), psd.size - 1)
    if start >= stop:
        return None
    centre = psd[start:stop]
    is_peak = (centre > psd[start - 1 : stop - 1]) & (centre >= psd[start + 1 : stop + 1])
    (peaks,) = np.nonzero(is_peak)
    if peaks.size == 0:
        return None
    return start + int(peaks[np.argmax(centre[peaks])])


def coherence(spectrum: Spectrum) -> float:
    """HeartMath-style coherence ratio; meant for a spectrum of 64 s of RR.

    Peak power = power within ±0.015 Hz of the highest peak at 0.04–0.26 Hz (the highest bin
    there when it has no local maximum); coherence = peak power / (power at 0.0033–0.4 Hz minus
    peak power). NaN for a spectrum without power.
    """
    peak = _highest_peak(spectrum, *COHERENCE_PEAK_BAND_HZ)
    if peak is None:
        in_band = _bins(spectrum.freq_hz, *COHERENCE_PEAK_BAND_HZ, closed=True)
        peak = in_band.start + int(np.argmax(spectrum.psd_ms2_per_hz[in_band]))
    half_width_hz = COHERENCE_PEAK_WIDTH_HZ / 2.0
    near_peak = np.abs(spectrum.freq_hz - spectrum.freq_hz[peak]) <= half_width_hz
    peak_ms2 = float(np.sum(spectrum.psd_ms2_per_hz[near_peak]) * spectrum.df_hz)
    total_ms2 = band_power(spectrum, *COHERENCE_TOTAL_BAND_HZ)
    return _ratio(peak_ms2, total_ms2 - peak_ms2)


def respiratory_rate(spectrum: Spectrum) -> float:
    """Breaths per minute from the respiratory peak of the RR spectrum; NaN when there is none.

    The peak is the highest local maximum at 0.15–0.5 Hz (HF widened for fast breathing), unless
    the highest one at 0.07–0.15 Hz is at least SLOW_BREATH_PEAK_RATIO times higher (or alone):
    then breathing is slow, as in 6/min resonance breathing; at rest the Mayer-wave peak near
    0.1 Hz rarely reaches that ratio. The peak frequency is refined by a parabola through its
    three bins.
    """
    fast = _highest_peak(spectrum, *BREATH_BAND_HZ)
    slow = _highest_peak(spectrum, SLOW_BREATH_BAND_HZ[0], SLOW_BREATH_BAND_HZ[1])
    psd = spectrum.psd_ms2_per_hz
    if slow is not None and (fast is None or psd[slow] >= SLOW_BREATH_PEAK_RATIO * psd[fast]):
        peak = slow
    elif fast is not None:
        peak = fast
    else:
        return math.nan
    left, centre, right = psd[peak - 1], psd[peak], psd[peak + 1]
    curvature = left - 2.0 * centre + right
    offset = 0.5 * (left - right) / curvature if curvature < 0.0 else 0.0
    return 60.0 * (float(spectrum.freq_hz[peak]) + offset * spectrum.df_hz)


def hrv_summary(rr_ms: ArrayLike) -> dict[str, Any]:
    """Standard short-term HRV report of an NN series (at least 4 intervals)."""
    values = _nn_array(rr_ms, 4, "hrv_summary")
    powers = band_powers(rr_spectrum(values))
    return {
        "mean_rr_ms": mean_rr(values),
        "sdnn_ms": sdnn(values),
        "rmssd_ms": rmssd(values),
        "nn50": nn50(values),
        "pnn50_pct": pnn50(values),
        "sd1_ms": sd1(values),
        "sd2_ms": sd2(values),
        "mean_hr_bpm": mean_hr(values),
        "vlf_ms2": powers.vlf_ms2,
        "lf_ms2": powers.lf_ms2,
        "hf_ms2": powers.hf_ms2,
        "lf_hf": powers.lf_hf,
        "lf_nu": powers.lf_nu,
        "hf_nu": powers.hf_nu,
        "total_power_ms2": powers.total_power_ms2,
        "method": METHOD,
    }


# --- rolling: exact sums and the time window ------------------------------------------------


class _ExactSums:
    """Exact count, sum and sum of squares of floats, kept as integers over 2**shift.

    Every float is a dyadic rational, so adding and removing them in integers never drifts;
    the single rounding happens when a statistic is read out (int / int rounds correctly).
    """

    __slots__ = ("_shift", "_sum", "_sum_sq", "count")

    def __init__(self) -> None:
        self.count = 0
        self._shift = 0
        self._sum = 0
        self._sum_sq = 0

    def _scaled(self, value: float) -> int:
        numerator, denominator = value.as_integer_ratio()
        bits = denominator.bit_length() - 1
        if bits > self._shift:
            grow = bits - self._shift
            self._sum <<= grow
            self._sum_sq <<= 2 * grow
            self._shift = bits
        return numerator << (self._shift - bits)

    def add(self, value: float) -> None:
        scaled = self._scaled(value)
        self.count += 1
        self._sum += scaled
        self._sum_sq += scaled * scaled

    def remove(self, value: float) -> None:
        scaled = self._scaled(value)
        self.count -= 1
        self._sum -= scaled
        self._sum_sq -= scaled * scaled
        if self.count == 0:
            self._shift = self._sum = self._sum_sq = 0

    def mean(self) -> float:
        return self._sum / (self.count << self._shift)

    def mean_square(self) -> float:
        return self._sum_sq / (self.count << (2 * self._shift))

    def sample_variance(self) -> float:
        numerator = self.count * self._sum_sq - self._sum * self._sum
        return numerator / ((self.count * (self.count - 1)) << (2 * self._shift))


T_ROUNDING_S = 1e-9
"""Beat times a rounding error apart (an interval split where the artifact stage places a
beat) are the same moment, not one going back."""


class _TimeWindow:
    """The beats of the last window_s seconds since reset(), with their successive differences.

    The deque holds (t_s, rr_ms, diff_ms) where diff_ms pairs a beat with the one before it (None
    for the first beat after a reset); the sums kept by subclasses hold every diff_ms in the
    window except the oldest beat's, whose partner has left.
    """

    def __init__(self, window_s: float) -> None:
        if not window_s > 0.0:
            raise ValueError(f"window_s must be positive, got {window_s}")
        self.window_s = float(window_s)
        self._beats: deque[tuple[float, float, float | None]] = deque()
        self._start_s: float | None = None
        self._after_gap = False

    def reset(self) -> None:
        """Forget every beat: the next beat starts a new run (call after a long gap)."""
        self._beats.clear()
        self._start_s = None
        self._after_gap = False

    def bridge(self) -> None:
        """A short gap: keep the window, but pair no beat across it (the next beat's
        difference to the last one before the gap is not a successive difference)."""
        self._after_gap = True

    def _push(self, beat: Beat) -> float:
        """Add the beat and drop the ones that left the window; return t_now."""
        if not (math.isfinite(beat.rr_ms) and beat.rr_ms > 0.0):
            raise ValueError(f"beat at t_s={beat.t_s} has rr_ms={beat.rr_ms}, not a positive ms")
        if self._beats:
            last_t_s, last_rr_ms, _ = self._beats[-1]
            if beat.t_s < last_t_s - T_ROUNDING_S:
                raise ValueError(f"beat at t_s={beat.t_s} is older than the last ({last_t_s})")
            diff_ms = None if self._after_gap else beat.rr_ms - last_rr_ms
        else:
            diff_ms = None
            if self._start_s is None:
                self._start_s = beat.t_s - beat.rr_ms / 1000.0
        self._after_gap = False
        self._beats.append((beat.t_s, beat.rr_ms, diff_ms))
        self._entered(beat.rr_ms, diff_ms)
        oldest_kept_s = beat.t_s - self.window_s
        while self._beats[0][0] <= oldest_kept_s:
            _, old_rr_ms, _ = self._beats.popleft()
            self._left(old_rr_ms, self._beats[0][2])
        return beat.t_s

    def _covered(self, t_now_s: float) -> bool:
        return self._start_s is not None and t_now_s - self.window_s >= self._start_s

    def _entered(self, rr_ms: float, diff_ms: float | None) -> None:
        """A beat entered; diff_ms is its difference to the previous beat in the window."""

    def _left(self, rr_ms: float, diff_ms: float | None) -> None:
        """A beat left; diff_ms is the difference that paired it with the new oldest beat."""


class _RollingNnSums(_TimeWindow):
    """Exact sums of the NN intervals in the window, for the mean and the variance."""

    def __init__(self, window_s: float) -> None:
        super().__init__(window_s)
        self._rr = _ExactSums()

    def reset(self) -> None:
        super().reset()
        self._rr = _ExactSums()

    def _entered(self, rr_ms: float, diff_ms: float | None) -> None:
        self._rr.add(rr_ms)

    def _left(self, rr_ms: float, diff_ms: float | None) -> None:
        self._rr.remove(rr_ms)


class RollingHr(_RollingNnSums):
    """Heart rate over the last window_s: 60000 / mean NN, twin of ``mean_hr``."""

    def __init__(self, window_s: float = 10.0) -> None:
        super().__init__(window_s)

    def update(self, beat: Beat) -> float | None:
        """HR in bpm once the window is covered (at least one beat), else None."""
        t_now_s = self._push(beat)
        if not self._covered(t_now_s):
            return None
        return 60000.0 / self._rr.mean()


class RollingSdnn(_RollingNnSums):
    """SDNN (ddof=1) over the last window_s, twin of ``sdnn``."""

    def __init__(self, window_s: float = 60.0) -> None:
        super().__init__(window_s)

    def update(self, beat: Beat) -> float | None:
        """SDNN in ms once the window is covered and holds 2 beats, else None."""
        t_now_s = self._push(beat)
        if not self._covered(t_now_s) or self._rr.count < 2:
            return None
        return math.sqrt(self._rr.sample_variance())


class RollingRmssd(_TimeWindow):
    """RMSSD over the last window_s, twin of ``rmssd``."""

    def __init__(self, window_s: float = 30.0) -> None:
        super().__init__(window_s)
        self._diffs = _ExactSums()

    def reset(self) -> None:
        super().reset()
        self._diffs = _ExactSums()

    def _entered(self, rr_ms: float, diff_ms: float | None) -> None:
        if diff_ms is not None:
            self._diffs.add(diff_ms)

    def _left(self, rr_ms: float, diff_ms: float | None) -> None:
        if diff_ms is not None:
            self._diffs.remove(diff_ms)

    @property
    def pairs(self) -> int:
        """Successive differences in the window."""
        return self._diffs.count

    def update(self, beat: Beat) -> float | None:
        """RMSSD in ms once the window is covered and holds 2 beats, else None."""
        t_now_s = self._push(beat)
        if not self._covered(t_now_s) or self._diffs.count == 0:
            return None
        return math.sqrt(self._diffs.mean_square())


class RollingPnn50(_TimeWindow):
    """pNN50 (%) over the last window_s, twin of ``pnn50``."""

    def __init__(self, window_s: float = 60.0) -> None:
        super().__init__(window_s)
        self._diff_count = 0
        self._over_count = 0

    def reset(self) -> None:
        super().reset()
        self._diff_count = self._over_count = 0

    def _entered(self, rr_ms: float, diff_ms: float | None) -> None:
        if diff_ms is not None:
            self._diff_count += 1
            self._over_count += abs(diff_ms) > NN50_THRESHOLD_MS

    def _left(self, rr_ms: float, diff_ms: float | None) -> None:
        if diff_ms is not None:
            self._diff_count -= 1
            self._over_count -= abs(diff_ms) > NN50_THRESHOLD_MS

    def update(self, beat: Beat) -> float | None:
        """pNN50 in percent once the window is covered and holds 2 beats, else None."""
        t_now_s = self._push(beat)
        if not self._covered(t_now_s) or self._diff_count == 0:
            return None
        return 100.0 * self._over_count / self._diff_count


# --- rolling: spectrum ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpectrumEstimate:
    """Spectral values computed at beat time t_s; None where a window is not covered or a
    value is undefined (no power, no peak)."""

    t_s: float
    hf_ms2: float | None
    resp_rate_bpm: float | None
    coherence: float | None
    lf_hf: float | None


def _defined(value: float) -> float | None:
    return None if math.isnan(value) else value


class RollingSpectrum(_TimeWindow):
    """HF power and respiratory rate over hf_window_s, coherence over coherence_window_s, LF/HF
    over lf_hf_window_s (the window the beats are kept for).

    Recomputed from the windows' NN intervals (``rr_spectrum``, one spectrum per distinct window)
    at most once per every_s of beat time, so the per-beat cost stays small; between
    recomputations ``update`` returns the last estimate, whose ``t_s`` says when it was computed.
    As in the batch functions, the tachogram's time axis is the cumulative NN, not the beats'
    ``t_s``. A value whose window is too short for ``rr_spectrum`` is None. LF/HF, a slow
    balance over two minutes, may be recomputed less often (``lf_hf_every_s``, default
    every_s): its spectrum is the costliest and it changes least from one to the next.
    """

    def __init__(
        self,
        hf_window_s: float = 60.0,
        coherence_window_s: float = 64.0,
        lf_hf_window_s: float = 120.0,
        every_s: float = 5.0,
        lf_hf_every_s: float | None = None,
    ) -> None:
        if not (0.0 < hf_window_s <= lf_hf_window_s and 0.0 < coherence_window_s <= lf_hf_window_s):
            raise ValueError(
                "need 0 < hf_window_s, coherence_window_s <= lf_hf_window_s, got "
                f"{hf_window_s}, {coherence_window_s}, {lf_hf_window_s}"
            )
        super().__init__(lf_hf_window_s)
        self.hf_window_s = float(hf_window_s)
        self.coherence_window_s = float(coherence_window_s)
        self.every_s = float(every_s)
        self.lf_hf_every_s = self.every_s if lf_hf_every_s is None else float(lf_hf_every_s)
        self._estimate: SpectrumEstimate | None = None
        self._lf_hf_t_s: float | None = None

    def reset(self) -> None:
        super().reset()
        self._estimate = None
        self._lf_hf_t_s = None

    def _spectrum(self, t_now_s: float, window_s: float) -> Spectrum | None:
        """Spectrum of the beats in the last window_s; None if not covered or too short."""
        if self._start_s is None or t_now_s - window_s < self._start_s:
            return None
        oldest_kept_s = t_now_s - window_s
        rr_ms = np.fromiter(
            (rr_ms for t_s, rr_ms, _ in self._beats if t_s > oldest_kept_s), dtype=np.float64
        )
        return _spectrum_or_none(rr_ms) if rr_ms.size >= 4 else None

    def update(self, beat: Beat) -> SpectrumEstimate | None:
        """Latest estimate; None until the shortest window is covered."""
        t_now_s = self._push(beat)
        shortest_s = min(self.hf_window_s, self.coherence_window_s)
        if self._start_s is None or t_now_s - shortest_s < self._start_s:
            return None
        if self._estimate is not None and t_now_s - self._estimate.t_s < self.every_s:
            return self._estimate
        lf_hf = None if self._estimate is None else self._estimate.lf_hf
        lf_hf_due = self._lf_hf_t_s is None or t_now_s - self._lf_hf_t_s >= self.lf_hf_every_s
        windows_s = [self.hf_window_s, self.coherence_window_s]
        if lf_hf_due:
            windows_s.append(self.window_s)
        spectra: dict[float, Spectrum | None] = {}
        for window_s in windows_s:
            if window_s not in spectra:
                spectra[window_s] = self._spectrum(t_now_s, window_s)
        hf = spectra[self.hf_window_s]
        coherent = spectra[self.coherence_window_s]
        if lf_hf_due:
            long = spectra[self.window_s]
            lf_hf = None if long is None else _defined(band_powers(long).lf_hf)
            if long is not None:
                self._lf_hf_t_s = t_now_s
        self._estimate = SpectrumEstimate(
            t_s=t_now_s,
            hf_ms2=None if hf is None else band_power(hf, *HF_BAND_HZ),
            resp_rate_bpm=None if hf is None else _defined(respiratory_rate(hf)),
            coherence=None if coherent is None else _defined(coherence(coherent)),
            lf_hf=lf_hf,
        )
        return self._estimate


class Estimators:
    """Every rolling estimator of the live path, fed beat by beat; None where not yet known.

    ``config`` needs the window fields of ``pausepoint.config.EstimatorsConfig``; pNN50 uses
    the SDNN window. ``gap()`` restarts every window and forgets every value. The spectral
    values feed the screen, not the flooding judgement, so an offline run that shows no
    spectra can leave them out (``spectral=False``): they are most of the cost per beat.
    """

    def __init__(self, config: EstimatorsConfig, *, spectral: bool = True) -> None:
        self._hr = RollingHr(config.hr_window_s)
        self._rmssd = RollingRmssd(config.rmssd_window_s)
        self._rmssd_long = RollingRmssd(config.rmssd_long_window_s)
        self._sdnn = RollingSdnn(config.sdnn_window_s)
        self._pnn50 = RollingPnn50(config.sdnn_window_s)
        self._spectrum = (
            RollingSpectrum(
                config.hf_window_s,
                config.coherence_window_s,
                config.lf_hf_window_s,
                config.spectral_every_s,
                config.lf_hf_every_s,
            )
            if spectral
            else None
        )
        self._clear()

    def _clear(self) -> None:
        self.hr_bpm: float | None = None
        self.rmssd_ms: float | None = None
        self.rmssd60_ms: float | None = None
        self.sdnn_ms: float | None = None
        self.pnn50_pct: float | None = None
        self.hf_ms2: float | None = None
        self.resp_rate_bpm: float | None = None
        self.coherence: float | None = None
        self.lf_hf: float | None = None

    def add(self, beat: Beat) -> None:
        self.hr_bpm = self._hr.update(beat)
        self.rmssd_ms = self._rmssd.update(beat)
        self.rmssd60_ms = self._rmssd_long.update(beat)
        self.sdnn_ms = self._sdnn.update(beat)
        self.pnn50_pct = self._pnn50.update(beat)
        spectral = None if self._spectrum is None else self._spectrum.update(beat)
        if spectral is not None:
            self.hf_ms2 = spectral.hf_ms2
            self.resp_rate_bpm = spectral.resp_rate_bpm
            self.coherence = spectral.coherence
            self.lf_hf = spectral.lf_hf

    def bridge(self) -> None:
        """A few beats went missing: the time-domain windows keep what they hold and pair no
        beat across the gap; the spectrum, whose time axis is the beats end to end, starts
        again (it is shown, not judged)."""
        for estimator in (self._hr, self._rmssd, self._rmssd_long, self._sdnn, self._pnn50):
            estimator.bridge()
        if self._spectrum is not None:
            self._spectrum.reset()
            self.hf_ms2 = self.resp_rate_bpm = self.coherence = self.lf_hf = None

    def gap(self) -> None:
        """The beats stopped: no difference or window may span the gap."""
        for estimator in (
            self._hr,
            self._rmssd,
            self._rmssd_long,
            self._sdnn,
            self._pnn50,
            self._spectrum,
        ):
            if estimator is not None:
                estimator.reset()
        self._clear()

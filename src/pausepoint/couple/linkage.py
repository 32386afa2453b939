"""Physiological linkage between two partners: windowed lagged cross-correlation.

Exploratory, never a verdict on a relationship. Each window (150 s by default) of the
two heart-rate series, sampled once a second and detrended, is cross-correlated at lags
up to ±10 s (Boker et al. 2002, Psychological Methods 7(3):338-355; the windowed
approach reviewed for couples by Palumbo et al. 2017, Pers Soc Psychol Rev 21(2):99-141).
Heart rates that merely drift together correlate by chance, so each window's peak is
tested against surrogates: the second series with its Fourier phases randomised (its
power spectrum, so its autocorrelation, kept; its timing broken; Theiler et al. 1992,
Physica D 58:77-94). Correlations are circular, for the window and its surrogates
alike, so one FFT gives every lag. A window shows linkage when its peak exceeds the
surrogates' (1 - alpha) quantile. A positive lag means A leads: B follows A ``lag_s``
seconds later. The surrogates are seeded: the same recording gives the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pausepoint.config import LinkageConfig
from pausepoint.model import Beat


@dataclass(frozen=True, slots=True)
class LinkageWindow:
    start_s: float
    end_s: float
    r: float
    """Peak correlation over the lags (signed)."""
    lag_s: int
    """Lag of the peak; > 0: A leads, B follows."""
    threshold: float
    """The surrogates' (1 - alpha) quantile of the peak |r|."""

    @property
    def linked(self) -> bool:
        return abs(self.r) > self.threshold

    def to_dict(self) -> dict[str, float | int | bool]:
        return {
            "start_s": round(self.start_s, 1),
            "end_s": round(self.end_s, 1),
            "r": round(self.r, 3),
            "lag_s": self.lag_s,
            "threshold": round(self.threshold, 3),
            "linked": self.linked,
        }


def hr_per_second(beats: Sequence[Beat], start_s: float, end_s: float) -> NDArray[np.float64]:
    """Beat-to-beat heart rate (60000 / NN) interpolated at whole seconds from start_s."""
    t_s = np.array([b.t_s for b in beats])
    hr_bpm = 60000.0 / np.array([b.rr_ms for b in beats])
    grid_s = np.arange(np.ceil(start_s), np.floor(end_s) + 1.0)
    return np.interp(grid_s, t_s, hr_bpm)


def _standardise(x: NDArray[np.float64]) -> NDArray[np.float64]:
    n = x.size
    index = np.arange(n) - (n - 1) / 2.0
    centred = x - x.mean()
    detrended: NDArray[np.float64] = centred - index * (index @ centred) / (index @ index)
    sd = detrended.std()
    return detrended / sd if sd > 0 else detrended


def _circular_xcorr(
    spectrum_a: NDArray[np.complex128], spectrum_b: NDArray[np.complex128], n: int
) -> NDArray[np.float64]:
    """c[..., j] = mean(a[i] * b[(i + j) % n]): b's value j seconds after a's, wrapping round."""
    return np.fft.irfft(np.conj(spectrum_a) * spectrum_b, n) / n


def linkage(
    hr_a_bpm: NDArray[np.float64],
    hr_b_bpm: NDArray[np.float64],
    config: LinkageConfig,
    *,
    start_s: float = 0.0,
    seed: int = 0,
) -> list[LinkageWindow]:
    """Windows of lagged correlation between two 1-Hz heart-rate series of equal length."""
    if hr_a_bpm.shape != hr_b_bpm.shape:
        raise ValueError("the two heart-rate series must cover the same seconds")
    rng = np.random.default_rng(seed)
    width = int(config.window_s)
    step = int(config.step_s)
    lags = np.arange(-config.max_lag_s, config.max_lag_s + 1) % width
    windows = []
    for first in range(0, hr_a_bpm.size - width + 1, step):
        spectrum_a = np.fft.rfft(_standardise(hr_a_bpm[first : first + width]))
        spectrum_b = np.fft.rfft(_standardise(hr_b_bpm[first : first + width]))
        c = _circular_xcorr(spectrum_a, spectrum_b, width)[lags]
        best = int(np.argmax(np.abs(c)))
        phases = np.exp(2j * np.pi * rng.random((config.surrogates, spectrum_b.size)))
        phases[:, 0] = 1.0
        if width % 2 == 0:
            phases[:, -1] = 1.0
        null = np.abs(_circular_xcorr(spectrum_a, spectrum_b * phases, width)[:, lags]).max(axis=1)
        windows.append(
            LinkageWindow(
                start_s=start_s + first,
                end_s=start_s + first + width,
                r=float(c[best]),
                lag_s=int(np.arange(-config.max_lag_s, config.max_lag_s + 1)[best]),
                threshold=float(np.quantile(null, 1.0 - config.alpha)),
            )
        )
    return windows


def leader(windows: Sequence[LinkageWindow]) -> int:
    """+1 when A mostly leads in the linked windows, -1 when B does, 0 when neither."""
    lags = [w.lag_s for w in windows if w.linked and w.lag_s != 0]
    return int(np.sign(np.sum(np.sign(lags)))) if lags else 0

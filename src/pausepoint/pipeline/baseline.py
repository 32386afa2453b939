"""The person's calm level, from a profile, a named window, or the session's first calm minutes."""

from __future__ import annotations

from collections import deque

import numpy as np

from pausepoint.config import BaselineConfig
from pausepoint.model import Baseline


def robust_baseline(
    hr_bpm: np.ndarray,
    rmssd_ms: np.ndarray,
    cfg: BaselineConfig,
    source: str,
    window_s: tuple[float, float] | None,
) -> Baseline:
    """Median and scaled MAD, so one odd minute in the window does not move the level."""
    hr_median = float(np.median(hr_bpm))
    rmssd_median = float(np.median(rmssd_ms))
    hr_sd = cfg.mad_to_sd * float(np.median(np.abs(hr_bpm - hr_median)))
    rmssd_sd = cfg.mad_to_sd * float(np.median(np.abs(rmssd_ms - rmssd_median)))
    return Baseline(
        hr_bpm=hr_median,
        rmssd_ms=rmssd_median,
        hr_sd_bpm=hr_sd,
        rmssd_sd_ms=max(rmssd_sd, cfg.rmssd_sd_floor_frac * rmssd_median),
        source=source,
        window_s=window_s,
    )


class BaselineWindow:
    """Gathers beat-level HR and 30-s RMSSD for the calm level.

    Without a named window it waits ``settle_s`` after the first beat, then gathers
    ``window_s`` of clean beats (the sum of their intervals) within the last ``span_s``: the
    gaps an optical sensor leaves do not start it again, a poor signal does. A named window
    is judged on what it holds, and ``refusal`` says why when that is too little.
    """

    def __init__(self, cfg: BaselineConfig, window_s: tuple[float, float] | None = None) -> None:
        self._cfg = cfg
        self._named = window_s
        self._start_s: float | None = None if window_s is None else window_s[0]
        self._beats: deque[tuple[float, float, float, float | None]] = deque()
        """(t_s, rr_ms, hr_bpm, 30-s RMSSD then) of each clean beat gathered."""
        self.clean_s = 0.0
        """Clean beats gathered so far, in seconds of intervals."""
        self.refusal: str | None = None
        """Why a named window could not give a calm level."""

    @property
    def failed(self) -> bool:
        return self.refusal is not None

    def add(
        self, t_s: float, rr_ms: float, hr_bpm: float, rmssd_ms: float | None
    ) -> Baseline | None:
        """Feed one clean beat (its interval, its heart rate, the RMSSD then); returns the
        baseline once enough is gathered."""
        if self._start_s is None:
            self._start_s = t_s + self._cfg.settle_s
        if t_s < self._start_s or self.failed:
            return None
        if self._named is not None:
            if t_s <= self._named[1]:
                self._gather(t_s, rr_ms, hr_bpm, rmssd_ms)
                return None
            return self.close()
        self._gather(t_s, rr_ms, hr_bpm, rmssd_ms)
        while t_s - self._beats[0][0] > self._cfg.span_s:
            self.clean_s -= self._beats.popleft()[1] / 1000.0
        if self.clean_s < self._cfg.window_s or self._short() is not None:
            return None
        return self._level("session", (self._beats[0][0], t_s))

    def close(self) -> Baseline | None:
        """End of a named window (or of the recording): judged on what it holds."""
        if self._named is None or self.failed:
            return None
        self.refusal = self._short()
        if self.refusal is not None:
            return None
        return self._level("window", self._named)

    def restart(self, t_s: float) -> None:
        """Signal went poor: what was gathered is doubtful; gather again after settling
        (a named window keeps its bounds and only loses what it held)."""
        self._beats.clear()
        self.clean_s = 0.0
        if self._named is None:
            self._start_s = t_s + self._cfg.settle_s

    def _gather(self, t_s: float, rr_ms: float, hr_bpm: float, rmssd_ms: float | None) -> None:
        self._beats.append((t_s, rr_ms, hr_bpm, rmssd_ms))
        self.clean_s += rr_ms / 1000.0

    def _short(self) -> str | None:
        """What the beats gathered lack, in words, or None."""
        if len(self._beats) < self._cfg.min_beats:
            return (
                f"it holds {len(self._beats)} clean beats ({self.clean_s:.0f} s); "
                f"at least {self._cfg.min_beats} are needed"
            )
        if not any(rmssd is not None for _t, _rr, _hr, rmssd in self._beats):
            return "it holds no 30-s stretch of clean beats to measure variability"
        return None

    def _level(self, source: str, window_s: tuple[float, float]) -> Baseline:
        hr_bpm = np.array([hr for _t, _rr, hr, _r in self._beats])
        rmssd_ms = np.array([r for _t, _rr, _hr, r in self._beats if r is not None])
        return robust_baseline(hr_bpm, rmssd_ms, self._cfg, source, window_s)

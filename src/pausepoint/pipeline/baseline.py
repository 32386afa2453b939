"""The person's calm level, from a profile, a named window, or the session's first calm minutes."""

from __future__ import annotations

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
    """Collects beat-level HR and 30-s RMSSD over one window of session time.

    Without a named window it waits ``settle_s`` after the first beat and takes the
    next ``window_s``; a window spoiled by a poor signal is started again.
    """

    def __init__(self, cfg: BaselineConfig, window_s: tuple[float, float] | None = None) -> None:
        self._cfg = cfg
        self._named = window_s
        self._window_s = window_s
        self._hr_bpm: list[float] = []
        self._rmssd_ms: list[float] = []
        self.failed = False
        """A named window ended with too few clean beats to trust."""

    def add(self, t_s: float, rr_ms: float, rmssd_ms: float | None) -> Baseline | None:
        """Feed one clean beat; returns the baseline once the window is complete."""
        if self._window_s is None:
            start_s = t_s + self._cfg.settle_s
            self._window_s = (start_s, start_s + self._cfg.window_s)
        start_s, end_s = self._window_s
        if t_s < start_s or self.failed:
            return None
        if t_s <= end_s:
            self._hr_bpm.append(60000.0 / rr_ms)
            if rmssd_ms is not None:
                self._rmssd_ms.append(rmssd_ms)
            return None
        if len(self._hr_bpm) < self._cfg.min_beats or not self._rmssd_ms:
            if self._named:
                self.failed = True
            self.restart(t_s)
            return None
        return robust_baseline(
            np.asarray(self._hr_bpm),
            np.asarray(self._rmssd_ms),
            self._cfg,
            "window" if self._named else "session",
            self._window_s,
        )

    def close(self) -> Baseline | None:
        """End of recording: a named window cut short is judged on what it holds."""
        if not self._named or self.failed:
            return None
        if len(self._hr_bpm) < self._cfg.min_beats or not self._rmssd_ms:
            self.failed = True
            return None
        return robust_baseline(
            np.asarray(self._hr_bpm), np.asarray(self._rmssd_ms), self._cfg, "window", self._named
        )

    def restart(self, t_s: float) -> None:
        """Signal went poor mid-window: try again from here (a named window is kept)."""
        self._hr_bpm.clear()
        self._rmssd_ms.clear()
        if not self._named:
            self._window_s = (
                t_s + self._cfg.settle_s,
                t_s + self._cfg.settle_s + self._cfg.window_s,
            )

"""Arousal index, 0-100, relative to the person's own baseline (docs/arousal.md).

score = hr_weight * elevation + vagal_weight * withdrawal
  elevation  = (HR - motion-explained rise - baseline HR) / flooding rise
  withdrawal = max(0, log2(baseline RMSSD / RMSSD)) * (1 - motion share)
arousal = 100 / (1 + exp(-k * (score - mid)))

The flooding rise is max(10 bpm, 10 % of baseline) (Gottman), so elevation is 1 where
the flooding criterion starts. Withdrawal counts halvings of RMSSD and never goes
negative: slow breathing lifts RMSSD and swings heart rate around its mean, and
neither must read as alarm. The logistic puts baseline near 15 and the flooding
criterion near 70.
"""

from __future__ import annotations

import math

from pausepoint.config import ArousalConfig, FloodingConfig
from pausepoint.model import Baseline


def flooding_rise_bpm(baseline_hr_bpm: float, flooding: FloodingConfig) -> float:
    """How far above baseline heart rate must go to count as flooding (Gottman)."""
    return max(flooding.rise_min_bpm, flooding.rise_min_frac * baseline_hr_bpm)


def motion_share(motion_g: float | None, cfg: ArousalConfig) -> float:
    """0 at rest, 1 at brisk walking: how much of a rise movement may explain."""
    if not motion_g or motion_g <= 0.0:
        return 0.0
    return min(1.0, motion_g / cfg.motion_full_g)


def motion_explained_bpm(motion_g: float | None, cfg: ArousalConfig) -> float:
    if not motion_g or motion_g <= 0.0:
        return 0.0
    return cfg.motion_bpm_per_g * min(motion_g, cfg.motion_full_g)


def arousal_index(
    hr_bpm: float,
    rmssd_ms: float | None,
    baseline: Baseline,
    motion_g: float | None,
    cfg: ArousalConfig,
    flooding: FloodingConfig,
) -> float:
    rise_bpm = flooding_rise_bpm(baseline.hr_bpm, flooding)
    elevation = (hr_bpm - motion_explained_bpm(motion_g, cfg) - baseline.hr_bpm) / rise_bpm
    withdrawal = 0.0
    if rmssd_ms is not None and rmssd_ms > 0.0 and baseline.rmssd_ms > 0.0:
        withdrawal = max(0.0, math.log2(baseline.rmssd_ms / rmssd_ms))
        withdrawal *= 1.0 - motion_share(motion_g, cfg)
    score = cfg.hr_weight * max(elevation, -1.0) + cfg.vagal_weight * withdrawal
    return _scale(score, cfg)


def flooding_arousal(cfg: ArousalConfig) -> float:
    """Where the flooding criterion (score 1) sits on the 0-100 scale: about 70."""
    return _scale(1.0, cfg)


def _scale(score: float, cfg: ArousalConfig) -> float:
    return 100.0 / (1.0 + math.exp(-cfg.logistic_k * (score - cfg.logistic_mid)))


class MotionLevel:
    """Movement as heart rate sees it: taken up within seconds, let go over a minute.

    Heart rate stays up for a minute or more after movement stops (heart-rate recovery,
    Cole et al. 1999), so the level decays slowly while it rises fast.
    """

    def __init__(self, rise_s: float, decay_s: float) -> None:
        self._rise_s = rise_s
        self._decay_s = decay_s
        self._t_s: float | None = None
        self.motion_g: float | None = None

    def update(self, t_s: float, motion_g: float) -> float:
        if self.motion_g is None or self._t_s is None:
            self.motion_g = motion_g
        else:
            dt_s = max(0.0, t_s - self._t_s)
            tau_s = self._rise_s if motion_g > self.motion_g else self._decay_s
            alpha = 1.0 - math.exp(-dt_s / tau_s)
            self.motion_g += alpha * (motion_g - self.motion_g)
        self._t_s = t_s
        return self.motion_g

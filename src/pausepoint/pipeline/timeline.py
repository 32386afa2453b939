"""Place each RR interval in time, and notice when beats went missing.

A notification carries the RR intervals completed since the previous one, oldest
first. Beats are laid end to end from the previous beat, so RR values stay exact
and beat times keep the strap's own spacing. The host clock only checks them: the
last beat of a notification can precede its arrival by at most one RR plus BLE
latency. Host time running further ahead than that means notifications were lost or
contact was off, so the timeline reports a gap and starts again from the arrival
time; it never invents beats to fill one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pausepoint.config import TimelineConfig
from pausepoint.model import Beat, HeartSample


@dataclass(frozen=True, slots=True)
class Gap:
    """Host time with no beats: from the last placed beat to the first one after."""

    start_s: float
    end_s: float


class BeatTimeline:
    def __init__(self, config: TimelineConfig) -> None:
        self._slack_s = config.gap_slack_s
        self._last_beat_s: float | None = None

    def place(self, sample: HeartSample) -> tuple[list[Beat], Gap | None]:
        """Beats of one notification, and the gap before them if beats were lost."""
        if not sample.rr_ms:
            return [], None
        rr_s = [v / 1000.0 for v in sample.rr_ms]
        total_s = sum(rr_s)
        gap = None
        if self._last_beat_s is None:
            start_s = sample.t_s - total_s
        else:
            lag_s = sample.t_s - (self._last_beat_s + total_s)
            if lag_s > rr_s[-1] + self._slack_s:
                start_s = sample.t_s - total_s
                gap = Gap(self._last_beat_s, start_s + rr_s[0])
            elif lag_s < 0.0:
                # The strap's clock ran ahead of the host's: re-anchor to arrival time.
                start_s = max(sample.t_s - total_s, self._last_beat_s - rr_s[0] * 0.5)
            else:
                start_s = self._last_beat_s
        beats = []
        t_s = start_s
        for rr_ms, r_s in zip(sample.rr_ms, rr_s, strict=True):
            t_s += r_s
            beats.append(Beat(t_s=t_s, rr_ms=rr_ms))
        self._last_beat_s = t_s
        return beats, gap

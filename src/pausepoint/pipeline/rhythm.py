"""Rhythm, told apart from noise: frequent premature beats in a pattern, or every interval
irregular with good contact, are how this heart beats, not a bad signal.

A person with bigeminy or trigeminy (a premature beat every 2nd or 3rd beat; common, usually
harmless) has 30-50 % of beats "corrected", and one with an irregular rhythm (as in atrial
fibrillation) has no regular beat to correct towards. Read as a poor signal, neither would
ever be judged. Over the last beats as sent, before correction:

- a pattern: intervals jump from beat to beat, yet each is close to the one 2 or 3 beats
  before (short-long pairs, or a short beat every 3rd);
- irregular: intervals jump from beat to beat with no such lag, turning up and down as
  independent intervals do (not in the runs of breathing's slow swing), and almost none is
  a multiple or a fraction of the usual interval (as missed beats and spurious detections
  are).

Lost contact, missed beats and random spikes match neither, and stay a poor signal.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum

import numpy as np

from pausepoint.config import EstimatorsConfig, RhythmConfig
from pausepoint.model import Beat
from pausepoint.pipeline.estimators import RollingHr, RollingRmssd


class Rhythm(StrEnum):
    EXTRA_BEATS = "extra_beats"
    """Premature beats in a pattern (bigeminy, trigeminy)."""
    IRREGULAR = "irregular"
    """Every interval irregular, with no pattern."""


class RhythmWatch:
    """Which rhythm the last beats as sent show; None for an ordinary one."""

    def __init__(self, cfg: RhythmConfig) -> None:
        self._cfg = cfg
        self._rr_ms: deque[float] = deque(maxlen=cfg.window_beats)
        self._due = cfg.check_every_beats
        """Beats until the window is read again."""
        self._unseen = 0
        """Beats in a row whose window no longer shows the rhythm held."""
        self._seen = 0
        """Beats in a row whose windows show a rhythm, before one is held."""
        self.rhythm: Rhythm | None = None

    @property
    def watching(self) -> bool:
        """A rhythm is held, or the last window read showed one: its estimates are kept
        only then, so an ordinary rhythm pays nothing for them."""
        return self.rhythm is not None or self._seen > 0

    def reset(self) -> None:
        """Contact lost or a long gap: the beats on either side are not one run."""
        self._rr_ms.clear()
        self._due = self._cfg.check_every_beats
        self._unseen = self._seen = 0
        self.rhythm = None

    def add(self, rr_ms: float) -> Rhythm | None:
        """Take one interval; the window is read every ``check_every_beats`` (a rhythm lasts
        minutes, and reading it costs more than the rest of a beat's work)."""
        self._rr_ms.append(rr_ms)
        self._due -= 1
        if self._due > 0 or len(self._rr_ms) < self._cfg.window_beats:
            return self.rhythm
        every = self._due = self._cfg.check_every_beats
        seen = self._classify(np.asarray(self._rr_ms))
        self._seen = self._seen + every if seen is not None else 0
        if seen is not None and self._seen >= self._cfg.enter_beats:
            self.rhythm = self.rhythm or seen  # one name while it lasts: no flicker between
            self._unseen = 0
        elif seen is None and self.rhythm is not None:
            self._unseen += every
            if self._unseen >= self._cfg.leave_beats:
                self.rhythm = None
        return self.rhythm

    def _classify(self, rr_ms: np.ndarray) -> Rhythm | None:
        cfg = self._cfg
        usual_ms = float(np.median(rr_ms))
        jump = float(np.median(np.abs(np.diff(rr_ms)))) / usual_ms
        if jump < cfg.min_jump:
            return None
        lagged = min(
            float(np.median(np.abs(rr_ms[lag:] - rr_ms[:-lag]))) / usual_ms for lag in (2, 3)
        )
        if lagged <= cfg.pattern_ratio * jump:
            return Rhythm.EXTRA_BEATS
        diffs_ms = np.diff(rr_ms)
        turns = float(np.mean(np.sign(diffs_ms[1:]) != np.sign(diffs_ms[:-1])))
        odd = (rr_ms > cfg.long_ratio * usual_ms) | (rr_ms < cfg.short_ratio * usual_ms)
        if turns >= cfg.min_turns and float(np.mean(odd)) <= cfg.max_odd_share:
            return Rhythm.IRREGULAR
        return None


class RhythmEstimates:
    """What can be trusted in such a rhythm. Heart rate over the intervals as sent: a premature
    beat and its pause average to the sinus rate, which the artifact stage (splitting the
    pause as a missed beat) would not keep. RMSSD only over pairs of adjacent uncorrected
    intervals, and only where enough remain. Fed only while a rhythm is watched."""

    def __init__(self, estimators: EstimatorsConfig, cfg: RhythmConfig) -> None:
        self._min_pairs = cfg.min_nn_pairs
        self._hr = RollingHr(estimators.hr_window_s)
        self._nn = RollingRmssd(estimators.rmssd_window_s)
        self.hr_bpm: float | None = None
        self.nn_rmssd_ms: float | None = None

    def add_sent(self, beat: Beat) -> None:
        self.hr_bpm = self._hr.update(beat)

    def add_corrected(self, beat: Beat) -> None:
        if beat.artifact is not None:
            self._nn.bridge()  # the next clean interval is not paired across this one
            return
        rmssd_ms = self._nn.update(beat)
        self.nn_rmssd_ms = rmssd_ms if self._nn.pairs >= self._min_pairs else None

    def bridge(self) -> None:
        self._hr.bridge()
        self._nn.bridge()

    def gap(self) -> None:
        self._hr.reset()
        self._nn.reset()
        self.hr_bpm = self.nn_rmssd_ms = None

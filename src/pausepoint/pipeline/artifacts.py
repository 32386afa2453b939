"""Causal RR artifact detection and correction (Lipponen & Tarvainen 2019, "Kubios").

The paper classifies each RR interval from two normalised series: dRR (the change
from the previous interval) and mRR (the deviation from an 11-beat median, negative
deviations doubled), each divided by 5.2 quartile deviations of its own absolute
values over 91 beats. Two subspaces then separate ectopic beats (a short-long or
long-short pair of dRR of opposite signs), long and short intervals, missed beats
(one interval of two normal ones) and extra beats (two intervals that sum to one).

The offline method centres its windows on the beat. Here they trail it, so a beat
leaves at most ``delay_beats`` beats after it arrived:

- the look-ahead is ``delay_beats`` beats (two are the minimum: the subspace test
  needs dRR of the next two intervals);
- the median window is the 11 beats ending ``min(delay_beats, 5)`` beats ahead;
- the thresholds come from the 91 beats last released, with their corrected
  values, and dRR and the median see judged beats corrected too: what the offline
  method reaches on its second, iterative pass. Thresholds from raw values fail
  where correction matters most: with one premature beat in ten, each adding three
  large dRR, the upper quartile rises until nothing is caught (on the simulator,
  recall fell from 99 % to 55 % and RMSSD stayed 5x too high).

Three changes, because a stream has no second pass: an extra beat is tested
before an ectopic one (an unevenly split beat also fits the ectopic pattern); a
beat is ectopic when either it or the next one fits it (offline, the short beat
of a short-long pair is often classed long/short and its partner ectopic); and a
long/short beat whose next interval differs from it by less than the dRR threshold
is left alone, since moving the beat between them would change neither by more
than half a threshold: such two-beat plateaus are RSA crests at fast breathing,
and were nearly all the false positives on calm simulated data.

Corrections keep beat times consistent with the intervals: an ectopic or
long/short beat moves to the midpoint of its neighbours (both intervals become
their mean, the later beat keeps its time); a missed beat is split into equal
parts; an extra beat is merged into the next one, which keeps its time. Because
every correction preserves the sum of the intervals, the corrected history cannot
drift away from a real change of heart rate.

Fallbacks, documented here because the paper has none for a stream:

- until ``warmup_beats`` beats have been released (start of stream, after
  ``reset``), both thresholds are ``warmup_fraction`` (20 %) of the local median
  interval, the classic relative criterion (Malik et al. 1989): a few dozen beats
  give quartiles too noisy to trust;
- a threshold is never below ``min_threshold_fraction`` (5 %) of the local median
  interval, nor below ``min_threshold_ms``. With strap or Holter quantisation
  (1-8 ms) and the low variability of high arousal, the quartile deviation can
  fall to a few ms, and the offline method then corrects 25-30 ms wobbles as
  ectopic beats; real premature beats come 10-40 % early and still clear it;
- the first beat after start or ``reset`` has no predecessor and passes as is, as
  do the beats ``flush`` releases without their full look-ahead.

An extra beat merged into the next keeps that beat's time and its ``raw_rr_ms``;
the beats a missed beat is split into all carry the ``raw_rr_ms`` of the long
interval.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque

from pausepoint.config import ArtifactConfig
from pausepoint.model import Beat

ECTOPIC = "ectopic"
MISSED = "missed"
EXTRA = "extra"
LONG_SHORT = "long_short"


class _SortedWindow:
    """The last ``size`` values, kept sorted too, for quartiles at O(size) memmove cost."""

    __slots__ = ("_order", "_size", "_sorted")

    def __init__(self, size: int) -> None:
        self._size = size
        self._order: deque[float] = deque()
        self._sorted: list[float] = []

    def __len__(self) -> int:
        return len(self._order)

    def add(self, value: float) -> None:
        if len(self._order) == self._size:
            del self._sorted[bisect_left(self._sorted, self._order.popleft())]
        self._order.append(value)
        insort(self._sorted, value)

    def quartile_deviation(self) -> float:
        """(Q3 - Q1) / 2 with linear interpolation, as numpy's and pandas' defaults."""
        return (_quantile(self._sorted, 0.75) - _quantile(self._sorted, 0.25)) / 2.0

    def clear(self) -> None:
        self._order.clear()
        self._sorted.clear()


def _ectopic(d: float, s12: float, cfg: ArtifactConfig) -> bool:
    """Subspace 1: a large dRR flanked by one of the opposite sign (eq. 1 and 2)."""
    return (d > 1.0 and s12 < -cfg.c1 * d - cfg.c2) or (d < -1.0 and s12 > -cfg.c1 * d + cfg.c2)


def _median(sorted_values: list[float]) -> float:
    n = len(sorted_values)
    mid = sorted_values[n // 2]
    return mid if n % 2 else (mid + sorted_values[n // 2 - 1]) / 2.0


def _quantile(sorted_values: list[float], p: float) -> float:
    pos = p * (len(sorted_values) - 1)
    lo = int(pos)
    frac = pos - lo
    if frac == 0.0:
        return sorted_values[lo]
    return sorted_values[lo] + (sorted_values[lo + 1] - sorted_values[lo]) * frac


class _Slot:
    """A beat waiting in the look-ahead; ``rr_ms`` and ``t_s`` change when corrected."""

    __slots__ = ("artifact", "judged", "raw_rr_ms", "rr_ms", "t_s")

    def __init__(self, t_s: float, rr_ms: float) -> None:
        self.t_s = t_s
        self.rr_ms = rr_ms
        self.raw_rr_ms = rr_ms
        self.artifact: str | None = None
        self.judged = False

    def beat(self) -> Beat:
        if self.artifact is None:
            return Beat(self.t_s, self.rr_ms)
        return Beat(self.t_s, self.rr_ms, self.artifact, self.raw_rr_ms)


class ArtifactCorrector:
    """Streaming Kubios-style correction: ``push`` a beat, get the beats it releases."""

    def __init__(self, config: ArtifactConfig) -> None:
        self._cfg = config
        cfg = self._cfg
        self._lookahead = cfg.delay_beats
        self._median_ahead = min(cfg.delay_beats, cfg.median_window_beats // 2)
        self._median_behind = cfg.median_window_beats - 1 - self._median_ahead
        self._pending: list[_Slot] = []
        self._past_rr_ms: deque[float] = deque(maxlen=max(cfg.median_window_beats, 2))
        self._drr_window = _SortedWindow(cfg.threshold_window_beats)
        self._mrr_window = _SortedWindow(cfg.threshold_window_beats)
        self._rate_flags: deque[bool] = deque(maxlen=cfg.rate_window_beats)
        self._rate_count = 0

    @property
    def config(self) -> ArtifactConfig:
        return self._cfg

    def push(self, beat: Beat) -> list[Beat]:
        """Beats released, in order, at most ``delay_beats`` behind the one pushed."""
        self._pending.append(_Slot(beat.t_s, beat.rr_ms))
        released: list[Beat] = []
        while self._pending and (self._pending[0].judged or len(self._pending) > self._lookahead):
            if not self._pending[0].judged:
                self._judge()
            self._release_first(released)
        return released

    def flush(self) -> list[Beat]:
        """Release every beat held for look-ahead; those not yet judged pass as they are."""
        released: list[Beat] = []
        while self._pending:
            self._release_first(released)
        return released

    def bridge(self) -> None:
        """After a short gap: the next beat has no predecessor (its change from the last
        beat before the gap is not a dRR), but the thresholds learned so far hold. Flush
        first."""
        self._pending.clear()
        self._past_rr_ms.clear()

    def reset(self) -> None:
        """Forget the history (after a gap). Beats still held are dropped: flush first."""
        self._pending.clear()
        self._past_rr_ms.clear()
        self._drr_window.clear()
        self._mrr_window.clear()

    def artifact_rate(self) -> float | None:
        """Fraction of corrected beats among the last ``rate_window_beats`` released."""
        n = len(self._rate_flags)
        if n < self._cfg.rate_min_beats:
            return None
        return self._rate_count / n

    def _add_to_thresholds(self, rr_ms: float) -> None:
        """Feed the threshold windows with a released beat, corrected if it was."""
        past = self._past_rr_ms
        if past:
            self._drr_window.add(abs(rr_ms - past[-1]))
        past.append(rr_ms)
        if len(past) > self._median_ahead:
            mrr_ms = past[-1 - self._median_ahead] - _median(sorted(past))
            self._mrr_window.add(-2.0 * mrr_ms if mrr_ms < 0.0 else mrr_ms)

    def _release_first(self, out: list[Beat]) -> None:
        slot = self._pending.pop(0)
        self._add_to_thresholds(slot.rr_ms)
        flags = self._rate_flags
        if len(flags) == flags.maxlen and flags[0]:
            self._rate_count -= 1
        corrected = slot.artifact is not None
        flags.append(corrected)
        self._rate_count += corrected
        out.append(slot.beat())

    def _thresholds_ms(self, median_ms: float) -> tuple[float, float]:
        cfg = self._cfg
        if len(self._drr_window) < cfg.warmup_beats:
            th_ms = max(cfg.warmup_fraction * median_ms, cfg.min_threshold_ms)
            return th_ms, th_ms
        floor_ms = max(cfg.min_threshold_ms, cfg.min_threshold_fraction * median_ms)
        th1_ms = cfg.alpha * self._drr_window.quartile_deviation()
        th2_ms = cfg.alpha * self._mrr_window.quartile_deviation()
        return max(th1_ms, floor_ms), max(th2_ms, floor_ms)

    def _judge(self) -> None:
        """Classify the first pending beat (Lipponen & Tarvainen 2019, fig. 1) and correct it."""
        cfg = self._cfg
        pending = self._pending
        slot = pending[0]
        slot.judged = True
        past = self._past_rr_ms
        if not past:
            return
        rr0_ms = slot.rr_ms
        rr1_ms = pending[1].rr_ms
        rr2_ms = pending[2].rr_ms
        behind = list(past)[-self._median_behind :] if self._median_behind else []
        median_ms = _median(sorted(behind + [s.rr_ms for s in pending[: self._median_ahead + 1]]))

        drr_ms = rr0_ms - past[-1]
        mrr_ms = rr0_ms - median_ms
        if mrr_ms < 0.0:
            mrr_ms *= 2.0
        th1_ms, th2_ms = self._thresholds_ms(median_ms)

        d0 = drr_ms / th1_ms
        if -1.0 <= d0 <= 1.0:
            return
        d_prev = (past[-1] - past[-2]) / th1_ms if len(past) > 1 else 0.0
        d1 = (rr1_ms - rr0_ms) / th1_ms
        d2 = (rr2_ms - rr1_ms) / th1_ms
        if d0 > 0.0:
            s12 = max(d_prev, d1)
            s22 = min(d1, d2)
        else:
            s12 = min(d_prev, d1)
            s22 = max(d1, d2)
        is_short = d0 < -1.0 and s22 > 1.0
        is_long = d0 > 1.0 and s22 < -1.0

        # Extra before ectopic: an unevenly split beat also looks ectopic, and the
        # offline method only untangles the two on its second pass.
        if is_short and abs(rr0_ms + rr1_ms - median_ms) < th2_ms:
            self._merge_extra()
            return
        if _ectopic(d0, s12, cfg) or _ectopic(d1, max(d0, d2) if d1 > 0.0 else min(d0, d2), cfg):
            self._move_to_midpoint(ECTOPIC)
            return
        if is_long and median_ms > 0.0:
            parts = round(rr0_ms / median_ms)
            if 2 <= parts <= cfg.max_split_beats and abs(rr0_ms / parts - median_ms) < th2_ms:
                self._split_missed(parts)
                return
        # Moving a beat between two intervals that differ by less than a threshold
        # changes nothing that matters: a two-beat plateau (an RSA crest), not an artifact.
        if (is_long or is_short or abs(mrr_ms) > 3.0 * th2_ms) and abs(rr1_ms - rr0_ms) > th1_ms:
            self._move_to_midpoint(LONG_SHORT)

    def _merge_extra(self) -> None:
        first = self._pending.pop(0)
        merged = self._pending[0]
        merged.rr_ms += first.rr_ms
        merged.artifact = EXTRA
        merged.judged = True

    def _move_to_midpoint(self, kind: str) -> None:
        slot, partner = self._pending[0], self._pending[1]
        mean_ms = (slot.rr_ms + partner.rr_ms) / 2.0
        slot.t_s += (mean_ms - slot.rr_ms) / 1000.0
        slot.rr_ms = partner.rr_ms = mean_ms
        slot.artifact = partner.artifact = kind
        partner.judged = True

    def _split_missed(self, parts: int) -> None:
        slot = self._pending[0]
        part_ms = slot.rr_ms / parts
        start_s = slot.t_s - slot.rr_ms / 1000.0
        inserted = []
        for k in range(1, parts):
            extra = _Slot(start_s + k * part_ms / 1000.0, part_ms)
            extra.raw_rr_ms = slot.raw_rr_ms
            extra.artifact = MISSED
            extra.judged = True
            inserted.append(extra)
        slot.rr_ms = part_ms
        slot.artifact = MISSED
        self._pending[0:0] = inserted

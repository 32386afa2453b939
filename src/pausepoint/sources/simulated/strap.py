"""The strap a simulated person wears: how true beats become what a host receives.

Beats are placed on the strap's 1/1024 s clock, edited by artifacts on demand (ectopic,
missed, extra), packed into ~1 Hz Heart Rate Measurement notifications exactly as a strap
sends them, some lost on the way or sent without skin contact; a chest accelerometer gives
the motion channel. An optical sensor (arm band, ear clip) times beats less precisely, finds
none for seconds at a time and has no contact flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pausepoint.model import HeartSample, MotionSample, rr_ms_from_ticks
from pausepoint.sources.simulated.physiology import Person, Plan, lag
from pausepoint.strap import hrm

ARTIFACT_KINDS = ("ectopic", "missed", "extra")
_TICKS_PER_S = 1024
_NOTIFY_PERIOD_S = 1.0
_LATENCY_S = (0.004, 0.030)
_HR_WINDOW_S = 5.0
_OPTICAL_GAP_S = (3.0, 9.0)
_OPTICAL_SHARE_REST = 0.06
_OPTICAL_SHARE_MOVING = 0.25
"""An arm band loses about a quarter of the time while its wearer moves."""
_OPTICAL_CLEAR_MIN_S = 3.0


@dataclass(frozen=True, slots=True)
class ArtifactTruth:
    """Where an artifact sits in the RR values actually sent."""

    index: int
    """Position in all delivered rr_ms concatenated: the first RR the artifact altered."""
    t_s: float
    """True time of the beat that ends that RR (for a missed beat: the beat after the gap)."""
    kind: str


def _with_artifacts(
    beat_t_s: np.ndarray, plan: Plan, duration_s: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Beat times as the strap detects them, and per beat the artifact (1-based kind) it starts.

    Ectopic: the beat comes early (50-70 % of its RR) and the next one keeps its time
    (full compensatory pause). Missed: a beat is not detected (two RR merge). Extra: a
    spurious detection splits an RR (40-60 %). Artifacts are at least 3 beats apart.
    """
    kinds = np.zeros(beat_t_s.size, np.int8)
    fractions = (plan.ectopic_fraction, plan.missed_fraction, plan.extra_fraction)
    eligible = np.flatnonzero((beat_t_s > 2.0) & (beat_t_s < duration_s - 3.0))
    counts = [round(f * eligible.size) for f in fractions]
    total = min(sum(counts), (eligible.size + 2) // 3)
    if total <= 0:
        return beat_t_s, kinds
    labels = rng.permutation(np.repeat(np.arange(1, 4, dtype=np.int8), counts))[:total]
    slots = eligible.size - 2 * (total - 1)
    chosen = eligible[np.sort(rng.choice(slots, total, replace=False)) + 2 * np.arange(total)]
    times = beat_t_s.copy()
    ectopic = chosen[labels == 1]
    coupling = rng.uniform(0.5, 0.7, ectopic.size)
    times[ectopic] = times[ectopic - 1] + coupling * (times[ectopic] - times[ectopic - 1])
    kinds[ectopic] = 1
    missed = chosen[labels == 2]
    kinds[missed + 1] = 2
    keep = np.ones(times.size, bool)
    keep[missed] = False
    extra = chosen[labels == 3]
    split = rng.uniform(0.4, 0.6, extra.size)
    extra_t_s = times[extra - 1] + split * (times[extra] - times[extra - 1])
    all_t_s = np.concatenate((times[keep], extra_t_s))
    all_kinds = np.concatenate((kinds[keep], np.full(extra.size, 3, np.int8)))
    order = np.argsort(all_t_s, kind="stable")
    return all_t_s[order], all_kinds[order]


def _lost_runs(eligible: np.ndarray, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """count runs of 1-3 consecutive notifications, at least 3 delivered between runs."""
    count = min(count, eligible.size // 6)
    if count <= 0:
        return []
    slots = eligible.size - 5 * (count - 1) - 2
    starts = np.sort(rng.choice(slots, count, replace=False)) + 5 * np.arange(count)
    runs = []
    for start, length in zip(starts.tolist(), rng.integers(1, 4, count).tolist(), strict=True):
        run = eligible[start : start + length]
        runs.append(run[run - run[0] == np.arange(run.size)])
    return runs


def optical_gaps(
    plan: Plan, duration_s: float, rng: np.random.Generator
) -> tuple[tuple[float, float], ...]:
    """Bursts of 3-9 s with no beat found, as an optical sensor has whenever it is unsure.

    They take ~6 % of the time at rest and a quarter while walking; talking's gestures
    count as half of walking. At least 3 s of beats between bursts, so each is a gap of
    its own; none ends in the last second.
    """
    moving = np.maximum(plan.walking, 0.5 * plan.talking)
    mean_gap_s = 0.5 * sum(_OPTICAL_GAP_S)
    gaps: list[tuple[float, float]] = []
    t_s = 0.0
    while True:
        share = _OPTICAL_SHARE_REST + (_OPTICAL_SHARE_MOVING - _OPTICAL_SHARE_REST) * float(
            np.interp(t_s, plan.t_s, moving)
        )
        mean_clear_s = mean_gap_s * (1.0 - share) / share
        start_s = t_s + _OPTICAL_CLEAR_MIN_S + rng.exponential(mean_clear_s - _OPTICAL_CLEAR_MIN_S)
        end_s = start_s + rng.uniform(*_OPTICAL_GAP_S)
        if end_s > duration_s - 1.0:
            return tuple(gaps)
        gaps.append((float(start_s), float(end_s)))
        t_s = end_s


def notifications(
    beat_t_s: np.ndarray, plan: Plan, duration_s: float, rng: np.random.Generator
) -> tuple[
    list[HeartSample],
    tuple[ArtifactTruth, ...],
    tuple[tuple[float, float], ...],
    tuple[tuple[float, float], ...],
]:
    """Notifications as a strap sends them: ~1 Hz, the RR completed since the last one."""
    period_s = _NOTIFY_PERIOD_S * (1.0 + rng.uniform(-0.002, 0.002))
    notify_s = np.arange(rng.uniform(0.05, 1.0), duration_s, period_s)
    arrive_s = notify_s + rng.uniform(*_LATENCY_S, notify_s.size)
    times_s, kinds = _with_artifacts(beat_t_s, plan, duration_s, rng)
    if plan.beat_error_ms > 0:
        times_s = times_s + rng.uniform(-1.0, 1.0, times_s.size) * plan.beat_error_ms / 1000.0
    ticks = np.round(times_s * _TICKS_PER_S).astype(np.int64)
    beat_q_s = ticks / _TICKS_PER_S
    contact_lost = tuple((a, min(b, duration_s)) for a, b in plan.contact_lost if a < duration_s)
    detected = np.ones(times_s.size, bool)
    contact = np.ones(notify_s.size, bool)
    for start_s, end_s in contact_lost:
        detected &= ~((times_s >= start_s) & (times_s <= end_s))
        contact &= ~((notify_s >= start_s) & (notify_s <= end_s))
    for start_s, end_s in plan.sensor_gaps:
        detected &= ~((times_s >= start_s) & (times_s <= end_s))
    has_rr = detected.copy()
    has_rr[0] = False
    has_rr[1:] &= detected[:-1]
    rr_ticks = np.diff(ticks, prepend=ticks[0])
    notice = np.searchsorted(notify_s, beat_q_s, side="left")
    streamed = (beat_q_s > notify_s[0] - period_s) & (notice < notify_s.size)
    lost = np.zeros(notify_s.size, bool)
    eligible = np.flatnonzero(contact)
    eligible = eligible[(eligible >= 3) & (eligible < notify_s.size - 3)]
    runs = _lost_runs(eligible, plan.lost_count, rng)
    for run in runs:
        lost[run] = True
    notice_ok = np.zeros(notify_s.size + 1, bool)
    notice_ok[:-1] = contact & ~lost
    delivered = has_rr & streamed & notice_ok[np.minimum(notice, notify_s.size)]

    valid = np.flatnonzero(has_rr)
    hr_bpm = np.zeros(notify_s.size, np.int64)
    if valid.size:
        rr_valid_ms = rr_ms_from_ticks(rr_ticks[valid])
        padded = np.concatenate((np.repeat(rr_valid_ms[:1], 4), rr_valid_ms))
        estimate = 60000.0 / np.median(np.lib.stride_tricks.sliding_window_view(padded, 5), 1)
        last = np.searchsorted(beat_q_s[valid], notify_s, side="right") - 1
        fresh = last >= 0
        if not plan.optical:  # an optical sensor holds its last heart rate through a gap
            fresh &= beat_q_s[valid][np.maximum(last, 0)] > notify_s - _HR_WINDOW_S
        hr_bpm = np.where(fresh & contact, np.round(estimate[np.maximum(last, 0)]), 0).astype(int)

    sent = np.flatnonzero(delivered)
    rr_sent_ms = rr_ms_from_ticks(rr_ticks[sent]).tolist()
    bounds = np.searchsorted(notice[sent], np.arange(notify_s.size + 1))
    samples = []
    for i in np.flatnonzero(~lost).tolist():
        rr_ms = tuple(rr_sent_ms[bounds[i] : bounds[i + 1]])
        hr = int(hr_bpm[i])
        on = None if plan.optical else bool(contact[i])
        raw = hrm.encode_heart_rate(hr, rr_ms, on, None)
        samples.append(HeartSample(float(arrive_s[i]), hr, rr_ms, on, None, raw))

    position = np.cumsum(delivered) - 1
    marked = np.flatnonzero((kinds > 0) & delivered)
    artifacts = tuple(
        ArtifactTruth(int(position[j]), float(times_s[j]), ARTIFACT_KINDS[kinds[j] - 1])
        for j in marked.tolist()
    )
    lost_spans = tuple((float(arrive_s[r[0]]), float(arrive_s[r[-1]])) for r in runs)
    return samples, artifacts, lost_spans, contact_lost


def motion(
    plan: Plan, person: Person, duration_s: float, rng: np.random.Generator
) -> list[MotionSample]:
    """1 Hz dynamic acceleration (g, gravity removed) as a chest accelerometer gives it."""
    n = int(duration_s)
    t_s = np.arange(n) + 0.5 + rng.uniform(0.002, 0.02, n)
    walking = np.interp(t_s, plan.t_s, lag(plan.walking, 1.5, 1.5))
    still_g = 0.01 * (1.0 + 0.3 * np.abs(rng.standard_normal(n)))
    stride_g = person.walk_motion_g * (1.0 + 0.15 * rng.standard_normal(n))
    motion_g = np.maximum(still_g + walking * stride_g, 0.0)
    return [MotionSample(t, g) for t, g in zip(t_s.tolist(), motion_g.tolist(), strict=True)]

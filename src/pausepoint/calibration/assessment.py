"""Calibration assessments: is a seated rest a baseline, which slow breathing rate is resonance.

Flooding is personal: 95 bpm is calm for one heart and alarm for another, and the slow
breathing rate that swings a heart most differs between people. Two short protocols measure
both (pausepoint.protocols); a profile keeps the results (pausepoint.calibration.profiles).

The assessments are pure functions of recorded HeartSamples and a protocol: the beats go
through the engine's own timeline and artifact correction, so a profile's baseline means
what the engine's session baseline means (median and robust SD of beat heart rate and of
30-s RMSSD). No clock is read here; dates come in as arguments.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pausepoint.clock import utc_text
from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.model import Baseline, Beat, HeartSample, Sample
from pausepoint.protocols import BaselineProtocol, Block, ResonanceProtocol

if TYPE_CHECKING:
    import numpy as np

RESONANCE_SCENARIO = "resonance"
"""The simulator's scenario that breathes the resonance protocol's schedule."""
HR_GRID_HZ = 4.0
"""Heart rate is resampled at 4 Hz for the per-breath measures, as the RR spectrum is."""


# --- beats -------------------------------------------------------------------------------


def beat_runs(samples: Iterable[Sample], config: Config) -> list[list[Beat]]:
    """Artifact-corrected beats as the engine sees them, in runs split where beats were lost."""
    from pausepoint.pipeline.artifacts import ArtifactCorrector
    from pausepoint.pipeline.timeline import BeatTimeline

    timeline = BeatTimeline(config.timeline)
    corrector = ArtifactCorrector(config.artifacts)
    runs: list[list[Beat]] = [[]]
    for sample in samples:
        if not isinstance(sample, HeartSample):
            continue
        beats, gap = timeline.place(sample)
        if gap is not None:
            runs[-1] += corrector.flush()
            corrector.reset()
            runs.append([])
        for beat in beats:
            runs[-1] += corrector.push(beat)
    runs[-1] += corrector.flush()
    return [run for run in runs if run]


def _first_t_s(samples: Sequence[Sample]) -> float:
    return next((s.t_s for s in samples if isinstance(s, HeartSample)), 0.0)


# --- baseline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineAssessment:
    accepted: bool
    reasons: tuple[str, ...]
    """Why it was not accepted, each in plain words with what to do."""
    advice: str
    baseline: Baseline | None
    """Median and robust SD of beat heart rate and 30-s RMSSD (None with too few beats)."""
    rmssd_whole_ms: float | None
    """RMSSD over the whole window: the standard 5-min value, for comparison."""
    artifact_rate: float
    drift_bpm: float | None
    """Median heart rate of the last minute minus that of the first."""
    covered_s: float
    beats: int
    window_s: tuple[float, float]
    measured_utc: datetime | None = None
    rhythm: str | None = None
    """"extra_beats" or "irregular" when the rest was in such a rhythm (pipeline.rhythm):
    its corrected beats are the rhythm, and its level is the 10-s heart rate's."""

    def to_dict(self) -> dict[str, Any]:
        b = self.baseline
        return {
            "accepted": self.accepted,
            "reasons": list(self.reasons),
            "advice": self.advice,
            "hr_bpm": None if b is None else round(b.hr_bpm, 1),
            "rmssd_ms": None if b is None else round(b.rmssd_ms, 1),
            "hr_sd_bpm": None if b is None else round(b.hr_sd_bpm, 2),
            "rmssd_sd_ms": None if b is None else round(b.rmssd_sd_ms, 2),
            "rmssd_whole_ms": _round(self.rmssd_whole_ms, 1),
            "artifact_rate": round(self.artifact_rate, 4),
            "drift_bpm": _round(self.drift_bpm, 1),
            "covered_s": round(self.covered_s, 1),
            "beats": self.beats,
            "window_s": [round(self.window_s[0], 3), round(self.window_s[1], 3)],
            "measured_utc": _measured_text(self.measured_utc),
            "rhythm": self.rhythm,
        }


def assess_baseline(
    samples: Sequence[Sample],
    protocol: BaselineProtocol,
    config: Config,
    *,
    start_s: float | None = None,
    measured_utc: datetime | None = None,
) -> BaselineAssessment:
    """Judge a seated rest recorded from ``start_s`` (default: the first heart sample).

    The window is settle_s..duration_s after the start. Rejected, with the reasons, when it
    holds less than min_duration_s of beats, too many corrected beats, or a drifting heart
    rate."""
    import numpy as np

    from pausepoint.pipeline.baseline import robust_baseline
    from pausepoint.pipeline.estimators import RollingRmssd

    t0_s = _first_t_s(samples) if start_s is None else start_s
    window_s = (t0_s + protocol.settle_s, t0_s + protocol.duration_s)
    hr_bpm: list[float] = []
    beat_t_s: list[float] = []
    rmssd_ms: list[float] = []
    diffs_ms: list[float] = []
    corrected = 0
    covered_s = 0.0
    for run in beat_runs(samples, config):
        rolling = RollingRmssd(config.estimators.rmssd_window_s)
        previous_ms: float | None = None
        for beat in run:
            value = rolling.update(beat)
            if not window_s[0] <= beat.t_s <= window_s[1]:
                continue
            corrected += beat.artifact is not None
            covered_s += beat.rr_ms / 1000.0
            hr_bpm.append(60000.0 / beat.rr_ms)
            beat_t_s.append(beat.t_s)
            if value is not None:
                rmssd_ms.append(value)
            if previous_ms is not None:
                diffs_ms.append(beat.rr_ms - previous_ms)
            previous_ms = beat.rr_ms
    count = len(hr_bpm)
    artifact_rate = corrected / count if count else 0.0
    baseline = None
    if count and rmssd_ms:
        baseline = robust_baseline(
            np.asarray(hr_bpm), np.asarray(rmssd_ms), config.baseline, "profile", window_s
        )
    rmssd_whole_ms = math.sqrt(float(np.mean(np.square(diffs_ms)))) if diffs_ms else None
    drift_bpm = _drift_bpm(np.asarray(beat_t_s), np.asarray(hr_bpm), protocol.drift_window_s)
    rhythm = _in_rhythm(samples, window_s, config)
    if rhythm is not None:
        _name, found, rate_t_s, rate_bpm = rhythm
        baseline = None if found is None else replace(found, source="profile")
        drift_bpm = _drift_bpm(rate_t_s, rate_bpm, protocol.drift_window_s)

    reasons = []
    if covered_s < protocol.min_duration_s or baseline is None:
        reasons.append(
            f"Only {covered_s / 60:.1f} minutes of heartbeats came through after settling "
            f"(at least {protocol.min_duration_s / 60:g} are needed): check that the strap is "
            "snug and its electrodes moist."
        )
    if artifact_rate > protocol.max_artifact_rate and rhythm is None:
        reasons.append(
            f"{artifact_rate * 100:.0f} % of heartbeats needed correcting (the limit is "
            f"{protocol.max_artifact_rate * 100:g} %): moisten the strap's electrodes, sit "
            "still and breathe calmly."
        )
    if drift_bpm is not None and abs(drift_bpm) > protocol.max_drift_bpm:
        if drift_bpm > 0:
            why = "your body was not at rest yet; sit a few minutes longer before you start"
        else:
            why = "you were still settling down; sit a few minutes longer before you start"
        reasons.append(
            f"Your heart rate {'rose' if drift_bpm > 0 else 'fell'} by {abs(drift_bpm):.1f} "
            f"bpm from the first to the last minute (the limit is {protocol.max_drift_bpm:g}): "
            f"{why}."
        )
    minutes = f"{protocol.duration_s / 60:g} minutes"
    advice = (
        "Baseline accepted."
        if not reasons
        else f"Please repeat the baseline: sit quietly for {minutes}, breathing as usual."
    )
    return BaselineAssessment(
        accepted=not reasons,
        reasons=tuple(reasons),
        advice=advice,
        baseline=baseline,
        rmssd_whole_ms=rmssd_whole_ms,
        artifact_rate=artifact_rate,
        drift_bpm=drift_bpm,
        covered_s=covered_s,
        beats=count,
        window_s=window_s,
        measured_utc=measured_utc,
        rhythm=None if rhythm is None else rhythm[0],
    )


def _in_rhythm(
    samples: Sequence[Sample], window_s: tuple[float, float], config: Config
) -> tuple[str, Baseline | None, np.ndarray, np.ndarray] | None:
    """A rest in a rhythm of many extra heartbeats, or an irregular one (most of the window),
    as the engine judges it: (the rhythm, the level its own window learnt, the 10-s heart
    rate's times and values for the drift check). None for an ordinary rhythm."""
    import numpy as np

    from pausepoint.pipeline.pipeline import Pipeline

    pipeline = Pipeline(config, baseline_window_s=window_s, spectral=False)
    inside = [u for u in (pipeline.push(s) for s in samples) if window_s[0] <= u.t_s <= window_s[1]]
    if samples:
        pipeline.finish(samples[-1].t_s)
    rhythms = [u.rhythm for u in inside if u.rhythm is not None]
    if not inside or len(rhythms) < len(inside) / 2:
        return None
    rates = [(u.t_s, u.hr_bpm) for u in inside if u.hr_bpm is not None]
    rate_t_s = np.array([t for t, _ in rates])
    rate_bpm = np.array([hr for _, hr in rates])
    return str(max(set(rhythms), key=rhythms.count)), pipeline.baseline, rate_t_s, rate_bpm


def _drift_bpm(t_s: np.ndarray, hr_bpm: np.ndarray, window_s: float) -> float | None:
    """Median heart rate of the last window_s minus that of the first (None if they overlap)."""
    import numpy as np

    if t_s.size < 2 or t_s[-1] - t_s[0] < 2 * window_s:
        return None
    first = hr_bpm[t_s < t_s[0] + window_s]
    last = hr_bpm[t_s > t_s[-1] - window_s]
    return float(np.median(last) - np.median(first))


# --- resonance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RateResult:
    """What one paced rate did to the heart."""

    rate_bpm: float
    breaths: int
    """Whole pacer breaths judged."""
    lf_peak_ms2: float | None
    """Power of the RR spectrum within peak_half_width_hz of the paced rate."""
    peak_to_trough_bpm: float | None
    """Heart rate's max - min within each pacer breath, averaged."""
    phase_locking: float | None
    """0..1: how consistently heart rate swung in the same phase of each pacer breath."""
    follow_p: float | None
    """Rayleigh test: the chance of that consistency with no following at all."""
    followed: bool
    score: float | None
    """0.5 ln(LF peak) + ln(peak-to-trough): both amplitude criteria on one log scale."""
    fitted: float | None = None
    """The score on the parabola through every followed rate."""
    rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rate_bpm": self.rate_bpm,
            "rank": self.rank,
            "breaths": self.breaths,
            "lf_peak_ms2": _round(self.lf_peak_ms2, 1),
            "peak_to_trough_bpm": _round(self.peak_to_trough_bpm, 2),
            "phase_locking": _round(self.phase_locking, 3),
            "follow_p": _round(self.follow_p, 4),
            "followed": self.followed,
            "score": _round(self.score, 4),
            "fitted": _round(self.fitted, 4),
        }


@dataclass(frozen=True)
class ResonanceAssessment:
    accepted: bool
    reasons: tuple[str, ...]
    advice: str
    rates: tuple[RateResult, ...]
    """In the order breathed."""
    rate_bpm: float | None
    """The rate to breathe at: where the curve through every followed rate peaks (never
    beyond the tested rates), to 0.1 breaths a minute."""
    best_tested_bpm: float | None
    """The tested rate highest on that curve: rank 1."""
    measured_utc: datetime | None = None

    @property
    def ranking(self) -> tuple[RateResult, ...]:
        """Ranked rates, best first; rates not breathed with the pacer last."""
        return tuple(sorted(self.rates, key=lambda r: (r.rank is None, r.rank or 0)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "reasons": list(self.reasons),
            "advice": self.advice,
            "rate_bpm": self.rate_bpm,
            "best_tested_bpm": self.best_tested_bpm,
            "ranking": [r.to_dict() for r in self.ranking],
            "measured_utc": _measured_text(self.measured_utc),
        }


def rayleigh_p(phase_locking: float, n: int) -> float:
    """P of a mean resultant length this large from n uniform phases (Zar 1999, eq. 27.4)."""
    if n < 1:
        return 1.0
    r_n = n * phase_locking
    p = math.exp(math.sqrt(1.0 + 4.0 * n + 4.0 * (n * n - r_n * r_n)) - (1.0 + 2.0 * n))
    return min(1.0, max(0.0, p))


def assess_resonance(
    samples: Sequence[Sample],
    protocol: ResonanceProtocol,
    config: Config,
    *,
    start_s: float = 0.0,
    measured_utc: datetime | None = None,
) -> ResonanceAssessment:
    """Judge a recording of the resonance protocol whose pacer started at ``start_s``."""
    import numpy as np

    runs = beat_runs(samples, config)
    results = [_rate_result(runs, block, protocol, start_s) for block in protocol.blocks()]
    followed = [r for r in results if r.followed and r.score is not None]
    if len(followed) < protocol.min_rates:
        missed = [f"{r.rate_bpm:g}" for r in results if not r.followed]
        reason = (
            f"Your heart followed the pacer at {len(followed)} of {len(results)} rates "
            f"(not at {', '.join(missed)} a minute); at least {protocol.min_rates} are needed: "
            "breathe with the pacer, softly, and keep the strap snug."
        )
        return ResonanceAssessment(
            accepted=False,
            reasons=(reason,),
            advice="Please repeat the resonance assessment.",
            rates=tuple(results),
            rate_bpm=None,
            best_tested_bpm=None,
            measured_utc=measured_utc,
        )
    rates = np.array([r.rate_bpm for r in followed])
    scores = np.array([r.score for r in followed], dtype=float)
    curve = np.polyfit(rates, scores, 2)
    fitted = np.polyval(curve, rates)
    best = int(np.argmax(fitted))
    peak_bpm = float(rates[best])
    if curve[0] < 0:
        peak_bpm = float(np.clip(-curve[1] / (2.0 * curve[0]), rates.min(), rates.max()))
    rate_bpm = round(peak_bpm, 1)
    order = np.argsort(-fitted, kind="stable")
    rank_of = {float(rates[i]): place + 1 for place, i in enumerate(order)}
    fit_of = {float(r): float(f) for r, f in zip(rates, fitted, strict=True)}
    ranked = tuple(
        replace(r, fitted=fit_of.get(r.rate_bpm), rank=rank_of.get(r.rate_bpm)) for r in results
    )
    return ResonanceAssessment(
        accepted=True,
        reasons=(),
        advice=f"Breathe at {rate_bpm:g} breaths a minute when you pause.",
        rates=ranked,
        rate_bpm=rate_bpm,
        best_tested_bpm=float(rates[best]),
        measured_utc=measured_utc,
    )


def _block_beats(runs: list[list[Beat]], from_s: float, to_s: float) -> list[Beat]:
    """The longest unbroken stretch of beats inside the window."""
    pieces = [[b for b in run if from_s <= b.t_s <= to_s] for run in runs]
    return max(pieces, key=len, default=[])


def _rate_result(
    runs: list[list[Beat]], block: Block, protocol: ResonanceProtocol, start_s: float
) -> RateResult:
    import numpy as np

    from pausepoint.pipeline.estimators import rr_spectrum

    pacer_s = start_s + block.start_s
    from_s, to_s = pacer_s + protocol.settle_s, start_s + block.end_s
    beats = _block_beats(runs, from_s, to_s)
    nothing = RateResult(block.rate_bpm, 0, None, None, None, None, False, None)
    if len(beats) < 8 or beats[-1].t_s - beats[0].t_s < 0.5 * (to_s - from_s):
        return nothing
    t_s = np.array([b.t_s for b in beats])
    rr_ms = np.array([b.rr_ms for b in beats])
    breath_s = 60.0 / block.rate_bpm
    grid_s = np.arange(t_s[0], t_s[-1], 1.0 / HR_GRID_HZ)
    hr_bpm = np.interp(grid_s, t_s, 60000.0 / rr_ms)
    cycles = (grid_s - pacer_s) / breath_s
    swing = (hr_bpm - hr_bpm.mean()) * np.exp(-2j * np.pi * cycles)
    index = np.floor(cycles).astype(int)
    spans, phasors = [], []
    for k in np.unique(index):
        inside = index == k
        if np.count_nonzero(inside) < 0.9 * breath_s * HR_GRID_HZ:
            continue
        spans.append(float(hr_bpm[inside].max() - hr_bpm[inside].min()))
        total = complex(swing[inside].sum())
        phasors.append(total / abs(total) if total != 0 else 0j)
    if len(spans) < 3:
        return nothing
    spectrum = rr_spectrum(rr_ms)
    near = np.abs(spectrum.freq_hz - block.rate_bpm / 60.0) <= protocol.peak_half_width_hz
    lf_peak = float(spectrum.psd_ms2_per_hz[near].sum() * spectrum.df_hz)
    peak_to_trough = float(np.mean(spans))
    locking = float(abs(np.mean(phasors)))
    p = rayleigh_p(locking, len(phasors))
    score = None
    if lf_peak > 0 and peak_to_trough > 0:
        score = 0.5 * math.log(lf_peak) + math.log(peak_to_trough)
    return RateResult(
        rate_bpm=block.rate_bpm,
        breaths=len(spans),
        lf_peak_ms2=lf_peak,
        peak_to_trough_bpm=peak_to_trough,
        phase_locking=locking,
        follow_p=p,
        followed=p < protocol.follow_p_max,
        score=score,
    )


def simulated_resonance(protocol: ResonanceProtocol, seed: int) -> list[Sample]:
    """The simulator's resonance scenario, which must breathe the protocol's schedule."""
    from pausepoint.sources.simulated.scenarios import simulate

    rec = simulate(RESONANCE_SCENARIO, seed=seed)
    paced = [(start, end) for phase, start, end in rec.truth.phases if phase.startswith("paced")]
    if paced != [(b.start_s, b.end_s) for b in protocol.blocks()]:
        raise UserError(
            "calibration/resonance.toml no longer matches the simulator's resonance scenario; "
            "restore the file, or use a strap"
        )
    return list(rec.samples)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _measured_text(measured_utc: datetime | None) -> str | None:
    return None if measured_utc is None else utc_text(measured_utc, timespec="seconds")

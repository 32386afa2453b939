"""Offline runs of the live pipeline over a whole recording, for `analyze` and `hrv`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Protocol

import numpy as np

from pausepoint.config import Config
from pausepoint.errors import BadInput
from pausepoint.model import Baseline, Beat, HeartSample, Sample, State, Update
from pausepoint.pipeline.artifacts import ArtifactCorrector
from pausepoint.pipeline.estimators import hrv_summary, pnn50, rmssd, sdnn
from pausepoint.pipeline.pipeline import Pipeline


class Progress(Protocol):
    """What a long run reports to: a bar in a terminal, or nothing."""

    def step(self, done: int) -> None: ...

    def done(self) -> None: ...


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def run(
    samples: Sequence[Sample],
    pipeline: Pipeline,
    progress: Progress | None = None,
) -> list[Update]:
    updates = []
    for i, sample in enumerate(samples):
        updates.append(pipeline.push(sample))
        if progress is not None and i % 512 == 0:
            progress.step(i)
    if samples:
        updates.append(pipeline.finish(samples[-1].t_s))
    if progress is not None:
        progress.done()
    return updates


def analyze(
    samples: Sequence[Sample],
    config: Config,
    *,
    input_name: str,
    baseline: Baseline | None = None,
    baseline_window_s: tuple[float, float] | None = None,
    auto_break: bool = False,
    timeline: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The `analyze --json` object: baseline, summary, events, optionally a per-second timeline."""
    pipeline = Pipeline(
        config,
        baseline=baseline,
        baseline_window_s=baseline_window_s,
        auto_break=auto_break,
        spectral=False,
    )
    updates = run(samples, pipeline, progress)
    refusal = pipeline.baseline_refusal
    if refusal is not None and baseline_window_s is not None:
        start_s, end_s = baseline_window_s
        raise BadInput(
            f"{input_name}: the baseline window {start_s:g}:{end_s:g} s gives no calm level: "
            f"{refusal}; name a longer calm stretch"
        )
    beats = [b for u in updates for b in u.beats]
    nn_ms = np.array([b.rr_ms for b in beats])
    flooded_s = 0.0
    for prev, cur in pairwise(updates):
        if prev.state == State.FLOODED:
            flooded_s += cur.t_s - prev.t_s
    arousals = [u.arousal for u in updates if u.arousal is not None]
    corrected = [b for b in beats if b.artifact is not None]
    result: dict[str, Any] = {
        "input": input_name,
        "beats": len(beats),
        "duration_s": round(samples[-1].t_s - samples[0].t_s, 3) if samples else 0.0,
        "baseline": _baseline_json(pipeline.baseline),
        "summary": {
            "mean_hr_bpm": _r(60000.0 / nn_ms.mean()) if len(nn_ms) else None,
            "rmssd_ms": _r(rmssd(nn_ms), 2) if len(nn_ms) > 2 else None,
            "sdnn_ms": _r(sdnn(nn_ms), 2) if len(nn_ms) > 2 else None,
            "pnn50_pct": _r(pnn50(nn_ms), 2) if len(nn_ms) > 2 else None,
            "artifacts": {
                "count": len(corrected),
                "rate": round(len(corrected) / len(beats), 4) if beats else 0.0,
                "by_kind": dict(Counter(b.artifact for b in corrected)),
                "beats": [
                    {
                        "t_s": round(b.t_s, 3),
                        "kind": b.artifact,
                        "raw_rr_ms": _r(b.raw_rr_ms, 2),
                        "rr_ms": _r(b.rr_ms, 2),
                    }
                    for b in corrected
                ],
            },
            "flooded_s": round(flooded_s, 1),
            "peak_arousal": _r(max(arousals)) if arousals else None,
        },
        "events": [e.to_dict() for u in updates for e in u.events],
    }
    if timeline:
        result["timeline"] = _per_second(updates)
    return result


def _baseline_json(b: Baseline | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "hr_bpm": _r(b.hr_bpm),
        "rmssd_ms": _r(b.rmssd_ms),
        "from": b.source,
        "window_s": list(b.window_s) if b.window_s else None,
    }


def _per_second(updates: list[Update]) -> list[dict[str, Any]]:
    """One row per whole second of session time: what was known at that second."""
    rows: list[dict[str, Any]] = []
    if not updates:
        return rows
    second = math.ceil(updates[0].t_s)
    for u, nxt in zip(updates, [*updates[1:], None], strict=True):
        until_s = nxt.t_s if nxt is not None else u.t_s + 1e-9
        while second < until_s:
            rows.append(
                {
                    "t_s": float(second),
                    "hr_bpm": _r(u.hr_bpm),
                    "rmssd_ms": _r(u.rmssd_ms),
                    "arousal": _r(u.arousal),
                    "state": str(u.state),
                }
            )
            second += 1
    return rows


def corrected_beats(samples: Sequence[HeartSample], config: Config) -> list[Beat]:
    """Artifact-corrected NN beats of a whole recording (for `hrv`)."""
    corrector = ArtifactCorrector(config.artifacts)
    beats: list[Beat] = []
    t_s = 0.0
    for sample in samples:
        for rr_ms in sample.rr_ms:
            t_s += rr_ms / 1000.0
            beats += corrector.push(Beat(t_s=t_s, rr_ms=rr_ms))
    return beats + corrector.flush()


def hrv_table(rr_ms: np.ndarray) -> dict[str, Any]:
    if len(rr_ms) < 4:
        raise BadInput("too few beats for HRV: need at least 4 RR intervals")
    return hrv_summary(rr_ms)

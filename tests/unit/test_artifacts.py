"""Causal Kubios-style artifact correction: what it catches, what it leaves, what it costs.

Matching rule used by every precision/recall figure here. The corrected beats are mapped
back to the raw RR series: a corrected beat ending at t_s points at the first raw RR that
ends at or after t_s (a beat moved to a midpoint lands on the RR it shortened or on its
neighbour; an inserted beat lands on the long RR it came from). Flagged raw indices that
are adjacent (differ by 1) form one detection, so a short+long ectopic pair or the two
halves of a split beat count once. A detection spanning indices a..b matches a truth
artifact at index i when a - 1 <= i <= b + 1. Precision = matched detections / detections;
recall = truth artifacts matched by some detection / truth artifacts.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pausepoint.config import ArtifactConfig, load_config
from pausepoint.model import Beat
from pausepoint.pipeline.artifacts import (
    ArtifactCorrector,
    _SortedWindow,
)
from pausepoint.sources.simulated.scenarios import simulate

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SEEDS = range(20)
ARTIFACTS = load_config().artifacts


# ---------------------------------------------------------------- helpers


def _clean_rr_ms(n: int, rng: np.random.Generator, mean_ms: float = 850.0) -> np.ndarray:
    """RSA at 0.25 Hz, a 0.1 Hz Mayer wave and white noise: a calm, seated RR series."""
    t_s = np.arange(n) * mean_ms / 1000.0
    return (
        mean_ms
        + 40.0 * np.sin(2 * np.pi * 0.25 * t_s + rng.uniform(0, 2 * np.pi))
        + 25.0 * np.sin(2 * np.pi * 0.1 * t_s + rng.uniform(0, 2 * np.pi))
        + rng.normal(0.0, 12.0, n)
    )


def _inject(
    rr_ms: np.ndarray, kind: str, rng: np.random.Generator, every: int = 40, start: int = 60
) -> tuple[np.ndarray, list[int]]:
    """Artifacts at known places; truth indices point at the first RR each one altered."""
    out: list[float] = []
    truth: list[int] = []
    places = set(range(start, rr_ms.size - 5, every))
    i = 0
    while i < rr_ms.size:
        if i not in places:
            out.append(rr_ms[i])
            i += 1
            continue
        truth.append(len(out))
        if kind == "ectopic":  # early beat, full compensatory pause
            short_ms = rr_ms[i] * rng.uniform(0.6, 0.8)
            out += [short_ms, rr_ms[i] + rr_ms[i + 1] - short_ms]
            i += 2
        elif kind == "missed":
            out.append(rr_ms[i] + rr_ms[i + 1])
            i += 2
        elif kind == "extra":
            split = rng.uniform(0.25, 0.75)
            out += [rr_ms[i] * split, rr_ms[i] * (1.0 - split)]
            i += 1
        else:  # misplaced: a beat detected 20-35 % late or early
            shift_ms = rr_ms[i] * rng.uniform(0.2, 0.35) * rng.choice([-1.0, 1.0])
            out += [rr_ms[i] + shift_ms, rr_ms[i + 1] - shift_ms]
            i += 2
    return np.asarray(out), truth


def _beats(rr_ms: np.ndarray) -> list[Beat]:
    """Beats on a timeline that is the cumulative sum of the RR series."""
    t_s = np.cumsum(rr_ms) / 1000.0
    return [Beat(float(t), float(r)) for t, r in zip(t_s, rr_ms, strict=True)]


def _correct(rr_ms: np.ndarray, config: ArtifactConfig = ARTIFACTS) -> list[Beat]:
    corrector = ArtifactCorrector(config)
    out: list[Beat] = []
    for beat in _beats(rr_ms):
        out += corrector.push(beat)
    return out + corrector.flush()


def _flagged(rr_ms: np.ndarray, beats: list[Beat]) -> list[int]:
    ends_s = np.cumsum(rr_ms) / 1000.0
    return sorted({int(np.searchsorted(ends_s, b.t_s - 1e-6)) for b in beats if b.artifact})


def _detections(indices: list[int]) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    for i in indices:
        if spans and i - spans[-1][1] <= 1:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    return [(a, b) for a, b in spans]


def _score(detections: list[tuple[int, int]], truth: list[int]) -> tuple[int, int, int, int]:
    """(matched detections, detections, matched truths, truths)."""
    hit = [any(a - 1 <= t <= b + 1 for t in truth) for a, b in detections]
    found = [any(a - 1 <= t <= b + 1 for a, b in detections) for t in truth]
    return sum(hit), len(detections), sum(found), len(truth)


def _rmssd_ms(rr_ms: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.diff(rr_ms) ** 2)))


def _jumps(rr_ms: np.ndarray) -> int:
    return int(np.sum(np.abs(np.diff(rr_ms)) > 0.2 * rr_ms[:-1]))


def _neurokit_flagged(rr_ms: np.ndarray) -> list[int]:
    """Raw RR indices the offline Kubios method (neurokit2, one pass) calls artifacts."""
    import neurokit2 as nk

    peaks = np.round(np.concatenate(([0.0], np.cumsum(rr_ms)))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        info, _ = nk.signal_fixpeaks(peaks, sampling_rate=1000, iterative=False, method="kubios")
    # neurokit's index i is the peak ending RR i - 1 of our series.
    return sorted({i - 1 for k in ("ectopic", "missed", "extra", "longshort") for i in info[k]})


def _agreement(mine: list[int], theirs: list[int]) -> tuple[float, float]:
    """Share of my detections near one of theirs, and of theirs near one of mine."""

    def share_near(spans: list[tuple[int, int]], other: list[int]) -> float:
        near = [any(a - 1 <= i <= b + 1 for i in other) for a, b in spans]
        return sum(near) / max(len(near), 1)

    return share_near(_detections(mine), theirs), share_near(_detections(theirs), mine)


# ---------------------------------------------------------------- incremental structures


def test_sorted_window_quartile_deviation_matches_numpy_on_every_step():
    rng = np.random.default_rng(7)
    values = np.abs(rng.normal(0.0, 30.0, 400)).round(1)  # ties included
    window = _SortedWindow(91)
    for i, v in enumerate(values):
        window.add(float(v))
        batch = values[max(0, i - 90) : i + 1]
        q1, q3 = np.percentile(batch, [25, 75])
        assert window.quartile_deviation() == pytest.approx((q3 - q1) / 2, abs=1e-9)


def test_config_rejects_too_little_lookahead():
    with pytest.raises(ValueError, match="delay_beats"):
        replace(ARTIFACTS, delay_beats=1)


# ---------------------------------------------------------------- corrections, one by one


def _steady(n: int, rr_ms: float = 800.0) -> list[float]:
    """A steady rhythm with a small deterministic wobble, so quartiles are not zero."""
    return [rr_ms + 10.0 * np.sin(k) for k in range(n)]


def test_ectopic_pair_moves_the_early_beat_to_the_midpoint():
    rr_ms = np.array([*_steady(120), 520.0, 1080.0, *_steady(20)])
    raw_t_s = np.cumsum(rr_ms) / 1000.0
    out = _correct(rr_ms)
    assert len(out) == rr_ms.size
    short, long_ = out[120], out[121]
    assert short.artifact == long_.artifact == "ectopic"
    assert (short.raw_rr_ms, long_.raw_rr_ms) == (520.0, 1080.0)
    assert short.rr_ms == long_.rr_ms == pytest.approx(800.0)
    assert long_.t_s == raw_t_s[121]
    assert short.t_s == pytest.approx(raw_t_s[119] + 0.8, abs=1e-9)
    assert sum(b.artifact is not None for b in out) == 2


def test_misplaced_beat_long_then_short_is_corrected():
    rr_ms = np.array([*_steady(120), 1060.0, 540.0, *_steady(20)])
    out = _correct(rr_ms)
    assert out[120].artifact is not None and out[121].artifact is not None
    assert out[120].rr_ms == out[121].rr_ms == pytest.approx(800.0)


def test_missed_beat_is_split_in_two_and_the_inserted_beat_sits_halfway():
    rr_ms = np.array([*_steady(120), 1620.0, *_steady(20)])
    raw_t_s = np.cumsum(rr_ms) / 1000.0
    out = _correct(rr_ms)
    assert len(out) == rr_ms.size + 1
    inserted, kept = out[120], out[121]
    assert inserted.artifact == kept.artifact == "missed"
    assert inserted.raw_rr_ms == kept.raw_rr_ms == 1620.0
    assert inserted.rr_ms == kept.rr_ms == 810.0
    assert kept.t_s == raw_t_s[120]
    assert inserted.t_s == pytest.approx(raw_t_s[119] + 0.81, abs=1e-9)


def test_two_missed_beats_in_a_row_are_split_in_three():
    rr_ms = np.array([*_steady(120), 2400.0, *_steady(20)])
    out = _correct(rr_ms)
    assert len(out) == rr_ms.size + 2
    assert [b.artifact for b in out[120:123]] == ["missed"] * 3
    assert [b.rr_ms for b in out[120:123]] == [800.0] * 3


def test_extra_beat_is_merged_into_the_next_which_keeps_its_time():
    rr_ms = np.array([*_steady(120), 300.0, 500.0, *_steady(20)])
    raw_t_s = np.cumsum(rr_ms) / 1000.0
    out = _correct(rr_ms)
    assert len(out) == rr_ms.size - 1
    merged = out[120]
    assert merged.artifact == "extra"
    assert merged.rr_ms == 800.0
    assert merged.raw_rr_ms == 500.0
    assert merged.t_s == raw_t_s[121]
    assert sum(b.artifact is not None for b in out) == 1


def test_first_beat_has_no_predecessor_and_passes_as_is():
    rr_ms = np.array([1600.0, *_steady(30)])
    out = _correct(rr_ms)
    assert out[0] == Beat(rr_ms[0] / 1000.0, 1600.0)


def test_warmup_fallback_still_catches_an_ectopic_beat_at_the_start():
    rr_ms = np.array([*_steady(8), 560.0, 1040.0, *_steady(20)])
    out = _correct(rr_ms)
    assert out[8].artifact == out[9].artifact == "ectopic"
    assert sum(b.artifact is not None for b in out) == 2


# ---------------------------------------------------------------- invariants of the stream


@pytest.mark.parametrize("delay_beats", [2, 3, 5])
def test_beats_leave_in_order_within_the_delay_and_time_is_conserved(delay_beats):
    """After raw beat k, the released beats cover exactly raw beats 0..m-1, m >= k + 1 - delay."""
    rng = np.random.default_rng(3)
    rr_ms = _clean_rr_ms(500, rng)
    for kind in ("ectopic", "missed", "extra", "misplaced"):
        rr_ms, _ = _inject(rr_ms, kind, rng, every=37, start=50 + 9 * len(kind))
    raw_end_ms = np.concatenate(([0.0], np.cumsum(rr_ms)))
    corrector = ArtifactCorrector(replace(ARTIFACTS, delay_beats=delay_beats))
    released_ms = 0.0
    for k, beat in enumerate(_beats(rr_ms)):
        for out in corrector.push(beat):
            released_ms += out.rr_ms
            assert out.t_s == pytest.approx(released_ms / 1000.0, abs=1e-6)
        covered = int(np.argmin(np.abs(raw_end_ms - released_ms)))
        assert raw_end_ms[covered] == pytest.approx(released_ms, abs=1e-6)
        assert k + 1 - delay_beats <= covered <= k + 1
    tail = corrector.flush()
    assert sum(b.rr_ms for b in tail) + released_ms == pytest.approx(raw_end_ms[-1], abs=1e-6)
    assert tail[-1].t_s == pytest.approx(raw_end_ms[-1] / 1000.0, abs=1e-9)


def test_flush_releases_the_lookahead_unjudged_and_reset_forgets_history():
    corrector = ArtifactCorrector(ARTIFACTS)
    steady = _beats(np.array(_steady(100)))
    released = [b for beat in steady for b in corrector.push(beat)]
    tail = corrector.flush()
    assert len(released) + len(tail) == len(steady)
    assert corrector.flush() == []
    corrector.reset()
    # After a gap a 1.6 s interval is the new first beat: nothing to compare it with.
    start_s = steady[-1].t_s + 30.0
    after = [Beat(start_s + 1.6, 1600.0)] + [
        Beat(start_s + 1.6 + 0.8 * k, 800.0) for k in range(1, 6)
    ]
    out = [b for beat in after for b in corrector.push(beat)] + corrector.flush()
    assert out == after


def test_without_reset_the_same_interval_after_steady_beats_is_a_missed_beat():
    corrector = ArtifactCorrector(ARTIFACTS)
    beats = _beats(np.array([*_steady(100), 1600.0, *_steady(5)]))
    out = [b for beat in beats for b in corrector.push(beat)] + corrector.flush()
    assert [b.artifact for b in out].count("missed") == 2


def test_artifact_rate_is_the_corrected_share_of_the_last_released_beats():
    config = replace(ARTIFACTS, rate_window_beats=60, rate_min_beats=10)
    corrector = ArtifactCorrector(config)
    rng = np.random.default_rng(11)
    rr_ms, _ = _inject(_clean_rr_ms(400, rng), "ectopic", rng, every=13, start=60)
    released: list[Beat] = []
    for beat in _beats(rr_ms):
        released += corrector.push(beat)
        rate = corrector.artifact_rate()
        if len(released) < 10:
            assert rate is None
        else:
            last = released[-60:]
            assert rate == pytest.approx(sum(b.artifact is not None for b in last) / len(last))
    assert corrector.artifact_rate() > 0.1


# ---------------------------------------------------------------- accuracy on synthetic series


@pytest.mark.parametrize(
    ("kind", "label"),
    [("ectopic", "ectopic"), ("missed", "missed"), ("extra", "extra"), ("misplaced", None)],
)
def test_synthetic_artifacts_are_found_and_named(kind, label):
    matched = detections = found = truths = 0
    named = labelled = 0
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        rr_ms, truth = _inject(_clean_rr_ms(600, rng), kind, rng)
        out = _correct(rr_ms)
        m, d, f, t = _score(_detections(_flagged(rr_ms, out)), truth)
        matched, detections, found, truths = matched + m, detections + d, found + f, truths + t
        kinds = [b.artifact for b in out if b.artifact]
        named += kinds.count(label)
        labelled += len(kinds)
    assert found / truths >= 0.98
    assert matched / detections >= 0.97
    if label is not None:
        assert named / labelled >= 0.9


def test_clean_synthetic_series_are_left_alone():
    flagged = total = 0
    for seed in SEEDS:
        out = _correct(_clean_rr_ms(600, np.random.default_rng(seed)))
        flagged += sum(b.artifact is not None for b in out)
        total += len(out)
    assert flagged / total < 0.005


def test_a_step_in_heart_rate_is_followed_not_corrected_away():
    rng = np.random.default_rng(5)
    rr_ms = np.concatenate([_clean_rr_ms(300, rng, 900.0), _clean_rr_ms(300, rng, 650.0)])
    out = _correct(rr_ms)
    assert sum(b.artifact is not None for b in out) <= 4
    assert np.mean([b.rr_ms for b in out[-250:]]) == pytest.approx(np.mean(rr_ms[-250:]), abs=1)


def test_slow_breathing_with_large_rsa_is_not_an_artifact():
    """Paced breathing at 6/min after calm: HRV jumps several-fold, and stays uncorrected."""
    rng = np.random.default_rng(9)
    t_s = np.arange(600) * 0.9
    paced_ms = 900.0 + 180.0 * np.sin(2 * np.pi * 0.1 * t_s) + rng.normal(0.0, 8.0, 600)
    out = _correct(np.concatenate([_clean_rr_ms(200, rng, 900.0), paced_ms]))
    assert sum(b.artifact is not None for b in out[200:]) <= 3


def test_neurokit_kubios_agrees_on_synthetic_ectopic_beats():
    mine_ok = theirs_ok = 0.0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        rr_ms, _ = _inject(_clean_rr_ms(600, rng), "ectopic", rng)
        a, b = _agreement(_flagged(rr_ms, _correct(rr_ms)), _neurokit_flagged(rr_ms))
        mine_ok, theirs_ok = mine_ok + a / 5, theirs_ok + b / 5
    assert mine_ok >= 0.95
    assert theirs_ok >= 0.95


# ---------------------------------------------------------------- accuracy on the simulator


def _simulated_score(scenario: str, **overrides: float) -> tuple[int, int, int, int, int, int]:
    """Totals over 20 seeds: matched detections, detections, found, truths, flagged, beats."""
    totals = np.zeros(6, dtype=int)
    for seed in SEEDS:
        recording = simulate(scenario, seed, **overrides)
        rr_ms = np.asarray(recording.rr_ms())
        out = _correct(rr_ms)
        truth = [a.index for a in recording.truth.artifacts]
        score = _score(_detections(_flagged(rr_ms, out)), truth)
        flagged = sum(b.artifact is not None for b in out)
        totals += np.array([*score, flagged, len(out)])
    return tuple(int(v) for v in totals)


def test_simulated_ectopic_scenario_precision_and_recall():
    matched, detections, found, truths, _, _ = _simulated_score("ectopic")
    assert truths > 500
    assert found / truths >= 0.95
    assert matched / detections >= 0.90


@pytest.mark.parametrize("kind", ["missed", "extra"])
def test_simulated_missed_and_extra_beats(kind):
    matched, detections, found, truths, _, _ = _simulated_score(
        "calm", **{f"{kind}_fraction": 0.03}
    )
    assert truths > 300
    assert found / truths >= 0.95
    assert matched / detections >= 0.90


@pytest.mark.parametrize("scenario", ["calm", "paced-breathing", "walk"])
def test_simulated_clean_data_gets_almost_no_corrections(scenario):
    _, _, _, truths, flagged, beats = _simulated_score(scenario)
    assert truths == 0
    assert flagged / beats < 0.005


def test_frequent_ectopic_beats_keep_rmssd_near_the_truth():
    """One premature beat in six: thresholds from corrected beats keep catching them."""
    ratios = []
    for seed in range(5):
        recording = simulate("calm", seed, ectopic_fraction=0.15)
        rr_ms = np.asarray(recording.rr_ms())
        corrected = np.array([b.rr_ms for b in _correct(rr_ms)])
        assert _rmssd_ms(rr_ms) > 3 * recording.truth.resting_rmssd_ms
        ratios.append(_rmssd_ms(corrected) / recording.truth.resting_rmssd_ms)
    assert 0.8 < np.median(ratios) < 1.25


def test_neurokit_kubios_agrees_on_the_simulated_ectopic_scenario():
    mine_ok = theirs_ok = 0.0
    for seed in range(5):
        rr_ms = np.asarray(simulate("ectopic", seed).rr_ms())
        a, b = _agreement(_flagged(rr_ms, _correct(rr_ms)), _neurokit_flagged(rr_ms))
        mine_ok, theirs_ok = mine_ok + a / 5, theirs_ok + b / 5
    assert mine_ok >= 0.95
    assert theirs_ok >= 0.95


# ---------------------------------------------------------------- real Holter data


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["000", "003", "007"])
def test_holter_rmssd_after_correction_is_plausible(name):
    path = SHARED / "physionet_rr_healthy_subjects" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"shared recording {path.name} is absent")
    rr_ms = np.loadtxt(path)[:20000]
    out = _correct(rr_ms)
    corrected = np.array([b.rr_ms for b in out])
    rate = sum(b.artifact is not None for b in out) / len(out)
    assert 0.001 < rate < 0.08
    assert sum(corrected) == pytest.approx(sum(rr_ms))
    # The offline method, iterated to convergence, is the reference for "plausible".
    import neurokit2 as nk

    peaks = np.round(np.concatenate(([0.0], np.cumsum(rr_ms)))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, clean_peaks = nk.signal_fixpeaks(peaks, sampling_rate=1000, method="kubios")
    reference_ms = _rmssd_ms(np.diff(clean_peaks).astype(float))
    assert _rmssd_ms(corrected) < _rmssd_ms(rr_ms)
    assert _rmssd_ms(corrected) == pytest.approx(reference_ms, rel=0.1)
    # Fewer jumps over 20 % of the interval (Malik's criterion of an implausible beat).
    assert _jumps(corrected) < _jumps(rr_ms)


# ---------------------------------------------------------------- cost


def test_per_beat_cost_is_a_few_microseconds():
    """The whole engine has 50 us a beat; this stage must take a small part of it."""
    rng = np.random.default_rng(1)
    rr_ms, _ = _inject(_clean_rr_ms(20000, rng), "ectopic", rng, every=25)
    beats = _beats(rr_ms)
    corrector = ArtifactCorrector(ARTIFACTS)
    costs_ns = []
    clock = time.perf_counter_ns
    for beat in beats:
        start = clock()
        corrector.push(beat)
        costs_ns.append(clock() - start)
    assert np.median(costs_ns) / 1000.0 < 25.0

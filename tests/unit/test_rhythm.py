"""Frequent premature beats in a pattern, or every interval irregular with good contact, are a
rhythm, not a poor signal: the person is judged by heart rate alone. Lost contact, missed
beats and random spikes stay a poor signal; ordinary rhythms are judged as before."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pausepoint.cli.main import main
from pausepoint.config import load_config
from pausepoint.model import EventKind, State
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.pipeline.rhythm import Rhythm, RhythmWatch
from pausepoint.sources.simulated.scenarios import simulate

CONFIG = load_config()


def sinus_ms(n: int, rng: np.random.Generator) -> np.ndarray:
    """Sinus rhythm with a large breathing swing (RMSSD near 60 ms at 70 bpm)."""
    swing = 60.0 * np.sin(2 * np.pi * np.arange(n) / 4.5)
    return 857.0 + swing + rng.normal(0.0, 12.0, n)


def watched(rr_ms: np.ndarray) -> Rhythm | None:
    watch = RhythmWatch(CONFIG.rhythm)
    for value in rr_ms:
        watch.add(float(value))
    return watch.rhythm


@pytest.mark.parametrize("every", [2, 3])
def test_premature_beats_in_a_pattern_are_a_rhythm(every: int) -> None:
    rr_ms = sinus_ms(120, np.random.default_rng(1))
    early = np.arange(1, 119, every)
    pause_ms = rr_ms[early] * 0.4
    rr_ms[early] -= pause_ms  # the early beat...
    rr_ms[early + 1] += pause_ms  # ...and its compensatory pause
    assert watched(rr_ms) == Rhythm.EXTRA_BEATS


def test_every_interval_irregular_is_a_rhythm() -> None:
    rng = np.random.default_rng(2)
    assert watched(857.0 * rng.lognormal(-0.016, 0.18, 120)) == Rhythm.IRREGULAR


def test_sinus_rhythm_even_breathing_slowly_is_ordinary() -> None:
    rng = np.random.default_rng(3)
    slow = 857.0 + 120.0 * np.sin(2 * np.pi * np.arange(120) / 10.0) + rng.normal(0, 10, 120)
    assert watched(sinus_ms(120, rng)) is None
    assert watched(slow) is None


@pytest.mark.parametrize("kind", ["missed", "split"])
def test_random_spikes_are_not_a_rhythm(kind: str) -> None:
    rng = np.random.default_rng(4)
    rr_ms = list(sinus_ms(120, rng))
    for i in sorted(rng.choice(np.arange(2, 110), 30, replace=False), reverse=True):
        if kind == "missed":
            rr_ms[i : i + 2] = [rr_ms[i] + rr_ms[i + 1]]
        else:
            rr_ms[i : i + 1] = [rr_ms[i] * 0.45, rr_ms[i] * 0.55]
    assert watched(np.asarray(rr_ms)) is None


def run(scenario: str, seed: int) -> tuple[list, Pipeline]:
    pipeline = Pipeline(CONFIG, spectral=False)
    return [pipeline.push(s) for s in simulate(scenario, seed=seed).samples], pipeline


@pytest.mark.parametrize(
    ("scenario", "rhythm"), [("bigeminy", "extra_beats"), ("irregular", "irregular")]
)
def test_such_a_heart_is_judged_by_heart_rate_alone(scenario: str, rhythm: str) -> None:
    rec = simulate(scenario, seed=3)
    updates, pipeline = run(scenario, 3)
    learnt = [u for u in updates if u.baseline is not None]
    assert learnt, "the calm level is learnt in this rhythm"
    assert pipeline.baseline is not None
    assert pipeline.baseline.hr_bpm == pytest.approx(rec.truth.resting_hr_bpm, abs=4.0)
    judged = [u for u in learnt if u.state not in (State.SIGNAL_POOR, State.CALIBRATING)]
    assert len(judged) >= 0.9 * len(learnt)
    assert {u.rhythm for u in judged} == {rhythm}
    assert all(u.rmssd_ms is None and u.sdnn_ms is None for u in judged)
    assert all(abs(u.hr_bpm - rec.truth.resting_hr_bpm) < 12.0 for u in judged)
    assert not any(e.kind == EventKind.FLOODING_START for u in updates for e in u.events)


def test_a_flood_is_found_in_a_rhythm_of_extra_beats() -> None:
    rec = simulate("bigeminy-argument", seed=2)
    updates, _ = run("bigeminy-argument", 2)
    floods = [e.t_s for u in updates for e in u.events if e.kind == EventKind.FLOODING_START]
    (onset_s, end_s) = rec.truth.flooded[0]
    assert floods and onset_s < floods[0] < end_s


def test_an_ordinary_rhythm_is_never_read_as_one() -> None:
    for scenario in ("argument", "ectopic", "paced-breathing"):
        updates, _ = run(scenario, 1)
        assert all(u.rhythm is None for u in updates), scenario


def test_a_file_in_such_a_rhythm_gives_its_calm_level_and_a_report(tmp_path, capsys) -> None:
    out = tmp_path / "bigeminy.csv"
    assert main(["simulate", "bigeminy", "--seed", "4", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["analyze", str(out), "--baseline", "60:300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["baseline"]["from"] == "window"
    assert not any(e["kind"] == "flooding_start" for e in result["events"])


def test_a_rest_in_such_a_rhythm_calibrates_a_profile(tmp_path, run) -> None:
    """`calibrate baseline` takes the corrected beats of such a rhythm for what they are and
    stores the level the engine judges by (one of an ordinary rest refuses them)."""
    rec = simulate("bigeminy", seed=3, minutes=6.0)
    out = tmp_path / "rest.csv"
    assert run("simulate", "bigeminy", "--seed", "3", "--minutes", "6", "--out", str(out))[0] == 0
    code, printed, _err = run("calibrate", "baseline", str(out), "--profile", "sam", "--json")
    result = json.loads(printed)["assessment"]
    assert code == 0 and result["accepted"] and result["rhythm"] == "extra_beats"
    assert result["artifact_rate"] > 0.05
    assert result["hr_bpm"] == pytest.approx(rec.truth.resting_hr_bpm, abs=3.0)
    code, printed, _err = run("calibrate", "baseline", str(out), "--profile", "sam")
    assert "Many extra heartbeats: judging by heart rate alone." in printed

"""The text monitor shows a heart rate from the first beats, not after 10 s: marked as early
until the pipeline's 10-s figure exists, and that figure once it does (the pipeline itself,
whose figure the detector judges from, is unchanged)."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass

import numpy as np
import pytest

from pausepoint.cli.couple_monitor import CoupleTextMonitor
from pausepoint.cli.monitor import EARLY_HR_MARK, TextMonitor
from pausepoint.config import load_config
from pausepoint.couple.engine import CoupleEngine, merge
from pausepoint.model import EventKind
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import simulate

CONFIG = load_config()
HR = re.compile(r"HR +(\d+|-) bpm( " + re.escape(EARLY_HR_MARK) + ")?  RMSSD")


@dataclass
class Shown:
    """One status line, with what the pipeline knew when it was printed."""

    t_s: float
    hr_bpm: int | None
    early: bool
    pipeline_hr_bpm: float | None
    beats_rr_ms: list[float]
    """The beats since the start or the last gap, as the updates carried them."""


def _shown(line: str) -> tuple[int | None, bool]:
    match = HR.search(line)
    assert match is not None, line
    number, mark = match.groups()
    return (None if number == "-" else int(number)), mark is not None


def run_monitor(scenario: str, seed: int, minutes: float) -> list[Shown]:
    """The monitor fed by the real pipeline over a simulated session: every status line."""
    out = io.StringIO()
    monitor = TextMonitor(out, CONFIG.break_.min_s)
    pipeline = Pipeline(CONFIG)
    rr_ms: list[float] = []
    shown: list[Shown] = []
    for sample in simulate(scenario, seed=seed, minutes=minutes).samples:
        update = pipeline.push(sample)
        gap_s = max((e.t_s for e in update.events if e.kind == EventKind.GAP), default=None)
        if gap_s is not None:  # beats before it come with it (the look-ahead flushed)
            rr_ms = []
        rr_ms += [b.rr_ms for b in update.beats if gap_s is None or b.t_s > gap_s]
        written = len(out.getvalue())
        monitor.feed(update)
        for line in out.getvalue()[written:].splitlines():
            if "RMSSD" in line:
                hr_bpm, early = _shown(line)
                shown.append(Shown(update.t_s, hr_bpm, early, update.hr_bpm, list(rr_ms)))
    return shown


def test_heart_rate_from_the_first_beats_marked_until_the_ten_second_figure() -> None:
    shown = run_monitor("calm", seed=1, minutes=1.0)
    with_beats = [s for s in shown if s.beats_rr_ms]
    assert with_beats[0].t_s < 3.0  # the first beats leave the artifact look-ahead by then
    assert all(s.hr_bpm is None for s in shown if not s.beats_rr_ms)
    early = [s for s in with_beats if s.pipeline_hr_bpm is None]
    assert len(early) >= 8  # the seconds the monitor used to print "-"
    for s in with_beats:
        assert s.hr_bpm is not None, s
        assert s.early == (s.pipeline_hr_bpm is None), s
        if s.early:
            assert s.hr_bpm == pytest.approx(60000.0 / np.mean(s.beats_rr_ms), abs=1.0), s
        else:
            assert s.hr_bpm == round(s.pipeline_hr_bpm), s
    assert not shown[-1].early and shown[-1].t_s > 55.0


def test_after_a_gap_the_early_figure_counts_only_the_beats_since() -> None:
    shown = run_monitor("dropouts", seed=1, minutes=3.0)
    after_gap = [s for prev, s in itertools.pairwise(shown) if s.early and not prev.early][
        1:
    ]  # the first is the session's start
    assert after_gap, "the dropouts scenario has gaps"
    for s in after_gap:
        assert s.hr_bpm == pytest.approx(60000.0 / np.mean(s.beats_rr_ms), abs=1.0), s
        assert s.pipeline_hr_bpm is None


def test_the_couple_monitor_shows_each_partners_early_heart_rate() -> None:
    rec = simulate_couple("couple-calm", seed=0, minutes=1.0)
    out = io.StringIO()
    monitor = CoupleTextMonitor(out, CONFIG.break_.min_s, names=("Sam", "Alex"))
    engine = CoupleEngine((CONFIG, CONFIG))
    for person, sample in merge(rec.a.samples, rec.b.samples):
        monitor.feed(engine.push(person, sample))
    lines = [line for line in out.getvalue().splitlines() if "RMSSD" in line]
    for name in ("Sam", "Alex"):
        mine = [_shown(line) for line in lines if line.split()[1] == name]
        first = next(i for i, (hr_bpm, _early) in enumerate(mine) if hr_bpm is not None)
        assert first <= 3 and mine[first][1]  # from the first beats, marked
        assert all(hr_bpm is not None for hr_bpm, _early in mine[first:])
        assert not mine[-1][1]  # the 10-s figure by the end

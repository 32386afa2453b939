"""The dashboard's Qt-free seams: a calibration run that ends itself and reports how it ended
(one way: nothing calls back into it from inside a feed), and break words that follow the
configured break minimum. Samples are fed directly; no window, no loop."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pausepoint.config import Config
from pausepoint.model import Event, EventKind, State, Update
from pausepoint.protocols import load_baseline_protocol
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.calibration_model import CalibrationFlow, Kind, Step
from pausepoint.ui.calibration_session_model import (
    CalibrationSession,
    CalibrationSource,
    Ending,
    simulated_samples,
)
from pausepoint.ui.view_model import CheckIn, SessionViewModel, event_entry
from pausepoint.words import break_length_text, break_minutes_text

SEED = 3
"""A person whose heart rate holds steady over the shortened rest."""


def short_baseline(config: Config) -> tuple[CalibrationFlow, CalibrationSource]:
    flow = CalibrationFlow(config)
    flow.baseline = replace(
        load_baseline_protocol(),
        duration_s=90.0,
        settle_s=10.0,
        min_duration_s=60.0,
        drift_window_s=20.0,
    )
    flow.choose("Sam", Kind.BASELINE)
    return flow, CalibrationSource(simulate="calm", seed=SEED)


def test_a_calibration_ends_itself_and_reports_once(config: Config, db: Path) -> None:
    flow, source = short_baseline(config)
    samples = simulate("calm", seed=SEED, minutes=2.0).samples  # longer than the protocol
    endings: list[Ending] = []
    with Store.open(db) as store:
        session = CalibrationSession.begin(
            config, SessionViewModel(config), flow, source, store, on_end=endings.append
        )
        fed = 0
        for sample in samples:
            if session.finished:
                break
            session.feed(sample)
            fed += 1
        assert fed < len(samples)  # ended by the protocol's time, not by the samples
        assert session.feed(samples[fed]) is None  # nothing more is taken
        session.finish()  # a second end says nothing more
    (ending,) = endings
    assert flow.step == Step.RESULT and ending.outcome is flow.outcome
    assert ending.saved == ending.outcome.accepted


def test_a_stopped_calibration_judges_nothing(config: Config) -> None:
    flow, source = short_baseline(config)
    endings: list[Ending] = []
    session = CalibrationSession.begin(
        config, SessionViewModel(config), flow, source, None, on_end=endings.append
    )
    for sample in simulated_samples(flow, source)[:50]:
        session.feed(sample)
    flow.again()  # the person pressed Stop
    session.finish()
    assert endings == [] and flow.outcome is None


def test_without_a_store_an_accepted_result_says_it_was_not_saved(config: Config) -> None:
    flow, source = short_baseline(config)
    endings: list[Ending] = []
    session = CalibrationSession.begin(
        config, SessionViewModel(config), flow, source, None, on_end=endings.append
    )
    for sample in simulated_samples(flow, source):
        session.feed(sample)
    session.finish()
    (ending,) = endings
    assert ending.outcome.accepted and not ending.saved
    assert "could not be saved" in ending.outcome.lines[-1]


def test_break_words_follow_the_configured_minimum(config: Config) -> None:
    assert (break_minutes_text(1200.0), break_length_text(1200.0)) == ("20 minutes", "20-minute")
    ten = replace(config, break_=replace(config.break_, min_s=600.0))
    checkin = CheckIn(ten)
    checkin.feed(Update(t_s=100.0, state=State.FLOODED))
    assert checkin.prompt().say == "“I'm flooded. I need a 10-minute break. I'll come back.”"
    checkin.start_break(100.0)
    checkin.feed(Update(t_s=160.0, state=State.BREAK))
    prompt = checkin.prompt()
    assert "at least 10 minutes to clear" in prompt.body
    assert "You agreed to come back in 10 minutes." in prompt.body  # the minimum, by default
    assert (prompt.timer_text, prompt.timer_caption) == ("09:00", "left of your break")
    flooding = event_entry(Event(100.0, EventKind.FLOODING_START), ten.break_.min_s)
    assert "a 10-minute break" in flooding.text

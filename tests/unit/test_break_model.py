"""The break as couples are taught it: the time agreed to come back, more time asked for, the
time-up told apart from the body's settling, and the timer running on without beats (the
real pipeline over simulated sessions; no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

import pytest

from pausepoint.config import Config, load_config
from pausepoint.model import Event, EventKind, State, Update
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.break_model import AgreedBreak, BackAt
from pausepoint.ui.view_model import (
    COME_BACK_SETTLING,
    COME_BACK_UNKNOWN,
    OUT_OF_REACH,
    Action,
    PromptKind,
    SessionViewModel,
)
from pausepoint.words import BREAK_WORDS, event_words

NOW = datetime(2026, 12, 4, 21, 10, tzinfo=UTC)
STARTED = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
MIN_S, DAY_S = 1200.0, 86400.0


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config()


@pytest.mark.parametrize(
    ("back", "agreed_s"),
    [
        (BackAt(), 1200.0),  # 20 minutes by default
        (BackAt(minutes=45), 2700.0),
        (BackAt(at=clock_time(21, 40)), 1800.0),
        (BackAt(at=clock_time(21, 15)), MIN_S),  # never shorter than the body needs
        (BackAt(at=clock_time(21, 5)), DAY_S - 300.0),  # passed today: tomorrow's
        (BackAt(minutes=2000), DAY_S),  # never more than a day
    ],
)
def test_the_time_agreed_to_come_back(back: BackAt, agreed_s: float) -> None:
    assert back.agreed_s(NOW, MIN_S, DAY_S) == agreed_s


def test_more_time_moves_the_agreed_time_from_when_it_is_asked() -> None:
    brk = AgreedBreak(100.0, 1200.0)
    assert brk.more_time(500.0, 600.0, DAY_S) == 1800.0  # before the time: ten minutes on
    assert brk.more_time(2500.0, 600.0, DAY_S) == 3000.0  # after it: ten minutes from now
    assert brk.more_time(2500.0, DAY_S, DAY_S) == DAY_S


def _argument(config: Config, agreed_s: float):
    """The argument story with a break taken when flooding is noticed, for ``agreed_s``."""
    samples = simulate("argument", seed=0).samples
    pipeline = Pipeline(config)
    view = SessionViewModel(config)
    view.started_at = STARTED
    return samples, pipeline, view


def _break_when_flooded(samples, pipeline, view, agreed_s: float) -> tuple[float, int]:
    for i, sample in enumerate(samples):
        update = pipeline.push(sample)
        view.feed(update)
        if update.state == State.FLOODED:
            pipeline.start_break(update.t_s, agreed_s)
            view.start_break(update.t_s, agreed_s)
            return update.t_s, i + 1
    raise AssertionError("the argument never flooded")


def test_settled_before_the_agreed_time_then_time_to_go_back(config: Config) -> None:
    samples, pipeline, view = _argument(config, 1500.0)
    start_s, i = _break_when_flooded(samples, pipeline, view, 1500.0)
    back = (STARTED + timedelta(seconds=start_s + 1500.0)).strftime("%H:%M")
    prompt = view.prompt()
    assert prompt.kind == PromptKind.BREAK
    assert f"You agreed to come back at {back}." in prompt.body
    assert prompt.tips == BREAK_WORDS
    assert (prompt.timer_text, prompt.timer_caption) == ("25:00", f"until {back}")
    assert prompt.actions == (Action.MORE_TIME,)
    kinds: list[PromptKind] = []
    for sample in samples[i:]:
        view.feed(pipeline.push(sample))
        kind = view.prompt().kind
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
        if kind == PromptKind.READY:
            assert f"You agreed to come back at {back}" in view.prompt().body
    # The body settled first (the detector's ready), then the agreed time came.
    assert kinds == [PromptKind.BREAK, PromptKind.READY, PromptKind.TIME_UP]
    (told,) = view.take_told()
    assert told.kind == EventKind.BREAK_DUE
    assert told.t_s == pytest.approx(start_s + 1500.0)
    assert told.detail == {"agreed_s": 1500.0, "settled": True}
    assert view.prompt().title == "Your time is up, and your body has settled."
    ready = next(e for e in view.entries if e.kind == "ready")
    assert view.break_spans() == [(start_s, pytest.approx(start_s + 1500.0))]
    assert ready.t_s < start_s + 1500.0


def test_time_up_while_still_settling_and_more_time(config: Config) -> None:
    samples, pipeline, view = _argument(config, MIN_S)
    start_s, i = _break_when_flooded(samples, pipeline, view, MIN_S)
    due_s = start_s + MIN_S
    while samples[i].t_s < due_s + 1.0:
        view.feed(pipeline.push(samples[i]))
        i += 1
    prompt = view.prompt()
    assert prompt.kind == PromptKind.SETTLING
    assert prompt.title == "Your time is up; your body is still settling."
    assert prompt.body == COME_BACK_SETTLING
    (told,) = view.take_told()
    assert told.detail == {"agreed_s": MIN_S, "settled": False}
    ask = view.checkin.more_time(view.t_s)
    assert ask is not None and ask.kind == EventKind.BREAK_EXTENDED
    assert ask.detail["agreed_s"] == pytest.approx(view.t_s + 600.0 - start_s, abs=0.1)
    assert event_words(ask.kind, MIN_S, ask.detail).startswith("More time asked for: the break")
    view.add_event(ask)
    assert view.prompt().kind == PromptKind.BREAK
    assert view.prompt().timer_text == "10:00"
    assert view.entries[-1].text == event_words(ask.kind, MIN_S, ask.detail)


def test_the_timer_runs_on_while_the_strap_is_out_of_reach(config: Config) -> None:
    """Separate rooms: no beats for minutes; the clock keeps the agreed time, and the
    time-up cannot say whether the body has settled."""
    samples, pipeline, view = _argument(config, MIN_S)
    start_s, _i = _break_when_flooded(samples, pipeline, view, MIN_S)
    view.tick(start_s + 600.0)
    prompt = view.prompt()
    assert prompt.kind == PromptKind.BREAK
    assert prompt.timer_text == "10:00"
    assert prompt.tips[0] == OUT_OF_REACH
    assert view.take_told() == []
    view.tick(start_s + MIN_S + 0.5)
    prompt = view.prompt()
    assert prompt.kind == PromptKind.SETTLING
    assert (prompt.title, prompt.body) == (
        "Your time is up. Put the strap on again to see whether your body has settled.",
        COME_BACK_UNKNOWN,
    )
    (told,) = view.take_told()
    assert (told.t_s, told.detail["settled"]) == (pytest.approx(start_s + MIN_S), None)
    assert view.t_s == start_s + MIN_S + 0.5  # markers and cues go by the clock too


def test_replayed_extension_moves_the_timer_as_it_did_live(config: Config) -> None:
    view = SessionViewModel(config)
    view.feed(Update(t_s=100.0, state=State.FLOODED))
    view.feed(
        Update(
            t_s=101.0,
            state=State.BREAK,
            events=(Event(100.0, EventKind.BREAK_START, {"agreed_s": 1800.0}),),
        )
    )
    assert view.prompt().timer_text == "29:59"
    view.add_event(Event(200.0, EventKind.BREAK_EXTENDED, {"agreed_s": 2400.0}))
    assert view.prompt().timer_text == "39:59"
    assert view.entries[-1].text == "More time asked for: the break is now 40 minutes."

"""The view models, fed by the real pipeline over simulated sessions (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from pausepoint.config import Config
from pausepoint.model import State
from pausepoint.pipeline.arousal import flooding_arousal
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.view_model import (
    READINESS_S,
    PromptKind,
    RingSeries,
    SessionViewModel,
    StatusModel,
)


def test_ring_keeps_the_last_values_contiguous_and_in_order() -> None:
    ring = RingSeries(5)
    assert len(ring) == 0 and ring.last_t_s is None
    for i in range(12):
        ring.append(float(i), 10.0 * i)
        t_s, values = ring.view()
        expected = np.arange(max(0, i - 4), i + 1, dtype=float)
        np.testing.assert_array_equal(t_s, expected)
        np.testing.assert_array_equal(values, 10.0 * expected)
        assert t_s.base is not None  # a view into the preallocated buffer, not a copy
    assert ring.last_t_s == 11.0
    t_s, values = ring.since(9.5)
    np.testing.assert_array_equal(t_s, [10.0, 11.0])
    np.testing.assert_array_equal(values, [100.0, 110.0])
    ring.clear()
    assert len(ring) == 0 and ring.view()[0].size == 0


def test_flooding_line_is_the_arousal_at_the_flooding_criterion(config: Config) -> None:
    # docs/arousal.md: score 1 (both signs at the flooding criterion) is about 70.
    assert flooding_arousal(config.arousal) == pytest.approx(70.0, abs=0.5)


def _feed(view: SessionViewModel, pipeline: Pipeline, samples, until_t_s: float) -> None:
    for sample in samples:
        if sample.t_s > until_t_s:
            break
        view.feed(pipeline.push(sample))


def test_readiness_check_takes_a_minute_of_calm(config: Config) -> None:
    samples = [s for s in simulate("calm", seed=1).samples if s.t_s > 0]
    pipeline = Pipeline(config)
    view = SessionViewModel(config)
    _feed(view, pipeline, samples, 60.0)
    assert view.prompt().kind == PromptKind.CALIBRATING
    view.begin_readiness()
    # No baseline yet: the minute has not started, whatever time passes.
    _feed(view, pipeline, [s for s in samples if s.t_s > 60.0], 120.0)
    assert view.prompt().kind == PromptKind.CALIBRATING
    baseline_t_s = None
    checked_t_s = None
    for sample in samples:
        if sample.t_s <= 120.0:
            continue
        view.feed(pipeline.push(sample))
        kind = view.prompt().kind
        if baseline_t_s is None and view.state == State.CALM:
            baseline_t_s = sample.t_s
        if kind == PromptKind.GOOD_MOMENT:
            checked_t_s = sample.t_s
            break
        if baseline_t_s is not None:
            assert kind == PromptKind.CHECKING
            assert 0.0 <= view.prompt().progress <= 1.0
    assert baseline_t_s is not None and checked_t_s is not None
    assert checked_t_s - baseline_t_s == pytest.approx(READINESS_S, abs=1.5)
    assert view.prompt().title == "This is a good moment."


def test_readiness_check_while_stirred_offers_the_pacer(config: Config) -> None:
    recording = simulate("argument", seed=0)
    pipeline = Pipeline(config)
    view = SessionViewModel(config)
    _feed(view, pipeline, recording.samples, 440.0)  # calm, escalation about to come
    assert view.state == State.CALM
    view.begin_readiness()
    _feed(view, pipeline, [s for s in recording.samples if s.t_s > 440.0], 500.0)
    prompt = view.prompt()
    assert view.state == State.RISING
    assert prompt.kind == PromptKind.RISING  # the live state speaks first
    assert view.checkin.readiness is False


def test_break_span_opens_on_the_click_and_closes_when_ready(config: Config) -> None:
    recording = simulate("argument", seed=0)
    pipeline = Pipeline(config)
    view = SessionViewModel(config)
    break_t_s = None
    for sample in recording.samples:
        update = pipeline.push(sample)
        view.feed(update)
        if break_t_s is None and update.state == State.FLOODED:
            break_t_s = update.t_s
            pipeline.start_break(break_t_s)
            view.start_break(break_t_s)
            assert view.prompt().kind == PromptKind.BREAK  # at once, before the event
            assert view.prompt().timer_text == "20:00"
    assert break_t_s is not None
    ready = [e for e in view.entries if e.kind == "ready"]
    assert len(ready) == 1
    assert view.break_spans() == [(break_t_s, ready[0].t_s)]
    assert view.prompt().kind == PromptKind.READY


def test_status_line_reads_signal_quality_from_the_updates(config: Config) -> None:
    recording = simulate("dropouts", seed=1)
    pipeline = Pipeline(config)
    status = StatusModel()
    seen = set()
    for sample in recording.samples:
        update = pipeline.push(sample)
        status.feed(update, config.signal)
        seen.add(status.signal_text())
        if update.state == State.SIGNAL_POOR:
            assert status.signal_text() == "Signal poor"
    assert {"Signal good", "Signal poor"} <= seen
    assert status.elapsed_s == recording.samples[-1].t_s
    assert status.elapsed_text() == "00:09:59"
    status.set_link("reconnecting")
    assert status.link_text() == "Reconnecting…"
    status.set_strap("Polar H10 7E3A1B2C", "F0:5A:1B:2C:3D:4E", 93)
    assert (status.source_label, status.battery_text()) == ("Polar H10 7E3A1B2C", "Battery 93 %")

"""The live window follows the detector: the `argument` scenario, fed at full speed.

Samples go straight into the window's session (the one consumer); frames are drawn as the
10 Hz timer would, and what is asserted is what is on screen: the check-in card's words and
buttons, the pacer, the status line, and what reached the SQLite store.
"""

from __future__ import annotations

import asyncio
import contextlib
import math

import pytest
from PySide6.QtCore import Qt

from pausepoint.model import State
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.session_model import TRIGGERED
from pausepoint.ui.view_model import Action, PromptKind

FRAME_EVERY_S = 1.0
"""Draw once a second of session time: the prompts change on whole seconds."""

EXPECTED_PROMPT = {
    State.CALIBRATING: {PromptKind.CALIBRATING},
    State.CALM: {PromptKind.CALM},
    State.RISING: {PromptKind.RISING},
    State.FLOODED: {PromptKind.FLOODED},
    State.BREAK: {PromptKind.BREAK},
    State.RECOVERING: {PromptKind.SETTLING},
    State.READY: {PromptKind.READY},
}


def _on_screen(window) -> tuple[str, str, list[str]]:
    card = window.live_page.session_view.checkin
    buttons = [button.text() for button in card.shown_buttons()]
    return card.title.text(), card.say.text() if card.say.isVisibleTo(card) else "", buttons


@pytest.fixture(scope="module")
def argument():
    return simulate("argument", seed=0)


def test_argument_prompts_follow_the_detector(qtbot, window, argument, db) -> None:
    session = window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    card = window.live_page.session_view.checkin
    pacer = window.live_page.session_view.pacer
    seen: list[PromptKind] = []
    break_clicked_t_s = None
    next_frame_s = 0.0
    timer_texts: list[str] = []
    for sample in argument.samples:
        update = session.feed(sample)
        if update is None or update.t_s < next_frame_s:
            continue
        next_frame_s = update.t_s + FRAME_EVERY_S
        window.render_frame()
        kind = card.prompt.kind
        if not seen or seen[-1] != kind:
            seen.append(kind)
        assert kind in EXPECTED_PROMPT[update.state], (update.t_s, update.state, kind)
        title, say, buttons = _on_screen(window)
        if kind == PromptKind.RISING:
            assert title == "Your body is getting stirred up."
            assert buttons == ["Breathe with the pacer"]  # the pacer, one click away
        if kind == PromptKind.FLOODED and break_clicked_t_s is None:
            assert title == "Time to pause."
            assert say == "“I'm flooded. I need a 20-minute break. I'll come back.”"
            assert buttons == ["Start break"]
            assert card.property("emphasis") is True
            qtbot.mouseClick(card.buttons[Action.START_BREAK], Qt.MouseButton.LeftButton)
            break_clicked_t_s = update.t_s
            assert card.prompt.kind == PromptKind.BREAK  # at once, not a second later
            assert card.timer.text() == "20:00"
            assert pacer.isVisibleTo(window.live_page)
        if kind == PromptKind.BREAK:
            timer_texts.append(card.timer.text())
            left_s = math.ceil(1200.0 - (update.t_s - break_clicked_t_s))
            assert card.timer.text() == f"{left_s // 60:02d}:{left_s % 60:02d}"
            assert pacer.isVisibleTo(window.live_page)
            assert "Don't rehearse the argument" in card.tips.text()
    assert seen == [
        PromptKind.CALIBRATING,
        PromptKind.CALM,
        PromptKind.RISING,
        PromptKind.FLOODED,
        PromptKind.BREAK,
        PromptKind.SETTLING,
        PromptKind.READY,
    ]
    title, _say, _buttons = _on_screen(window)
    assert title == "Your body has settled."
    assert "Speak from “I”" in card.tips.text()
    # The break timer counted the 20-minute minimum down in session time, to the end.
    assert timer_texts[0] == "19:59" and timer_texts[-1].startswith("00:0")
    assert len(timer_texts) > 600
    # The break went through the recorder: stored as an action, and as the pipeline's event.
    sid = session.recorder.session_id
    with Store.open(db) as store:
        actions = store.actions(sid)
        kinds = [e.kind for e in store.events(sid)]
    assert [(a.kind, a.t_s) for a in actions] == [("break", break_clicked_t_s)]
    assert kinds.count("break_start") == 1 and kinds.count("ready") == 1
    # The graphs hold the last 10 minutes; breaks shaded from the click to ready.
    spans = window.live_view.break_spans()
    assert len(spans) == 1 and spans[0][0] == break_clicked_t_s
    curve_t_s, _ = window.live_page.session_view.arousal_plot.curve.getData()
    assert curve_t_s[-1] == pytest.approx(window.live_view.t_s, abs=FRAME_EVERY_S)
    assert curve_t_s[-1] - curve_t_s[0] <= 600.0


def test_marker_and_note_are_stored_with_the_session(qtbot, window, argument, db) -> None:
    session = window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    for sample in argument.samples:
        if sample.t_s > 300.0:
            break
        session.feed(sample)
    window.render_frame()
    page = window.live_page
    marked_t_s = window.live_view.t_s
    qtbot.mouseClick(page.marker_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.note, "  he raised the holiday money ")
    qtbot.mouseClick(page.save_note, Qt.MouseButton.LeftButton)
    assert page.note.text() == ""
    window.render_frame()
    sid = session.recorder.session_id
    with Store.open(db, readonly=True) as other:  # another connection: it is on disk
        markers = other.markers(sid)
    assert [(m.t_s, m.text) for m in markers] == [
        (marked_t_s, TRIGGERED),
        (marked_t_s, "he raised the holiday money"),
    ]
    shown = [page.events.item(i).text() for i in range(page.events.count())]
    assert shown[-2:] == [
        "00:04:59  You noted: I feel triggered",
        "00:04:59  You noted: he raised the holiday money",
    ]
    marker_x, _ = page.session_view.arousal_plot.markers.getData()
    assert list(marker_x) == [marked_t_s, marked_t_s]


def test_readiness_check_from_the_button(qtbot, window, config) -> None:
    session = window.begin_live(source="simulated:calm", label="Simulated strap (calm)")
    samples = simulate("calm", seed=1).samples
    card = window.live_page.session_view.checkin
    clicked = False
    for sample in samples:
        session.feed(sample)
        if not clicked and window.live_view.state == State.CALM:
            window.render_frame()
            assert _on_screen(window)[2] == ["Check if I'm ready", "Breathe with the pacer"]
            qtbot.mouseClick(card.buttons[Action.CHECK_READINESS], Qt.MouseButton.LeftButton)
            assert card.title.text() == "Checking if this is a good moment…"
            clicked = True
            clicked_t_s = sample.t_s
        if clicked and sample.t_s >= clicked_t_s + 61.0:
            break
    window.render_frame()
    assert card.title.text() == "This is a good moment."
    assert _on_screen(window)[2] == ["Check again"]


def test_simulation_plays_on_the_qasync_loop(qtbot, window, qloop, db) -> None:
    """The app's own path: start_simulation schedules playback on the Qt event loop."""
    task = window.start_simulation("calm", seed=2, speed=math.inf, minutes=3.0)
    assert window.status_labels["link"].text() == "Simulated"
    qloop.run_until_complete(task)
    window.render_frame()
    labels = {key: label.text() for key, label in window.status_labels.items()}
    assert labels["source"] == "Simulated strap (calm)"
    assert labels["link"] == "Session ended"
    assert labels["recording"] == "● Recording (session 1)"
    assert labels["signal"] == "Signal good"
    assert labels["elapsed"].startswith("00:02:5")
    assert window.live_page.new_button.isVisibleTo(window.live_page)
    with Store.open(db, readonly=True) as store:
        (info,) = store.sessions()
        assert store.sample_count(info.id) == len(simulate("calm", seed=2, minutes=3.0).samples)
    assert (info.status, info.source) == ("complete", "simulated:calm")


def test_end_session_completes_the_recording(qtbot, window, qloop, db) -> None:
    total = len(simulate("calm", seed=2, minutes=3.0).samples)
    task = window.start_simulation("calm", seed=2, speed=math.inf, minutes=3.0)
    qloop.run_until_complete(until(lambda: window.live_view.t_s > 30.0))
    qtbot.mouseClick(window.live_page.end_button, Qt.MouseButton.LeftButton)
    qloop.run_until_complete(quietly(task))
    window.render_frame()
    with Store.open(db, readonly=True) as store:
        (info,) = store.sessions()
        stored = store.sample_count(info.id)
    assert info.status == "complete"
    assert 30 <= stored < total
    assert 29.0 < info.duration_s < 32.0
    assert window.status_labels["link"].text() == "Session ended"
    assert window.live_page.new_button.isVisibleTo(window.live_page)
    assert not window.live_page.marker_button.isEnabled()


async def until(condition) -> None:
    """Let the loop run (no wall-clock waiting) until the condition holds."""
    while not condition():
        await asyncio.sleep(0)


async def quietly(task) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await task

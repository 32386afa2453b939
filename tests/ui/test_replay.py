"""Past sessions: the list, the replay's timeline and events, export and report.

A session is recorded into a real SQLite file by the real recorder (argument, a break taken
30 s after the flooded prompt, a marker), then opened in the window. Playback runs on an
injected clock: one tick after one clock second at 32x moves the timeline 32 s.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pausepoint.config import Config
from pausepoint.model import EventKind, State
from pausepoint.sessions.recorder import Recorder
from pausepoint.sessions.settings import PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sources.files import read_rr_file
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.replay_model import SPEEDS
from pausepoint.ui.view_model import PromptKind
from pausepoint.words import clock_text

MARKED_T_S = 300.0


@pytest.fixture
def recorded(config: Config, db: Path) -> int:
    with Store.open(db) as store:
        recorder = Recorder(
            store, config, source="simulated:argument", settings=PipelineSettings(), note="first"
        )
        flooded_t_s = None
        marked = False
        for sample in simulate("argument", seed=0).samples:
            update = recorder.feed(sample)
            if update.state == State.FLOODED and flooded_t_s is None:
                flooded_t_s = update.t_s
            if (
                flooded_t_s is not None
                and update.t_s >= flooded_t_s + 30.0
                and recorder.pipeline.state == State.FLOODED
            ):
                recorder.start_break(update.t_s)
            if not marked and update.t_s >= MARKED_T_S:
                recorder.add_marker(update.t_s, "I feel triggered")
                marked = True
        recorder.finish()
        return recorder.session_id


def _open(window, qtbot, session_id: int):
    window.show_sessions()
    table = window.sessions_page.table
    info = window.store().session(session_id)
    assert table.rowCount() == 1
    assert table.item(0, 1).text() == clock_text(info.duration_s)
    assert table.item(0, 2).text() == f"{info.flooded_s / 60:.1f} min"
    assert table.item(0, 5).text() == "first"
    qtbot.mouseClick(window.sessions_page.open_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.replay_page
    return window.replay_page


def test_events_list_jumps_and_shows_that_moment(qtbot, window, recorded, db) -> None:
    page = _open(window, qtbot, recorded)
    model = page.model
    assert page.title.text().startswith(f"Session {recorded}, ") and "first" in page.title.text()
    texts = [page.events.item(i).text() for i in range(page.events.count())]
    with Store.open(db, readonly=True) as store:
        stored = [(e.t_s, e.kind) for e in store.events(recorded)]
    replayed = [(e.t_s, e.kind) for u in model.updates for e in u.events]
    assert replayed == stored  # the replay is the live session, event for event
    assert any("Flooding noticed" in text for text in texts)
    assert any("You noted: I feel triggered" in text for text in texts)
    assert texts[-1].endswith(
        "Your body has settled. Speak from 'I', say what you need, listen first."
    )
    flooding = next(i for i, text in enumerate(texts) if "Flooding noticed" in text)
    flooded_t_s = next(t for t, kind in stored if kind == EventKind.FLOODING_START)
    item = page.events.item(flooding)
    page.events.scrollToItem(item)
    rect = page.events.visualItemRect(item)
    qtbot.mouseClick(page.events.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert model.position_s == flooded_t_s
    assert page.slider.value() == round(flooded_t_s * 10)
    assert page.position.text() == f"00:08:56 of {clock_text(model.info.end_t_s)}"
    card = page.session_view.checkin
    assert card.prompt.kind == PromptKind.FLOODED
    assert card.title.text() == "Time to pause."
    assert card.shown_buttons() == []  # a replay shows what was said, and offers nothing
    t_s, _ = page.session_view.arousal_plot.curve.getData()
    assert t_s[-1] <= flooded_t_s


def test_play_pause_speed_and_scrub_move_the_timeline(qtbot, window, recorded, clock) -> None:
    page = _open(window, qtbot, recorded)
    model = page.model
    start_s = model.position_s
    assert page.play_button.text() == "Play"
    page.speed.setCurrentIndex(SPEEDS.index(32.0))
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert page.play_button.text() == "Pause"
    clock.advance(1.0)
    page.tick()
    assert model.position_s == pytest.approx(start_s + 32.0)
    clock.advance(0.5)
    page.tick()
    assert model.position_s == pytest.approx(start_s + 48.0)
    assert page.slider.value() == round(model.position_s * 10)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    clock.advance(10.0)
    page.tick()
    assert model.position_s == pytest.approx(start_s + 48.0)  # paused
    page.slider.setValue(6000)  # scrub to 10:00
    assert model.position_s == pytest.approx(600.0)
    assert page.position.text().startswith("00:10:00 of ")
    assert window.replay_view.arousal.last_t_s <= 600.0
    assert window.replay_view.arousal.last_t_s > 590.0
    page.slider.setValue(1000)  # back to 1:40: rebuilt from the start
    assert window.replay_view.arousal.last_t_s is None or window.replay_view.t_s <= 100.0
    assert window.replay_view.checkin.break_spans == []
    page.slider.setValue(page.slider.maximum())
    assert model.position_s == pytest.approx(model.info.end_t_s, abs=0.1)
    page.seek(10_000.0)  # past the end: held at the end
    assert model.position_s == model.info.end_t_s
    assert window.replay_view.state == State.READY


def test_export_writes_the_recorded_beats(qtbot, config, db, recorded, tmp_path, qloop) -> None:
    from pausepoint.ui.main_window import MainWindow

    out = tmp_path / "session.csv"
    asked = []

    def ask_path(_parent, title, suggested, filters):
        asked.append((title, suggested))
        return str(out)

    win = MainWindow(config, db=db, ask_path=ask_path)
    try:
        win.open_replay(recorded)
        qtbot.mouseClick(win.replay_page.export_button, Qt.MouseButton.LeftButton)
        assert asked == [("Export the session", f"pausepoint-session-{recorded}.csv")]
        with Store.open(db, readonly=True) as store:
            rr_ms = [v for s in store.samples(recorded) for v in getattr(s, "rr_ms", ())]
        assert read_rr_file(out).rr_ms == pytest.approx(rr_ms, abs=1e-6)
        assert "exported to session.csv" in win.replay_page.title.text()
    finally:
        qloop.run_until_complete(win.shutdown())
        win.deleteLater()


@pytest.mark.skipif(
    importlib.util.find_spec("pausepoint.reports.render") is None,
    reason="no report module installed",
)
def test_report_button_makes_the_report(qtbot, config, db, recorded, tmp_path, qloop) -> None:
    from pausepoint.ui.main_window import MainWindow

    out = tmp_path / "report.html"
    win = MainWindow(config, db=db, ask_path=lambda *_args: str(out))
    try:
        win.open_replay(recorded)
        assert win.replay_page.report_button.isEnabled()
        qtbot.mouseClick(win.replay_page.report_button, Qt.MouseButton.LeftButton)
        text = out.read_text(encoding="utf-8")
        assert "<html" in text.lower() and "first" in text
    finally:
        qloop.run_until_complete(win.shutdown())
        win.deleteLater()


def test_the_sessions_list_says_which_strap_was_optical(window, db) -> None:
    """A past session worn on an arm band is marked, so its variability is read as such."""
    sample = simulate("calm", seed=1, minutes=0.5).heart_samples()[0]
    with Store.open(db) as store:
        for name in ("Polar H10 7E3A1B2C", "Polar OH1 1A2B3C4D"):
            writer = store.begin_session("ble", strap_name=name)
            writer.add_sample(sample)
            writer.finish()
        couple = store.begin_session(
            "ble", persons=2, strap_name="Polar H10 A1A1A1A1", strap_name_b="Polar Sense B2B2B2B2"
        )
        couple.add_sample(sample)
        couple.add_sample(sample, person=1)
        couple.finish()
    window.show_sessions()
    table = window.sessions_page.table
    assert [table.item(row, 4).text() for row in range(table.rowCount())] == [
        "Couple: Partner A & B, Polar H10 A1A1A1A1 / Polar Sense B2B2B2B2 (optical)",
        "Polar OH1 1A2B3C4D (optical)",
        "Polar H10 7E3A1B2C",
    ]

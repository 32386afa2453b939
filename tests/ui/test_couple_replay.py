"""A couple session replayed in the window: two lanes, the shared pause, linkage beside them.

`couple-argument` is recorded once into a real SQLite file by the real couple recorder (the
couple presses Start break for both 30 s after "Let's pause", and marks a moment), a second
time as `pausepoint record` does (nobody presses anything), and a one-person `argument` next
to them. Each is opened from the session list in the real window, offscreen; playback runs
on an injected clock.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from pausepoint.config import Config
from pausepoint.couple.engine import CoupleEventKind, merge, shown_state
from pausepoint.model import EventKind, HeartSample, State
from pausepoint.sessions.recorder import CoupleRecorder, Recorder
from pausepoint.sessions.replay import stored_couple_events
from pausepoint.sessions.store import Store
from pausepoint.sources.files import read_rr_file
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.couple_model import STARTED_TOGETHER, CoupleReplayModel
from pausepoint.ui.replay_model import SPEEDS, ReplayModel
from pausepoint.ui.view_model import PromptKind
from pausepoint.words import clock_text

PRESS_AFTER_S = 30.0
MARKED_T_S = 400.0
NAMES = ("Sam", "Alex")


def _record_couple(store: Store, config: Config, *, press: bool) -> int:
    """The couple-argument session; ``press``: as the dashboard records it (Start break for
    both 30 s after the pause began, a marker, the partners' profile names)."""
    couple = simulate_couple("couple-argument", seed=0)
    recorder = CoupleRecorder(
        store,
        config,
        source="simulated:couple-argument",
        profiles=NAMES if press else (None, None),
    )
    pause_t_s = None
    pressed = marked = False
    for person, sample in merge(couple.a.samples, couple.b.samples):
        cu = recorder.feed(person, sample)
        if any(e.kind == CoupleEventKind.SHARED_PAUSE_START for e in cu.couple_events):
            pause_t_s = cu.t_s
        if press and not pressed and pause_t_s is not None and cu.t_s >= pause_t_s + PRESS_AFTER_S:
            recorder.start_pause(cu.t_s)
            pressed = True
        if press and not marked and cu.t_s >= MARKED_T_S:
            recorder.add_marker(cu.t_s, "I feel triggered")
            marked = True
    recorder.finish()
    assert recorder.session_id is not None
    return recorder.session_id


@pytest.fixture(scope="module")
def sessions(config: Config, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = tmp_path_factory.mktemp("couple-replay") / "sessions.db"
    with Store.open(path) as store:
        one = Recorder(store, config, source="simulated:argument")
        for sample in simulate("argument", seed=0, minutes=6).samples:
            one.feed(sample)
        one.finish()
        ids = {
            "one": one.session_id,
            "pressed": _record_couple(store, config, press=True),
            "unpressed": _record_couple(store, config, press=False),
        }
    return {"db": path, **ids}


@pytest.fixture
def db(sessions) -> Path:
    """The window opens the module's recorded database."""
    return sessions["db"]


def _open(window, session_id: int):
    """Open a session the way a person does: its row in Past sessions, then Replay."""
    window.show_sessions()
    page = window.sessions_page
    newest_first = [info.id for info in reversed(window.store().sessions())]
    page.table.selectRow(newest_first.index(session_id))
    page.open_button.click()
    assert window.pages.currentWidget() is window.replay_page
    return window.replay_page


def _cards(page) -> list:
    return [lane.checkin for lane in page.couple.lanes]


def _jump(page, text: str) -> float:
    """Choose the first entry containing ``text`` in Go to; returns its time."""
    combo = page.go_to
    index = next(i for i in range(combo.count()) if text in combo.itemText(i))
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert combo.currentIndex() == -1  # ready for the next jump
    return float(combo.itemData(index))


def test_the_list_names_the_couple_and_opens_two_lanes(window, sessions) -> None:
    window.show_sessions()
    table = window.sessions_page.table
    newest_first = [info.id for info in reversed(window.store().sessions())]
    sources = {newest_first[row]: table.item(row, 4).text() for row in range(table.rowCount())}
    assert sources[sessions["pressed"]] == "Couple: Sam & Alex, simulated (couple-argument)"
    assert sources[sessions["unpressed"]].startswith("Couple: Partner A & B, ")
    assert sources[sessions["one"]] == "simulated (argument)"

    page = _open(window, sessions["pressed"])
    assert isinstance(page.model, CoupleReplayModel)
    assert page.center.currentWidget() is page.couple
    assert "Couple: Sam & Alex" in page.title.text()
    assert [label.text() for label in page.couple.couple_page.names] == list(NAMES)
    assert page.go_to.isVisibleTo(page) and page.slider.isVisibleTo(page)
    # the live view's own buttons and pacers are not part of a replay
    live_only = page.couple.couple_page
    assert not live_only.end_button.isVisibleTo(page)
    assert not live_only.marker_button.isVisibleTo(page)
    assert all(not lane.pacer.isVisibleTo(page) for lane in page.couple.lanes)


def test_replayed_events_are_the_recorded_ones_and_both_lanes_fill(window, sessions, db) -> None:
    page = _open(window, sessions["pressed"])
    model = page.model
    with Store.open(db, readonly=True) as store:
        recorded = store.person_events(sessions["pressed"])
        recorded_couple = stored_couple_events(store, sessions["pressed"])
        samples = [store.samples(sessions["pressed"], person) for person in (0, 1)]
    replayed = [(cu.person, e) for cu in model.updates for e in cu.update.events]
    assert replayed == recorded  # per person, event for event
    assert model.couple_events() == recorded_couple
    kinds = [e.kind for e in recorded_couple]
    assert kinds == [CoupleEventKind.SHARED_PAUSE_START, CoupleEventKind.SHARED_READY]
    for person in (0, 1):
        assert {e.kind for p, e in recorded if p == person} >= {
            EventKind.FLOODING_START,
            EventKind.READY,
        }

    page.seek(model.info.end_t_s)
    for person, lane in enumerate(model.view.lanes):
        beats = [b.rr_ms for cu in model.updates if cu.person == person for b in cu.update.beats]
        _t_s, rr_ms = lane.rr.view()
        np.testing.assert_array_equal(rr_ms, beats[-len(rr_ms) :])  # their own beats only
        assert len(lane.arousal) > 1000
        sent_rr_ms = [rr for s in samples[person] if isinstance(s, HeartSample) for rr in s.rr_ms]
        assert len(beats) == pytest.approx(len(sent_rr_ms), rel=0.02)
        assert page.couple.lanes[person].readings.hr.value.text() != "–"
    rr_a_ms, rr_b_ms = (lane.rr.view()[1][:50] for lane in model.view.lanes)
    assert not np.allclose(rr_a_ms, rr_b_ms)
    assert [c.title.text() for c in _cards(page)] == ["You have both settled."] * 2


def _state_at(model: CoupleReplayModel, person: int, t_s: float) -> State:
    latest = [cu for cu in model.updates if cu.person == person and cu.t_s <= t_s][-1]
    return shown_state(latest)


def test_scrubbing_shows_each_partners_state_at_that_time(window, sessions) -> None:
    page = _open(window, sessions["pressed"])
    model = page.model
    events = [(cu.person, e) for cu in model.updates for e in cu.update.events]
    ready_s = {p: e.t_s for p, e in events if e.kind == EventKind.READY}
    first, second = sorted((0, 1), key=lambda p: ready_s[p])
    between_s = round((ready_s[first] + ready_s[second]) / 2)
    flooded_s = max(e.t_s for _p, e in events if e.kind == EventKind.FLOODING_START) + 60
    for t_s in (300.0, flooded_s, between_s, 1500.0, model.info.end_t_s - 5, 200.0):
        page.slider.setValue(round(t_s * 10))  # forwards, and back to 3:20 at the end
        assert model.position_s == pytest.approx(t_s, abs=0.05)
        assert page.position.text().startswith(f"{clock_text(model.position_s)} of ")
        for person, lane in enumerate(page.couple.lanes):
            lane_view = model.view.lanes[person]
            assert lane_view.body_state == _state_at(model, person, model.position_s)
            words = lane_view.state_words()  # the chip follows the card (test_couple_story)
            assert lane.readings.state.text() == words[0].upper() + words[1:]
            assert lane_view.t_s <= model.position_s
        if t_s == flooded_s:
            assert [lane.body_state for lane in model.view.lanes] == [State.FLOODED] * 2
            assert all(card.title.text() == "You are both on a break." for card in _cards(page))
            chips = [lane.readings.state.text() for lane in page.couple.lanes]
            assert chips == ["On a break - still stirred up"] * 2
            timers = {card.timer.text() for card in _cards(page)}
            assert len(timers) == 1  # one timer for both
        if t_s == between_s:  # kind words, by name, for the one still settling
            cards = _cards(page)
            assert cards[first].title.text() == "Your body has settled."
            assert f"{NAMES[second]} is still settling" in cards[first].body.text()
            assert cards[second].prompt.kind == PromptKind.SETTLING
    # back to 3:20: the lanes were rebuilt from the start, no break, no flood
    assert all(lane.checkin.break_spans == [] for lane in model.view.lanes)
    assert all(card.prompt.kind != PromptKind.BREAK for card in _cards(page))


def test_event_jumps_land_on_the_event(window, sessions) -> None:
    page = _open(window, sessions["pressed"])
    model = page.model
    for person, name in enumerate(NAMES):
        t_s = _jump(page, f"{name}: Flooding noticed")
        assert model.position_s == t_s
        assert model.view.lanes[person].body_state == State.FLOODED
        t_s = _jump(page, f"{name}: Break started")
        assert model.position_s == t_s
        assert model.view.lanes[person].checkin.break_start_t_s == pytest.approx(t_s)
    pause_s = _jump(page, "Let's pause: ")
    assert model.position_s == pause_s
    cards = _cards(page)
    assert [c.title.text() for c in cards] == ["Let's pause."] * 2  # not yet pressed
    assert all(c.shown_buttons() == [] for c in cards)  # a replay offers nothing to press
    pressed_s = _jump(page, STARTED_TOGETHER)
    assert pressed_s - pause_s == pytest.approx(PRESS_AFTER_S, abs=2.0)
    assert [c.title.text() for c in cards] == ["You are both on a break."] * 2
    left_s = 20 * 60 - (model.view.t_s - pause_s)  # one timer, from the pause, not the press
    assert left_s < 20 * 60 - PRESS_AFTER_S + 2.0
    assert {c.timer.text() for c in cards} == {clock_text(math.ceil(left_s))[3:]}
    marked_s = _jump(page, "You noted: I feel triggered")
    assert marked_s == pytest.approx(MARKED_T_S, abs=2.0)
    assert all(lane.markers == [(marked_s, "I feel triggered")] for lane in model.view.lanes)
    ready_s = _jump(page, "Both of you have settled")
    assert model.position_s == ready_s
    assert [c.title.text() for c in cards] == ["You have both settled."] * 2


@pytest.mark.slow
def test_linkage_is_shown_for_the_whole_session_and_marked_exploratory(
    window, sessions, config, db, qtbot
) -> None:
    from pausepoint.reports.inputs import couple_report_input

    page = _open(window, sessions["pressed"])
    model = page.model
    band = page.couple.linkage
    assert band.isVisibleTo(page)
    with Store.open(db, readonly=True) as store:
        info = store.session(sessions["pressed"])
        cli = couple_report_input(store, info, config).linkage  # as `pausepoint report` has it
    assert model.linkage.windows == cli.windows
    windows = cli.windows
    linked = [w for w in windows if w.linked]
    assert 0 < len(linked) < len(windows)
    head = band.findChild(type(band.summary), "linkageCaption").text()
    assert "Exploratory, not a verdict on your relationship." in head
    assert band.summary.text().startswith(
        f"Your heart rates moved together in {len(linked)} of {len(windows)} windows"
    )
    assert "Exploratory" in band.summary.text() and "says nothing about who is right" in (
        band.summary.text()
    )
    # the windows beyond chance are the ones marked, each coloured by who came first
    x_s, _r = band.plot.linked.getData()
    assert list(x_s) == [(w.start_s + w.end_s) / 2 for w in linked]
    brushes = {b.color().name() for b in band.plot.linked.data["brush"]}
    assert len(brushes) >= 2  # both partners came first somewhere
    # the window at the moment, in words: who led whom
    led = next(w for w in linked if w.lag_s != 0)
    page.seek((led.start_s + led.end_s) / 2)
    first, second = (NAMES[0], NAMES[1]) if led.lag_s > 0 else (NAMES[1], NAMES[0])
    assert f"in step, {first} first, {second} {abs(led.lag_s)} s later" in band.now.text()
    quiet = next(w for w in windows if not w.linked)
    page.seek((quiet.start_s + quiet.end_s) / 2)
    assert "no more in step than chance gives" in band.now.text()
    assert band.plot.cursor.value() == model.position_s
    # a click on the strip goes to that moment
    plot = band.plot
    target_s = 1200.0
    scene_pos = plot.getPlotItem().vb.mapViewToScene(QPointF(target_s, 0.5))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene_pos))
    assert model.position_s == pytest.approx(target_s, abs=10.0)


def test_play_pause_and_speed_move_both_lanes(window, sessions, clock) -> None:
    page = _open(window, sessions["pressed"])
    model = page.model
    start_s = model.position_s
    page.speed.setCurrentIndex(SPEEDS.index(32.0))
    page.play_button.click()
    assert page.play_button.text() == "Pause"
    clock.advance(1.0)
    page.tick()
    assert model.position_s == pytest.approx(start_s + 32.0)
    page.play_button.click()
    clock.advance(5.0)
    page.tick()
    assert model.position_s == pytest.approx(start_s + 32.0)
    assert all(lane.t_s > start_s + 25.0 for lane in model.view.lanes)


def test_a_session_recorded_without_the_dashboard_shows_the_break_taken(
    config, sessions, db
) -> None:
    """`pausepoint record` has no button: the break shows as taken when the pause began."""
    with Store.open(db, readonly=True) as store:
        model = CoupleReplayModel.load(store, sessions["unpressed"], config)
    assert model.pause_actions == []
    assert model.names == ("Partner A", "Partner B")
    pause = next(e for e in model.couple_events() if e.kind == CoupleEventKind.SHARED_PAUSE_START)
    model.seek(pause.t_s)
    assert [model.view.prompt(p).kind for p in (0, 1)] == [PromptKind.BREAK] * 2
    assert model.view.prompt(0).timer_text == "20:00"


def test_export_writes_both_partners_files(config, sessions, db, tmp_path, qloop) -> None:
    from pausepoint.ui.main_window import MainWindow

    out = tmp_path / "talk.csv"
    win = MainWindow(config, db=db, ask_path=lambda *_args: str(out))
    try:
        win.open_replay(sessions["pressed"])
        win.replay_page.export_button.click()
        written = [tmp_path / "talk-A.csv", tmp_path / "talk-B.csv"]
        assert sorted(tmp_path.iterdir()) == written
        with Store.open(db, readonly=True) as store:
            for person, path in enumerate(written):
                rr_ms = [v for s in store.samples(sessions["pressed"], person) for v in s.rr_ms]
                assert read_rr_file(path).rr_ms == pytest.approx(rr_ms, abs=1e-6)
        assert "exported to talk-A.csv and talk-B.csv" in win.replay_page.title.text()
    finally:
        qloop.run_until_complete(win.shutdown())
        win.deleteLater()


@pytest.mark.slow
def test_report_button_makes_the_couple_report(config, sessions, db, tmp_path, qloop) -> None:
    from pausepoint.ui.main_window import MainWindow

    out = tmp_path / "couple.html"
    win = MainWindow(config, db=db, ask_path=lambda *_args: str(out))
    try:
        win.open_replay(sessions["pressed"])
        win.replay_page.report_button.click()
        text = out.read_text(encoding="utf-8")
        assert "Sam" in text and "Alex" in text
        assert "Exploratory, not a verdict on your relationship." in text
        assert "report saved as couple.html" in win.replay_page.title.text()
    finally:
        qloop.run_until_complete(win.shutdown())
        win.deleteLater()


def test_a_one_person_session_still_opens_the_one_person_replay(window, sessions) -> None:
    page = _open(window, sessions["pressed"])
    assert page.couple is not None
    page = _open(window, sessions["one"])
    assert isinstance(page.model, ReplayModel)
    assert page.couple is None
    assert page.center.currentWidget() is page.session_view
    assert not page.go_to.isVisibleTo(page)
    texts = [page.events.item(i).text() for i in range(page.events.count())]
    assert any("Calm level learned" in text for text in texts)
    assert page.title.text().startswith(f"Session {sessions['one']}, ")

"""Couple mode in the real window: `couple-argument`, fed at full speed, two lanes.

Samples go straight into the window's couple session (time is the samples' time); frames are
drawn as the 10 Hz timer would, and what is asserted is what is on screen and what reached
the SQLite store.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from pausepoint.couple.engine import CoupleEventKind, merge
from pausepoint.sessions.records import PAUSE
from pausepoint.sessions.replay import stored_couple_events
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.ui.couple_model import START_BOTH, partner_names
from pausepoint.ui.view_model import Action, PromptKind

FRAME_EVERY_S = 5.0


@pytest.fixture(scope="module")
def couple():
    return simulate_couple("couple-argument", seed=0)


def _card(window, person: int):
    return window.couple_page.lanes[person].checkin


def _shown_buttons(card) -> list[str]:
    return [button.text() for button in card.shown_buttons()]


@pytest.mark.slow
def test_couple_argument_pauses_both_and_is_ready_together(qtbot, window, couple, db) -> None:
    session = window.begin_couple(source="simulated:couple-argument", label="Simulated straps")
    page = window.couple_page
    assert window.pages.currentWidget() is page
    assert [label.text() for label in page.names] == ["Partner A", "Partner B"]
    beats: tuple[list[float], list[float]] = ([], [])
    pause_t_s = clicked_t_s = None
    ready_seen_t_s: list[float | None] = [None, None]
    settling_words: list[str] = []
    both_ready_t_s = None
    next_frame_s = 0.0
    for person, sample in merge(couple.a.samples, couple.b.samples):
        cu = session.feed(person, sample)
        beats[person].extend(b.rr_ms for b in cu.update.beats)
        for event in cu.update.events:
            if event.kind == "ready" and ready_seen_t_s[person] is None:
                ready_seen_t_s[person] = event.t_s
        started = any(e.kind == CoupleEventKind.SHARED_PAUSE_START for e in cu.couple_events)
        if not started and cu.t_s < next_frame_s:
            continue
        next_frame_s = cu.t_s + FRAME_EVERY_S
        window.render_frame()
        titles = [_card(window, p).title.text() for p in (0, 1)]
        if started:
            pause_t_s = cu.t_s
            leader = cu.couple_events[0].detail["by"]
            assert leader == ("A" if couple.truth.leader == 0 else "B")
            for p in (0, 1):  # both lanes, whoever flooded
                card = _card(window, p)
                assert card.title.text() == "Let's pause."
                assert "We need a 20-minute break" in card.say.text()
                assert _shown_buttons(card) == [START_BOTH]
                assert card.property("emphasis") is True
            follower = 1 - "AB".index(leader)
            assert "is flooded" in _card(window, follower).body.text()
            qtbot.mouseClick(_card(window, follower).buttons[Action.START_BREAK], Qt.LeftButton)
            clicked_t_s = window.couple_view.t_s
            for p in (0, 1):
                assert _card(window, p).title.text() == "You are both on a break."
                assert _card(window, p).timer.text() == "20:00"  # one timer, from the pause
            continue
        if "You have both settled." in titles:
            if both_ready_t_s is None:
                both_ready_t_s = cu.t_s
            assert titles == ["You have both settled."] * 2
            assert all(t is not None and t <= cu.t_s for t in ready_seen_t_s)
        elif pause_t_s is not None and both_ready_t_s is None:
            for p in (0, 1):
                if _card(window, p).prompt.kind in (PromptKind.SETTLING, PromptKind.TIME_UP):
                    settling_words.append(_card(window, p).body.text())
            timers = {_card(window, p).timer.text() for p in (0, 1)}
            assert len(timers) == 1, timers  # the break timer is shared
    session.finish()
    window.render_frame(force=True)

    assert pause_t_s is not None and clicked_t_s is not None
    assert both_ready_t_s is not None
    second_ready = max(ready_seen_t_s)
    assert second_ready <= both_ready_t_s < second_ready + FRAME_EVERY_S + 1.0
    # who is still settling was said by name while only one had settled
    assert any("is still settling" in words for words in settling_words)
    # both lanes filled, each with its own partner's beats only
    for p in (0, 1):
        lane = window.couple_view.lanes[p]
        assert len(lane.arousal) > 100
        _t_s, rr_ms = lane.rr.view()
        every = [b.rr_ms for b in session.beats[p]]  # with the beats released at the end
        assert every[: len(beats[p])] == beats[p]
        np.testing.assert_array_equal(rr_ms, every[-len(rr_ms) :])
        assert page.lanes[p].readings.hr.value.text() != "–"
    assert np.mean(beats[0]) != pytest.approx(np.mean(beats[1]), abs=1e-6)
    # linkage at the end: exploratory, beside arousal, never a verdict
    assert page.linkage.isVisibleTo(page)
    assert "Exploratory" in page.linkage.text()
    assert "exploratory" in page.linkage_caption.text()

    session_id = session.recorder.session_id
    store = Store.open(db)
    try:
        pauses = [a for a in store.actions(session_id) if a.kind == PAUSE]
        assert len(pauses) == 1
        assert pauses[0].t_s == pytest.approx(clicked_t_s)
        assert pauses[0].person is None
        kinds = [e.kind for e in stored_couple_events(store, session_id)]
        assert kinds == [CoupleEventKind.SHARED_PAUSE_START, CoupleEventKind.SHARED_READY]
        assert store.session(session_id).persons == 2
    finally:
        store.close()


def test_lanes_are_named_by_profile() -> None:
    assert partner_names(("Sam", None)) == ("Sam", "Partner B")
    assert partner_names() == ("Partner A", "Partner B")

"""The break in the real window: the time chosen beside Start break, the time-up while the
body still settles, "I need more time", the body settling; all of it in the SQLite store and
read back by the replay, `pausepoint show` and the report.

The `argument` story is fed straight into the window's session (frames drawn once a second
of session time, as in test_live); what is asserted is what is on screen and stored.
"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from pausepoint.cli.main import main
from pausepoint.reports.inputs import ReportInput
from pausepoint.reports.numbers import session_summary
from pausepoint.reports.words import summary_sentences
from pausepoint.sessions.replay import replayed_updates
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.view_model import Action, PromptKind
from pausepoint.words import BREAK_WORDS


def _draw(window) -> tuple[PromptKind, str, str, list[str]]:
    window.render_frame()
    card = window.live_page.session_view.checkin
    buttons = [button.text() for button in card.shown_buttons()]
    return card.prompt.kind, card.title.text(), card.timer.text(), buttons


def test_agreed_time_more_time_and_the_record(qtbot, window, config, db, capsys) -> None:
    samples = simulate("argument", seed=0).samples
    session = window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    card = window.live_page.session_view.checkin
    start_s = asked_s = None
    seen: list[PromptKind] = []
    next_frame_s = 0.0
    for sample in samples:
        update = session.feed(sample)
        if update is None or update.t_s < next_frame_s:
            continue
        next_frame_s = update.t_s + 1.0
        kind, title, timer, buttons = _draw(window)
        if not seen or seen[-1] != kind:
            seen.append(kind)
        if kind == PromptKind.FLOODED and start_s is None:
            assert card.back_at.isVisibleTo(card)
            choices = [
                card.back_at.minutes.itemText(i) for i in range(card.back_at.minutes.count())
            ]
            assert choices == [
                "back in 20 minutes",
                "back in 30 minutes",
                "back in 45 minutes",
                "back in 60 minutes",
                "back at a time…",
            ]
            qtbot.mouseClick(card.buttons[Action.START_BREAK], Qt.MouseButton.LeftButton)
            start_s = update.t_s
            kind, title, timer, buttons = _draw(window)
            assert (kind, timer, buttons) == (
                PromptKind.BREAK,
                "20:00",
                ["I need more time (+10 min)"],
            )
            assert card.timer_caption.text().startswith("until ")
            assert all(words in card.tips.text() for words in BREAK_WORDS)
            assert not card.back_at.isVisibleTo(card)
        if kind == PromptKind.SETTLING and asked_s is None:
            # The agreed time came before the body settled: said, and more time offered.
            assert title == "Your time is up; your body is still settling."
            assert "ask for a little more time" in card.body.text()
            qtbot.mouseClick(card.buttons[Action.MORE_TIME], Qt.MouseButton.LeftButton)
            asked_s = update.t_s
            kind, title, timer, _buttons = _draw(window)
            assert (kind, timer) == (PromptKind.BREAK, "10:00")
        if kind == PromptKind.BREAK and asked_s is not None:
            left_s = math.ceil(round(asked_s + 600.0 - update.t_s, 3))  # whole seconds, to the ms
            assert timer == f"{left_s // 60:02d}:{left_s % 60:02d}"
    assert start_s is not None and asked_s is not None
    assert asked_s == pytest.approx(start_s + 1200.0, abs=2.0)  # the next frame
    # The body settled inside the ten more minutes: told so, with the time still agreed.
    assert seen[-4:] == [PromptKind.BREAK, PromptKind.SETTLING, PromptKind.BREAK, PromptKind.READY]
    assert "You agreed to come back at" in card.body.text()
    session.finish()
    sid = session.recorder.session_id
    with Store.open(db, readonly=True) as store:
        (action,) = store.actions(sid)
        (started,) = [e for e in store.events(sid) if e.kind == "break_start"]
        outside = store.events(sid, origin="source")
    assert (action.kind, action.t_s, action.detail) == ("break", start_s, {"agreed_s": 1200.0})
    assert started.detail == {"agreed_s": 1200.0}
    assert [(e.kind, e.detail) for e in outside] == [
        ("break_due", {"agreed_s": 1200.0, "settled": False}),
        (
            "break_extended",
            {"agreed_s": pytest.approx(asked_s + 600.0 - start_s), "asked_s": 600.0},
        ),
    ]
    assert outside[0].t_s == pytest.approx(start_s + 1200.0)

    # The replay tells the break as it was: its words, and the timer where it stood.
    replay = window.open_replay(sid)
    texts = [entry.text for entry in replay.entries()]
    assert "Break started, for 20 minutes. Breathe slowly; don't rehearse the argument." in texts
    assert "Your time is up; your body is still settling." in texts
    assert any(t.startswith("More time asked for: the break is now 3") for t in texts)
    window.replay_page.seek(asked_s + 60.0)
    replay_card = window.replay_page.session_view.checkin
    assert replay_card.prompt.kind == PromptKind.BREAK
    assert replay_card.timer.text() == "09:00"

    # `pausepoint show` and the report say it too.
    assert main(["show", str(sid), "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "Break started, for 20 minutes." in shown
    assert "Your time is up; your body is still settling." in shown
    with Store.open(db, readonly=True) as store:
        updates = list(replayed_updates(store, sid, config))
        data = ReportInput.of_session(store.session(sid), updates, events=outside)
    (brk,) = session_summary(data.updates, data.events)["breaks"]
    assert (brk["agreed_s"], brk["more_time"], brk["time_up"]) == (
        pytest.approx(asked_s + 600.0 - start_s),
        1,
        "settling",
    )
    words = " ".join(summary_sentences(session_summary(updates, outside), config.break_.min_s))
    assert "asking for more time once." in words
    assert "When that time came, your body was still settling." in words

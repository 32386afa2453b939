"""The two-tap questions in the real window, kept in a real SQLite store.

Samples of a simulated conversation go straight into the window's session; the questions
are answered by clicking the real buttons, and what is asserted is what reached the store.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from tests.ui.test_accessibility import missing

from pausepoint.couple.engine import merge
from pausepoint.sessions.check_ins import Answers, PauseHelped, add_tags, answers_of, tags_of
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.check_in_answers_model import ASK_BEFORE_S, CheckInAnswers, Stage

FRAME_EVERY_S = 1.0


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _feed(window, session, samples, until_t_s: float | None = None) -> None:
    """Feed samples (up to ``until_t_s`` of session time), drawing once a second."""
    next_frame_s = 0.0
    for sample in samples:
        if until_t_s is not None and sample.t_s > until_t_s:
            break
        update = session.feed(sample)
        if update is not None and update.t_s >= next_frame_s:
            next_frame_s = update.t_s + FRAME_EVERY_S
            window.render_frame()


def _feed_couple(window, session, couple, until_t_s: float | None = None) -> None:
    next_frame_s = 0.0
    for person, sample in merge(couple.a.samples, couple.b.samples):
        if until_t_s is not None and sample.t_s > until_t_s:
            break
        cu = session.feed(person, sample)
        if cu is not None and cu.update.t_s >= next_frame_s:
            next_frame_s = cu.update.t_s + FRAME_EVERY_S
            window.render_frame()


@pytest.fixture(scope="module")
def argument():
    return simulate("argument", seed=0)


@pytest.fixture(scope="module")
def calm():
    return simulate("calm", seed=0, minutes=3)


def test_answers_before_and_after_are_kept_with_the_session(qtbot, window, argument, db) -> None:
    session = window.begin_live(source="simulated:argument", label="Simulated strap")
    session_id = session.recorder.session_id
    card = window.live_page.answers
    assert card.isVisibleTo(window.live_page)
    assert card.question.text().startswith("How are you right now?")
    assert list(card.tags)[:6] == ["money", "chores", "family", "intimacy", "work", "plans"]
    assert not card.share.isVisibleTo(card)  # one person: nobody to share with
    assert missing(card, "questions before") == []
    card.moods[1].setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(card.moods[1], Qt.Key.Key_Tab)
    assert card.moods[2].hasFocus()
    QTest.keyClick(card.moods[2], Qt.Key.Key_Space)  # the keyboard taps too
    assert card.moods[2].isChecked()
    _feed(window, session, argument.samples, until_t_s=20.0)
    _click(qtbot, card.moods[4])
    _click(qtbot, card.tags["money"])
    card.own_tag.setText("  The Holidays ")
    QTest.keyClick(card.own_tag, Qt.Key.Key_Return)
    _click(qtbot, card.done_button)
    assert not card.isVisibleTo(window.live_page)
    store = Store.open(db)
    assert answers_of(store, session_id) == {0: Answers(mood_before=4)}
    assert tags_of(store, session_id) == ["money", "the holidays"]

    _feed(window, session, argument.samples)
    window.end_session()
    window.render_frame(force=True)
    assert card.isVisibleTo(window.live_page)
    assert card.question.text().startswith("How did it go?")
    assert card.helped_box.isVisibleTo(card)  # `argument` floods: the pause was prompted
    assert not card.tags_box.isVisibleTo(card)
    assert missing(card, "questions after") == []
    _click(qtbot, card.moods[2])
    _click(qtbot, card.helped[PauseHelped.YES])
    _click(qtbot, card.done_button)
    assert not card.isVisibleTo(window.live_page)
    assert answers_of(store, session_id) == {
        0: Answers(mood_before=4, mood_after=2, pause_helped=PauseHelped.YES)
    }
    store.close()


def test_skipped_and_unanswered_keep_nothing_and_go_away(qtbot, window, calm, db) -> None:
    session = window.begin_live(source="simulated:calm", label="Simulated strap")
    session_id = session.recorder.session_id
    card = window.live_page.answers
    _click(qtbot, card.moods[3])
    QTest.keyClick(card, Qt.Key.Key_Escape)  # Esc skips, as the Skip button does
    assert not card.isVisibleTo(window.live_page)
    _feed(window, session, calm.samples)
    window.end_session()
    window.render_frame(force=True)
    assert card.isVisibleTo(window.live_page)
    assert not card.helped_box.isVisibleTo(card)  # no pause was prompted
    _click(qtbot, card.skip_button)
    assert not card.isVisibleTo(window.live_page)
    store = Store.open(db)
    assert answers_of(store, session_id) == {}
    assert tags_of(store, session_id) == []
    store.close()


def test_questions_before_leave_after_the_first_minute_keeping_what_was_tapped(
    qtbot, window, calm, db
) -> None:
    session = window.begin_live(source="simulated:calm", label="Simulated strap")
    card = window.live_page.answers
    _click(qtbot, card.tags["work"])
    _feed(window, session, calm.samples, until_t_s=ASK_BEFORE_S - 5)
    assert card.isVisibleTo(window.live_page)
    _feed(window, session, calm.samples, until_t_s=ASK_BEFORE_S + 5)
    assert not card.isVisibleTo(window.live_page)
    store = Store.open(db)
    assert tags_of(store, session.recorder.session_id) == ["work"]
    assert answers_of(store, session.recorder.session_id) == {}
    store.close()


def test_tags_used_before_are_offered_after_the_suggested_ones(qtbot, window, calm, db) -> None:
    first = window.begin_live(source="simulated:calm", label="Simulated strap")
    _feed(window, first, calm.samples, until_t_s=10.0)  # a session with no beats is not kept
    card = window.live_page.answers
    card.own_tag.setText("The holidays")
    QTest.keyClick(card.own_tag, Qt.Key.Key_Return)
    _click(qtbot, card.done_button)
    with Store.open(db) as store:
        add_tags(store, first.recorder.session_id, ["money"])
    window.end_session()
    window.begin_live(source="simulated:calm", label="Simulated strap")
    shown = [tag for tag, button in card.tags.items() if button.isVisibleTo(card)]
    assert shown == ["money", "chores", "family", "intimacy", "work", "plans", "the holidays"]


def test_each_partner_answers_for_themself_privately_unless_shared(qtbot, window, db) -> None:
    couple = simulate_couple("couple-argument", seed=0)
    session = window.begin_couple(source="simulated:couple-argument", label="Simulated straps")
    session_id = session.recorder.session_id
    a, b = window.couple_page.answers
    assert a.isVisibleTo(window.couple_page) and b.isVisibleTo(window.couple_page)
    assert a.question.text().startswith("Partner A: How are you right now?")
    assert a.share.isVisibleTo(a) and not a.share.isChecked()
    _click(qtbot, a.moods[5])
    _click(qtbot, a.done_button)
    _click(qtbot, b.moods[2])
    b.share.setChecked(True)
    _click(qtbot, b.done_button)
    _feed_couple(window, session, couple)
    window.end_session()
    window.render_frame(force=True)
    assert a.helped_box.isVisibleTo(a)
    _click(qtbot, a.helped[PauseHelped.NOT_TAKEN])
    _click(qtbot, a.done_button)
    _click(qtbot, b.skip_button)
    store = Store.open(db)
    assert answers_of(store, session_id) == {
        0: Answers(mood_before=5, pause_helped=PauseHelped.NOT_TAKEN, shared=False),
        1: Answers(mood_before=2, shared=True),
    }
    store.close()


def test_a_session_not_recorded_still_asks_and_keeps_nothing() -> None:
    answers = CheckInAnswers.for_session(1, None, None)
    answers.choose_mood(0, 3)
    answers.done(0)
    assert answers.stage(0) == Stage.CLOSED
    assert answers.people[0].kept is None


def test_a_session_that_heard_no_heartbeat_asks_nothing_after(qtbot, window) -> None:
    window.begin_live(source="simulated:calm", label="Simulated strap")
    card = window.live_page.answers
    _click(qtbot, card.moods[2])
    window.end_session()
    window.render_frame(force=True)
    assert not card.isVisibleTo(window.live_page)


def test_answers_that_cannot_be_kept_are_said_once_and_the_session_goes_on(db) -> None:
    with Store.open(db) as store:
        answers = CheckInAnswers.for_session(1, store, session_id=404)
        answers.choose_mood(0, 2)
        answers.done(0)
    assert answers.stage(0) == Stage.CLOSED
    assert answers.problem is not None and answers.problem.startswith(
        "Your answers could not be kept:"
    )

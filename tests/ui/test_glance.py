"""The glance view in the real window: G (or its button) turns the live page into one large
word per person, full screen; Space starts the break only while the pause prompt is up; Esc
comes back. Sessions are fed at full speed; time is the samples' time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pausepoint.couple.engine import merge
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.view_model import PromptKind
from pausepoint.ui.widgets.glance import KEYS_PAUSE
from pausepoint.words import GLANCE_SETTLED, GLANCE_WORDS


@pytest.fixture(scope="module")
def argument():
    return simulate("argument", seed=0)


@pytest.fixture(scope="module")
def couple():
    return simulate_couple("couple-argument", seed=0)


def _shown(window) -> list[tuple[str, str, str]]:
    """(name, word, timer) of each column on screen."""
    return [
        (c.name.text(), c.word.text(), c.timer.text() if c.timer.isVisibleTo(c) else "")
        for c in window.glance_page.columns
        if c.isVisibleTo(window.glance_page)
    ]


def _feed_until(window, samples, kind: PromptKind, after_s: float = 0.0) -> None:
    session = window.session
    for sample in samples:
        if sample.t_s <= window.live_view.t_s:
            continue
        session.feed(sample)
        if sample.t_s >= after_s and window.live_view.prompt().kind == kind:
            window.render_frame()
            return
    raise AssertionError(f"no {kind} prompt in the session")


def _key(qtbot, window, key: Qt.Key) -> None:
    window.activateWindow()
    qtbot.keyClick(window, key)


def test_one_person_calm_pause_break_and_ready(qtbot, window, argument) -> None:
    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    samples = argument.samples
    _feed_until(window, samples, PromptKind.CALM)
    _key(qtbot, window, Qt.Key.Key_G)
    assert window.pages.currentWidget() is window.glance_page
    assert window.isFullScreen()
    assert not window.statusBar().isVisible()
    assert _shown(window) == [("", "Calm", "")]
    _key(qtbot, window, Qt.Key.Key_Space)  # no pause prompt: Space does nothing
    assert window.live_view.checkin.break_start_t_s is None

    _feed_until(window, samples, PromptKind.FLOODED)
    assert _shown(window) == [("", "Time to pause", "")]
    assert window.glance_page.keys.text() == KEYS_PAUSE
    _key(qtbot, window, Qt.Key.Key_Space)
    assert window.live_view.checkin.break_start_t_s is not None
    assert _shown(window) == [("", "On a break", "20:00")]  # at once
    _key(qtbot, window, Qt.Key.Key_Space)  # once on a break, Space starts nothing more
    assert len(window.live_view.checkin.break_spans) == 1

    start_s = window.live_view.checkin.break_start_t_s
    _feed_until(window, samples, PromptKind.BREAK, after_s=start_s + 340.0)
    assert _shown(window) == [("", "On a break", window.live_view.prompt().timer_text)]
    assert _shown(window)[0][2] in ("14:20", "14:19")

    _feed_until(window, samples, PromptKind.READY)
    assert _shown(window) == [("", "Ready", "")]
    _key(qtbot, window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.live_page
    assert not window.isFullScreen()
    assert window.statusBar().isVisible()


def test_the_button_opens_it_and_it_needs_a_session(qtbot, window, argument) -> None:
    _key(qtbot, window, Qt.Key.Key_G)  # the start page: nothing to glance at
    assert window.pages.currentWidget() is window.start_page
    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    _feed_until(window, argument.samples, PromptKind.CALIBRATING)
    qtbot.mouseClick(window.live_page.glance_button, Qt.MouseButton.LeftButton)
    assert _shown(window) == [("", GLANCE_WORDS["calibrating"], "")]
    window.show_start()  # a page change leaves full screen too
    assert not window.isFullScreen()


def test_a_couple_pauses_and_breaks_together(qtbot, window, couple) -> None:
    session = window.begin_couple(source="simulated:couple-argument", label="Simulated straps")
    view = window.couple_view
    stream = iter(merge(couple.a.samples, couple.b.samples))
    for person, sample in stream:
        session.feed(person, sample)
        if view.prompt(0).kind == PromptKind.CALM and view.prompt(1).kind == PromptKind.CALM:
            break
    window.render_frame()
    qtbot.mouseClick(window.couple_page.glance_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.glance_page
    assert _shown(window) == [("Partner A", "Calm", ""), ("Partner B", "Calm", "")]
    for person, sample in stream:
        session.feed(person, sample)
        if view.prompt(0).kind == PromptKind.FLOODED:
            break
    window.render_frame()
    assert [word for _, word, _ in _shown(window)] == ["Time to pause", "Time to pause"]
    _key(qtbot, window, Qt.Key.Key_Space)
    assert _shown(window) == [
        ("Partner A", "On a break", "20:00"),
        ("Partner B", "On a break", "20:00"),
    ]
    start_s = view.pause_start_s
    for person, sample in stream:
        session.feed(person, sample)
        if sample.t_s >= start_s + 340.0:
            break
    window.render_frame()
    timers = {timer for _, _, timer in _shown(window)}
    assert timers == {view.prompt(0).timer_text} and timers <= {"14:20", "14:19"}
    _key(qtbot, window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.couple_page
    assert not window.isFullScreen()


@pytest.mark.parametrize("names", [("",), ("Partner A", "Partner B")])
def test_every_word_fits_its_column(qtbot, window, names) -> None:
    from pausepoint.ui.glance_model import Glance, Tone

    window._frame_timer.stop()  # the columns shown are the test's, not the session's
    window.showNormal()
    window.resize(1280, 820)
    page = window.glance_page
    window.pages.setCurrentWidget(page)
    for word in [*GLANCE_WORDS.values(), GLANCE_SETTLED]:
        page.show_model([Glance(name, word, Tone.BREAK, "01:05:00") for name in names])
        qtbot.wait(1)
        for column in page.columns[: len(names)]:
            for label in (column.word, column.timer):
                needed_px = label.fontMetrics().horizontalAdvance(label.text())
                assert 0 < needed_px <= label.contentsRect().width(), (word, label.text())
            assert column.word.font().pixelSize() >= 40 * 2 // len(names)  # across a table


def test_screenshot_of_the_glance_at_the_flooded_moment(qapp, tmp_path, capsys) -> None:
    from PySide6.QtGui import QColor, QImage
    from tests.ui.test_app import parse

    from pausepoint.ui import theme

    out = tmp_path / "glance.png"
    args = parse(["--db", str(tmp_path / "x.db"), "dashboard", "--simulate", "argument",
                  "--screenshot", str(out), "--at", "550", "--glance"])  # fmt: skip
    assert args.func(args) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 820)
    assert image.pixelColor(640, 120) == QColor(theme.LIGHT.deep)  # the pause's ground, not red


@pytest.mark.parametrize("argv", [["--replay", "1"], ["--calibrate", "baseline"]])
def test_glance_is_for_a_session_as_it_happens(argv, qapp) -> None:
    from tests.ui.test_app import parse

    from pausepoint.errors import UserError

    args = parse(["dashboard", *argv, "--glance"])
    with pytest.raises(UserError, match="--glance shows a session as it happens"):
        args.func(args)

"""Dark rooms and quiet motion, over the real window offscreen: the theme chosen in the settings
(or following the computer, or given by --theme) colours the window, its dialogs and its
graphs at once; reduced motion shows the pacer as a steady bar and a count; the window's size
and the pacer's and graphs' defaults come back in a new window."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import fields, replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication

from pausepoint.ui import theme
from pausepoint.ui.settings_model import Settings, load_settings, save_settings
from pausepoint.ui.theme import DARK, LIGHT, Palette
from pausepoint.ui.widgets.pacer import STEADY_TITLE, TITLE, PacerWidget

pytestmark = pytest.mark.usefixtures("light_again")


@pytest.fixture
def own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings file for this test alone (silent, as the session's)."""
    path = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("PAUSEPOINT_SETTINGS", str(path))
    save_settings(path, Settings(pause_sound=False, ready_sound=False, notifications=False))
    return path


def new_window(qloop, config, db: Path, clock, **options: object):
    from pausepoint.ui.main_window import MainWindow

    window = MainWindow(config, db=db, clock=clock, **options)  # type: ignore[arg-type]
    window.show()
    return window


def close(qloop, window) -> None:
    qloop.run_until_complete(window.shutdown())
    window.close()
    window.deleteLater()


def choose(window, **changes: object) -> None:
    """Settings…, change these, OK."""
    dialog = window.open_settings()
    for name, value in changes.items():
        control = getattr(dialog, name)
        if isinstance(value, bool):
            control.setChecked(value)
        else:
            control.setCurrentIndex(control.findData(value))
    dialog.accept()


def shows(window, palette: Palette) -> bool:
    """The window, its graphs and Qt's own palette are all in ``palette``."""
    plot = window.live_page.session_view.arousal_plot
    app_window = QApplication.instance().palette().color(QPalette.ColorRole.Window)
    return (
        window.colours is palette
        and palette.paper in window.styleSheet()
        and plot.backgroundBrush().color() == QColor(palette.card)
        and app_window == QColor(palette.paper)
    )


def pixel(window, widget, x: int = 4, y: int = 4) -> QColor:
    """The colour drawn at (x, y) of ``widget`` in a grab of the whole window."""
    image: QImage = window.grab().toImage()
    at = widget.mapTo(window, widget.rect().topLeft())
    return image.pixelColor(at.x() + x, at.y() + y)


def test_dark_colours_the_window_and_its_graphs_at_once(window, settings_file) -> None:
    assert shows(window, LIGHT)  # the test settings choose nothing: offscreen is not dark
    choose(window, theme="dark")
    assert shows(window, DARK)
    view = window.live_page.session_view
    for plot in (view.arousal_plot, view.hr_plot, view.rr_plot):
        assert plot.backgroundBrush().color() == QColor(DARK.card)
    assert view.arousal_plot.curve.opts["pen"].color() == QColor(DARK.arousal_curve)
    assert pixel(window, window.start_page) == QColor(DARK.paper)
    assert pixel(window, window.top_bar) == QColor(DARK.card)
    assert json.loads(settings_file.read_text())["theme"] == "dark"

    choose(window, theme="light")
    assert shows(window, LIGHT)
    assert pixel(window, window.start_page) == QColor(LIGHT.paper)


def test_the_settings_dialog_and_the_glance_take_the_palette(window, settings_file) -> None:
    choose(window, theme="dark")
    dialog = window.open_settings()
    assert dialog.grab().toImage().pixelColor(2, 2) == QColor(DARK.paper)
    assert dialog.theme.currentData() == "dark"
    dialog.reject()
    from pausepoint.ui.glance_model import Glance, Tone

    window.pages.setCurrentWidget(window.glance_page)
    window.glance_page.show_model([Glance("", "Time to pause", Tone.PAUSE)])
    column = window.glance_page.columns[0]
    assert pixel(window, column, column.width() // 2, 40) == QColor(DARK.glance_tones["pause"][0])
    window.glance_page.show_model([Glance("", "Calm", Tone.CALM)])
    assert pixel(window, column, column.width() // 2, 40) == QColor(DARK.glance_tones["calm"][0])
    choose(window, theme="light")  # a glance on show is drawn again in the new colours
    assert pixel(window, column, column.width() // 2, 40) == QColor(theme.BLUE)


def test_following_the_computer(window, settings_file) -> None:
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert shows(window, DARK)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert shows(window, LIGHT)
    choose(window, theme="light")  # chosen: the computer's setting no longer matters
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert shows(window, LIGHT)


def test_theme_for_one_run_holds_until_the_person_chooses(
    qloop, config, db, clock, own_settings
) -> None:
    window = new_window(qloop, config, db, clock, theme_choice="dark")
    try:
        assert shows(window, DARK)
        choose(window, notifications=True)  # another setting: --theme still holds
        assert shows(window, DARK)
        choose(window, theme="light")
        assert shows(window, LIGHT)
    finally:
        close(qloop, window)


def test_a_window_built_dark_is_dark_everywhere(qloop, config, db, clock, own_settings) -> None:
    save_settings(own_settings, replace(load_settings(own_settings).settings, theme="dark"))
    window = new_window(qloop, config, db, clock)
    try:
        assert shows(window, DARK)
        view = window.couple_page.lanes[0]
        assert view.arousal_plot.backgroundBrush().color() == QColor(DARK.card)
        pacer = window.live_page.session_view.pacer
        assert pacer.breath.colours is DARK and DARK.deep_words in pacer.phase.styleSheet()
        assert window.calibration_page.pacer.breath.colours is DARK
    finally:
        close(qloop, window)


def test_reduced_motion_shows_a_steady_bar_and_a_count(window, clock, settings_file) -> None:
    window.pages.setCurrentWidget(window.live_page)
    pacer = window.live_page.session_view.pacer
    pacer.setVisible(True)
    assert pacer.breath.isVisible() and not pacer.steady.isVisible()
    choose(window, reduced_motion=True)
    assert json.loads(settings_file.read_text())["reduced_motion"] is True
    for each in window.findChildren(PacerWidget):  # the calibration's and a couple's too
        assert each.reduced_motion and each.title.text() == STEADY_TITLE
    assert pacer.steady.isVisible() and not pacer.breath.isVisible()
    fill = pacer.breath.fill
    pacer.hold(1.0)  # 6 a minute, in 4 : out 6: 3 s of the breath in left
    assert (pacer.steady.inhaling, pacer.steady.left_s) == (True, 3)
    assert pacer.phase.text() == "Breathe in…  3"
    pacer.hold(5.5)
    assert (pacer.steady.inhaling, pacer.steady.left_s) == (False, 5)
    assert pacer.breath.fill == fill  # the circle does not move behind the bar
    choose(window, reduced_motion=False)
    assert pacer.breath.isVisible() and not pacer.steady.isVisible()
    assert pacer.title.text() == TITLE


def test_size_and_defaults_come_back_in_a_new_window(
    qloop, config, db, clock, own_settings
) -> None:
    first = new_window(qloop, config, db, clock, remember_size=True)
    try:
        first.resize(1100, 760)
        choose(first, pacer_rate=5.0, pacer_ratio=0.3, view_window=300.0)
    finally:
        close(qloop, first)
    kept = load_settings(own_settings).settings
    assert kept.window_size == (1100, 760)
    assert (kept.pacer_rate_bpm, kept.pacer_inhale_fraction, kept.view_window_s) == (
        5.0,
        0.3,
        300.0,
    )

    again = new_window(qloop, config, db, clock)
    try:
        assert (again.width(), again.height()) == (1100, 760)
        lanes = [again.live_page.session_view, again.replay_page.session_view]
        for view in [*lanes, *again.couple_page.lanes]:
            assert (view.pacer.rate_bpm, view.pacer.inhale_fraction) == (5.0, 0.3)
            assert view.pacer.rate.currentData() == 5.0
            assert view.window_s == 300.0 and view.window_choice.currentData() == 300.0
        again.start_simulation("calm", speed=1.0)
        assert again.live_page.session_view.pacer.rate_bpm == 5.0  # no profile: the default
    finally:
        close(qloop, again)


def test_the_command_line_window_opens_at_the_remembered_size(
    qloop, tmp_path, own_settings
) -> None:
    from pausepoint.ui.app import DashboardOptions, _window

    quiet = Settings(pause_sound=False, ready_sound=False, notifications=False)
    save_settings(own_settings, replace(quiet, window_size=(1100, 700)))
    options = DashboardOptions(db=tmp_path / "sessions.db")
    live = _window(options, live=True)
    still = _window(options)  # a screenshot's: the size asked for, whatever was remembered
    try:
        assert (live.width(), live.height()) == (1100, 700)
        assert (still.width(), still.height()) == options.size
    finally:
        for window in (live, still):
            close(qloop, window)
    assert load_settings(own_settings).settings.window_size == (1100, 700)


def test_new_defaults_reach_what_still_shows_the_old_ones(window, settings_file) -> None:
    live, replay = window.live_page.session_view, window.replay_page.session_view
    replay.set_window(1200.0)  # chosen by hand: kept
    replay.pacer.set_rate(4.5, 0.5)
    choose(window, view_window=300.0, pacer_rate=5.5)
    assert (live.window_s, replay.window_s) == (300.0, 1200.0)
    assert (live.pacer.rate_bpm, live.pacer.inhale_fraction) == (5.5, 0.4)
    assert (replay.pacer.rate_bpm, replay.pacer.inhale_fraction) == (4.5, 0.5)


def test_a_dark_screenshot(qapp, tmp_path: Path) -> None:
    from pausepoint.ui.app import DashboardOptions, screenshot

    options = DashboardOptions(simulate="argument", at_s=550.0, theme="dark")
    out = screenshot(replace(options, screenshot=tmp_path / "dark.png"))
    image = QImage(str(out))
    assert image.pixelColor(4, 70) == QColor(DARK.paper)
    assert image.pixelColor(640, 150) == QColor(DARK.deep)  # the flooded prompt, not red


WORDS_COLOUR = re.compile(r"(?<![\w-])color:\s*(#[0-9A-Fa-f]{6})")


def _own_colours(palette: Palette, other: Palette) -> set[str]:
    """The colours only ``palette`` has: what a widget left in it would show. Those both
    palettes use (the states' colours, words on orange or on the deep prompt) are not its."""
    shared = {*theme.STATE_COLOURS.values(), theme.INK, theme.WHITE, theme.SKY_BLUE}

    def colours(p: Palette) -> set[str]:
        values = [getattr(p, f.name) for f in fields(p)]
        values += [colour for tone in p.glance_tones.values() for colour in tone]
        return {v.upper() for v in values if isinstance(v, str) and v.startswith("#")}

    return colours(palette) - colours(other) - {c.upper() for c in shared}


def _left_in(window, palette: Palette) -> list[str]:
    """Every widget of the window (its dialogs too) whose style sheet or rich text still holds
    a colour only ``palette`` has, or words in its muted or deep colour, and every painted
    widget and graph still in it."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QLabel, QWidget

    other = DARK if palette is LIGHT else LIGHT
    own = _own_colours(palette, other)
    words = {palette.muted.upper(), palette.deep_words.upper()}  # as words, never the other's
    left = []
    for widget in [window, *window.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        texts = [widget.styleSheet()] if widget is not window else []
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if any(colour in text.upper() for text in texts for colour in own):
            left.append(name)
        if any(c.upper() in words for text in texts for c in WORDS_COLOUR.findall(text)):
            left.append(f"{name}'s words")
        if getattr(widget, "colours", other) is palette:
            left.append(f"{name} paints in it")
        if isinstance(widget, pg.PlotWidget) and widget.backgroundBrush().color() == QColor(
            palette.card
        ):
            left.append(f"{name}: its graph")
    return left


def _ground(window) -> tuple[str, float]:
    """The colour most of a grab of the window is (its ground), and the share of it that is
    dark; a sample every 8 px."""
    image: QImage = window.grab().toImage()
    seen = Counter(
        image.pixelColor(x, y).name().upper()
        for y in range(0, image.height(), 8)
        for x in range(0, image.width(), 8)
    )
    dark = sum(n for name, n in seen.items() if QColor(name).lightnessF() < 0.3)
    return seen.most_common(1)[0][0], dark / seen.total()


def _grounds(palette: Palette) -> set[str]:
    """What a page's ground may be: the paper, the cards on it, or the glance's pause."""
    return {palette.paper, palette.card, palette.glance_tones["pause"][0]}


def _every_state_in_light(window, qloop) -> list:
    """The window as a person leaves it after a while in light: every page visited, a
    calibration's result, a couple's session replayed, the glance and a session flooded, the
    scan's advice shown. Returns the pages to look at."""
    from pausepoint.ui.app import simulate_couple_into, simulate_into
    from pausepoint.ui.calibration_session_model import CalibrationSource
    from pausepoint.ui.widgets.calibration_page import calibrate_into

    window.start_page.set_advice("Put the strap on with its electrodes moistened.")
    window.pages.setCurrentWidget(window.help_page)
    page = window.show_calibration("baseline", CalibrationSource(simulate="calm"))
    page.choose(page.chosen_name() or page.flow.name, "baseline")
    calibrate_into(page)
    couple = simulate_couple_into(window, "couple-argument", until_t_s=900.0)
    window.render_frame(force=True)
    window.end_session()
    qloop.run_until_complete(window.run.stop())
    assert window.open_replay(couple.recorder.session_id) is not None
    window.replay_page.seek(600.0)
    simulate_into(window, "argument", until_t_s=550.0)
    window.show_now()
    window.show_glance(full_screen=False)
    window.leave_glance()
    return [
        window.start_page,
        window.help_page,
        window.calibration_page,
        window.replay_page,
        window.live_page,
        window.glance_page,
        window.sessions_page,
        window.couple_page,
        window.couple_start,
    ]


def test_a_switch_at_runtime_leaves_no_colour_of_the_old_palette(
    window, qloop, settings_file
) -> None:
    pages = _every_state_in_light(window, qloop)
    assert _left_in(window, DARK) == []
    assert _own_colours(LIGHT, DARK) and _left_in(window, LIGHT)  # the check can fail
    kept_open = window.open_settings()
    choose(window, theme="dark")
    assert _left_in(window, LIGHT) == []
    assert kept_open.grab().toImage().pixelColor(2, 2) == QColor(DARK.paper)
    for page in pages:
        window.pages.setCurrentWidget(page)
        window.render_frame(force=True)
        ground, dark = _ground(window)
        assert ground in _grounds(DARK) and dark > 0.8, (type(page).__name__, ground, dark)
    choose(window, theme="light")
    assert _left_in(window, DARK) == []
    for page in pages:
        window.pages.setCurrentWidget(page)
        window.render_frame(force=True)
        ground, _dark = _ground(window)
        assert ground in _grounds(LIGHT), (type(page).__name__, ground)
    kept_open.reject()

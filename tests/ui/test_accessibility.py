"""Other hands: every page works from the keyboard and reads to a screen reader.

The real window, offscreen, is taken through its pages and a simulated session's moments
(calm, flooded with the pause prompt up, on a break; a couple; replays; calibration; the
settings; Getting connected; the glance). On each, the widget tree is walked and every
visible control must have a name and a description. A button's own words count as its name
(a screen reader reads them), unless they trail off in "…" or are empty.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QSlider,
    QWidget,
)

from pausepoint.config import Config
from pausepoint.couple.engine import merge
from pausepoint.sessions.recorder import CoupleRecorder, Recorder
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui import theme
from pausepoint.ui.calibration_model import Kind
from pausepoint.ui.calibration_session_model import CalibrationSource
from pausepoint.ui.view_model import Action, PromptKind

CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QSlider, QAbstractItemView)
SEED = 6


def _is_control(widget: QWidget) -> bool:
    return isinstance(widget, CONTROLS)


def _inside_a_control(widget: QWidget, top: QWidget) -> bool:
    """A part of a control (a spin box's line edit, a table's header): the control speaks."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if _is_control(parent):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    name = widget.accessibleName().strip()
    if name or not isinstance(widget, QAbstractButton):
        return name
    text = widget.text().strip()
    return "" if text.endswith("…") else text


def _what(widget: QWidget) -> str:
    words = widget.text() if isinstance(widget, QAbstractButton) else ""
    return f"{type(widget).__name__} {widget.objectName()!r} {words!r}".strip()


def missing(top: QWidget, where: str) -> list[str]:
    """Every visible control under ``top`` without a name or a description, said once."""
    found = []
    for widget in top.findChildren(QWidget):
        if not _is_control(widget) or not widget.isVisible() or _inside_a_control(widget, top):
            continue
        lacks = [
            part
            for part, text in (
                ("name", _name(widget)),
                ("description", widget.accessibleDescription()),
            )
            if not text.strip()
        ]
        if lacks:
            found.append(f"{where}: {_what(widget)} has no {' or '.join(lacks)}")
    return found


def controls(top: QWidget) -> list[QWidget]:
    return [
        w
        for w in top.findChildren(QWidget)
        if _is_control(w) and w.isVisible() and not _inside_a_control(w, top)
    ]


def _feed_until(window, samples, kind: PromptKind) -> None:
    session = window.session
    for sample in samples:
        if sample.t_s <= window.live_view.t_s:
            continue
        session.feed(sample)
        if window.live_view.prompt().kind == kind:
            window.render_frame()
            return
    raise AssertionError(f"no {kind} prompt in the session")


@pytest.fixture(scope="module")
def argument():
    return simulate("argument", seed=0)


@pytest.fixture
def recorded(config: Config, db: Path) -> dict[str, int]:
    """One person's session and a couple's, in the window's database."""
    with Store.open(db) as store:
        one = Recorder(store, config, source="simulated:argument")
        for sample in simulate("argument", seed=0, minutes=6).samples:
            one.feed(sample)
        one.finish()
        couple = simulate_couple("couple-argument", seed=0)
        two = CoupleRecorder(store, config, source="simulated:couple-argument")
        for person, sample in merge(couple.a.samples, couple.b.samples):
            if sample.t_s > 360.0:
                break
            two.feed(person, sample)
        two.finish()
        assert one.session_id is not None and two.session_id is not None
        return {"one": one.session_id, "couple": two.session_id}


def test_every_control_on_every_page_has_a_name_and_a_description(
    qtbot, qloop, window, argument, recorded
) -> None:
    lacking: list[str] = []
    counted: dict[str, int] = {}

    def walk(where: str, top: QWidget | None = None) -> None:
        top = top or window
        QApplication.processEvents()
        lacking.extend(missing(top, where))
        counted[where] = len(controls(top))

    walk("start page")
    window.pages.setCurrentWidget(window.help_page)
    walk("Getting connected")
    window.show_sessions()
    walk("sessions page")
    window.open_replay(recorded["one"])
    walk("replay")
    window.open_replay(recorded["couple"])
    walk("couple replay")
    window.show_couple_start()
    walk("couple start form")

    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    _feed_until(window, argument.samples, PromptKind.CALM)
    walk("live, calm")
    _feed_until(window, argument.samples, PromptKind.FLOODED)
    walk("live, pause prompt")
    window.show_glance(full_screen=False)
    walk("glance")
    window.leave_glance()
    window.start_break()
    window.render_frame(force=True)
    walk("live, on a break")
    window.end_session()
    walk("live, ended")

    couple = simulate_couple("couple-argument", seed=0)
    session = window.begin_couple(source="simulated:couple-argument", label="Simulated straps")
    for person, sample in merge(couple.a.samples, couple.b.samples):
        session.feed(person, sample)
        if window.couple_view.prompt(0).kind == PromptKind.FLOODED:
            break
    window.render_frame(force=True)
    walk("couple session, pause prompt")
    window.end_session()

    page = window.show_calibration()
    walk("calibration, who")
    page.open(Kind.BASELINE, CalibrationSource(simulate="calm", seed=SEED, speed=math.inf))
    page.choose("Sam", Kind.BASELINE)
    walk("calibration, instructions")
    page.start_button.click()
    walk("calibration, measuring")
    qloop.run_until_complete(page.task)
    walk("calibration, result")

    dialog = window.open_settings()
    walk("settings", dialog)
    dialog.reject()

    assert not lacking, "\n" + "\n".join(lacking)
    # the walk saw the controls (a page that failed to show would pass with none)
    assert counted["glance"] == 0
    assert all(n > 0 for where, n in counted.items() if where != "glance"), counted


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return], ids=["space", "enter"])
def test_tab_reaches_start_break_first_and_its_key_starts_it(
    qtbot, window, argument, key: Qt.Key
) -> None:
    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    _feed_until(window, argument.samples, PromptKind.FLOODED)
    window.activateWindow()
    card = window.live_page.session_view.checkin
    start = card.buttons[Action.START_BREAK]
    window.history_button.setFocus(Qt.FocusReason.TabFocusReason)  # the top bar's last
    qtbot.keyClick(window.history_button, Qt.Key.Key_Tab)
    assert start.hasFocus(), _what(QApplication.focusWidget())
    assert window.live_view.checkin.break_start_t_s is None
    qtbot.keyClick(start, key)
    assert window.live_view.checkin.break_start_t_s is not None


def test_the_live_page_tab_order_is_card_pacer_note_then_the_buttons(window, argument) -> None:
    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    _feed_until(window, argument.samples, PromptKind.FLOODED)
    live = window.live_page
    card = live.session_view.checkin
    order: list[QWidget] = []
    widget = card.shown_buttons()[0]
    for _ in range(60):
        if widget in order:
            break
        order.append(widget)
        widget = widget.nextInFocusChain()
    wanted = [
        card.shown_buttons()[0],
        card.buttons[Action.START_BREAK],
        live.note,
        live.save_note,
        live.marker_button,
        live.end_button,
        live.session_view.window_choice,
        live.events,
    ]
    positions = [order.index(w) for w in wanted]
    assert positions == sorted(positions), [_what(w) for w in order if _is_control(w)]
    pacer = live.session_view.pacer
    for control in (pacer.hide_button, pacer.rate, pacer.ratio):
        assert positions[1] < order.index(control) < order.index(live.note)


def test_space_starts_the_break_on_the_live_page_only_when_the_pause_prompt_is_up(
    qtbot, window, argument
) -> None:
    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    _feed_until(window, argument.samples, PromptKind.CALM)
    window.activateWindow()
    window.live_page.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.live_view.checkin.break_start_t_s is None  # calm: nothing to start
    _feed_until(window, argument.samples, PromptKind.FLOODED)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.live_view.checkin.break_start_t_s is not None
    assert len(window.live_view.checkin.break_spans) == 1


def test_space_in_the_note_field_is_a_space(qtbot, window, argument) -> None:
    window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    _feed_until(window, argument.samples, PromptKind.FLOODED)
    window.activateWindow()
    note = window.live_page.note
    note.setFocus()
    qtbot.keyClicks(note, "too fast")
    assert note.text() == "too fast"
    assert window.live_view.checkin.break_start_t_s is None


def test_esc_closes_the_settings_dialog(qtbot, window) -> None:
    dialog = window.open_settings()
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.parametrize("palette", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_focus_is_ringed_in_the_palettes_focus_colour(palette: theme.Palette) -> None:
    rules = [rule for rule in theme.stylesheet(palette).split("}") if ":focus" in rule]
    ringed = " ".join(r for r in rules if f"border: 2px solid {palette.focus}" in r)
    for kind in ("QPushButton:focus", "QLineEdit:focus", "QComboBox:focus", "QListWidget:focus"):
        assert kind in ringed, rules
    assert palette.focus not in (palette.card, palette.paper)


def test_the_focused_button_is_drawn_with_its_ring(qtbot, window) -> None:
    """The ring is what the person sees: the focused button's edge is the focus colour."""
    button = window.start_page.rescan_button
    window.activateWindow()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    assert button.hasFocus()
    edge = button.grab().toImage().pixelColor(button.width() // 2, 0).name()
    assert edge == window.colours.focus.lower()

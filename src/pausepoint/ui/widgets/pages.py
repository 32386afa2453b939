"""The dashboard's pages: start (pick a strap or a simulation), live, past sessions, replay."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pausepoint.ui.connect_help_model import HELP_TITLE
from pausepoint.ui.couple_model import CoupleReplayModel, couple_source_words
from pausepoint.ui.couple_replay import CoupleReplayView
from pausepoint.ui.replay_model import SPEEDS, ReplayModel, source_words
from pausepoint.ui.session_model import TRIGGERED
from pausepoint.ui.view_model import SessionViewModel
from pausepoint.ui.widgets.answers import AnswersCard
from pausepoint.ui.widgets.checkin import set_flag
from pausepoint.ui.widgets.common import ElidedLabel, card, describe, label, page_layout
from pausepoint.ui.widgets.events import HIDDEN_KINDS, EventsList
from pausepoint.ui.widgets.glance import GLANCE_TIP
from pausepoint.ui.widgets.session_view import SessionView
from pausepoint.words import clock_text

if TYPE_CHECKING:
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.strap.ble import FoundStrap

PLAY_EVERY_MS = 100
SLIDER_STEPS_PER_S = 10
SIMULATION_SPEEDS = (1.0, 10.0, 60.0)
GO_TO_CHARS = 24
GO_TO_POPUP_PX = 820


def scenario_choice(scenarios: dict[str, str], chosen: str) -> tuple[QComboBox, ElidedLabel]:
    """The simulated conversations by name, and under them what happens in the one chosen
    (on one line, the whole of it as a tooltip where a small window has no room)."""
    choice = QComboBox()
    for name in scenarios:
        choice.addItem(name, name)
    choice.setCurrentIndex(max(0, choice.findData(chosen)))
    about = ElidedLabel()
    about.setObjectName("muted")

    def say() -> None:
        about.set_full_text(scenarios.get(str(choice.currentData()), ""))

    choice.currentIndexChanged.connect(say)
    say()
    describe(
        choice,
        "Simulated conversation",
        "Which made-up conversation to play; what happens in it is written beside it",
    )
    return choice, about


def _settings_button() -> QPushButton:
    button = QPushButton("Settings…")
    return describe(
        button,
        "Settings: sounds and notifications",
        "Opens the settings: sounds, notifications, colours and the pacer",
    )


def _primary(text: str) -> QPushButton:
    button = QPushButton(text)
    set_flag(button, "primary", True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class StartPage(QWidget):
    """How a session begins: the strap found by a scan, a couple check-in, or a simulated
    conversation."""

    connect_requested = Signal(str)
    rescan_requested = Signal()
    simulate_requested = Signal(str, float)
    sessions_requested = Signal()
    couple_requested = Signal()
    settings_requested = Signal()
    help_requested = Signal()

    def __init__(self, scenarios: dict[str, str]) -> None:
        super().__init__()
        layout = page_layout(self)
        layout.addWidget(label("Welcome. Let's get ready.", "title"))
        layout.addWidget(
            label(
                "Put the strap on with its electrodes moistened, and keep it near this "
                "computer. pausepoint notices when your body gets flooded and helps you pause.",
                "muted",
            )
        )
        strap, strap_layout = card()
        strap_layout.addWidget(QLabel("Your strap"))
        self.scan_message = label("", "muted")
        strap_layout.addWidget(self.scan_message)
        self.advice_box = QFrame()
        self.advice_box.setObjectName("advice")
        advice_layout = QHBoxLayout(self.advice_box)
        advice_layout.setContentsMargins(12, 8, 12, 8)
        self.advice = label("")
        advice_layout.addWidget(self.advice, 1)
        self.advice_help = QPushButton("All the steps…")
        describe(
            self.advice_help,
            "Getting connected: all the steps",
            "Opens the page with every step for finding your strap",
        )
        self.advice_help.clicked.connect(self.help_requested.emit)
        advice_layout.addWidget(self.advice_help, 0, Qt.AlignmentFlag.AlignBottom)
        strap_layout.addWidget(self.advice_box)
        self.found = QListWidget()
        self.found.setMaximumHeight(160)
        describe(self.found, "Straps found", "The straps nearby, closest first; pick yours")
        self.found.itemDoubleClicked.connect(lambda _item: self._connect())
        strap_layout.addWidget(self.found)
        row = QHBoxLayout()
        self.connect_button = _primary("Connect")
        self.connect_button.clicked.connect(self._connect)
        describe(self.connect_button, None, "Connects to the strap picked in the list")
        self.rescan_button = QPushButton("Look again")
        describe(self.rescan_button, None, "Looks for straps nearby once more")
        self.rescan_button.clicked.connect(self.rescan_requested.emit)
        row.addWidget(self.connect_button)
        row.addWidget(self.rescan_button)
        row.addStretch(1)
        strap_layout.addLayout(row)
        layout.addWidget(strap)
        couple, couple_layout = card()
        couple_layout.addWidget(QLabel("Two of you?"))
        row = QHBoxLayout()
        row.addWidget(
            label("A couple check-in follows both of you, each with your own strap.", "muted"), 1
        )
        self.couple_button = QPushButton("Couple check-in…")
        describe(
            self.couple_button,
            "Couple check-in",
            "Opens the form to start a session for two, each with a strap",
        )
        self.couple_button.clicked.connect(self.couple_requested.emit)
        row.addWidget(self.couple_button)
        couple_layout.addLayout(row)
        layout.addWidget(couple)
        sim, sim_layout = card()
        sim_layout.addWidget(QLabel("No strap at hand? Try a simulated conversation"))
        self.scenario, about = scenario_choice(scenarios, "argument")
        sim_layout.addWidget(self.scenario)
        sim_layout.addWidget(about)
        row = QHBoxLayout()
        self.speed = QComboBox()
        for speed in SIMULATION_SPEEDS:
            self.speed.addItem("real time" if speed == 1.0 else f"{speed:g}× faster", speed)
        describe(self.speed, "Simulation speed", "How fast the simulated conversation plays")
        row.addWidget(self.speed)
        self.simulate_button = QPushButton("Start the simulation")
        describe(self.simulate_button, None, "Starts a session with the chosen conversation")
        self.simulate_button.clicked.connect(
            lambda: self.simulate_requested.emit(
                str(self.scenario.currentData()), float(self.speed.currentData())
            )
        )
        row.addWidget(self.simulate_button)
        row.addStretch(1)
        sim_layout.addLayout(row)
        layout.addWidget(sim)
        history = QPushButton("See past sessions")
        history.clicked.connect(self.sessions_requested.emit)
        describe(history, None, "Lists the sessions recorded before, to replay them")
        self.settings_button = _settings_button()
        self.settings_button.clicked.connect(self.settings_requested.emit)
        self.help_button = QPushButton(HELP_TITLE)
        self.help_button.setToolTip("What to do when your strap is not found")
        describe(self.help_button, None, "What to do when your strap is not found")
        self.help_button.clicked.connect(self.help_requested.emit)
        row = QHBoxLayout()
        row.addWidget(history)
        row.addWidget(self.settings_button)
        row.addWidget(self.help_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.set_found([])
        self.set_advice("")

    def set_message(self, text: str) -> None:
        self.scan_message.setText(text)

    def set_advice(self, text: str) -> None:
        """What to try after a scan that heard nothing or a strap that would not connect,
        with the way to the Getting connected page; hidden when empty."""
        self.advice.setText(text)
        self.advice_box.setVisible(bool(text))

    def set_found(self, straps: Sequence[FoundStrap]) -> None:
        """Straps from a scan, strongest first; kept in ``straps``
        for the couple check-in."""
        self.straps = list(straps)
        self.found.clear()
        for strap in straps:
            item = QListWidgetItem(strap_words(strap))
            item.setData(Qt.ItemDataRole.UserRole, strap.address)
            self.found.addItem(item)
        if straps:
            self.found.setCurrentRow(0)
        self.found.setVisible(bool(straps))
        self.connect_button.setEnabled(bool(straps))

    def _connect(self) -> None:
        item = self.found.currentItem()
        if item is not None:
            self.connect_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))


def strap_words(strap: FoundStrap) -> str:
    """A strap from a scan as a person reads it: its name, model and how near it is."""
    name = strap.name or "Unnamed strap"
    model = f" ({strap.model})" if strap.model and strap.model not in name else ""
    return f"{name}{model}  ·  {_signal_words(strap.rssi_dbm)}"


def _signal_words(rssi_dbm: int) -> str:
    if rssi_dbm >= -60:
        return "close by"
    if rssi_dbm >= -80:
        return "in reach"
    return "far away"


class LivePage(QWidget):
    """The session as it happens, with the marker button and a note field."""

    marker_requested = Signal(str)
    end_requested = Signal()
    new_requested = Signal()
    settings_requested = Signal()
    glance_requested = Signal()

    def __init__(self, view: SessionViewModel, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        layout = page_layout(self)
        self.answers = AnswersCard()
        layout.addWidget(self.answers)
        self.session_view = SessionView(view, clock=clock)
        layout.addWidget(self.session_view, 1)
        self.events = EventsList()
        self.session_view.add_side_widget(label("What happened", "muted"))
        self.session_view.add_side_widget(self.events, 1)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.marker_button = QPushButton(TRIGGERED)
        self.marker_button.setToolTip("Marks this moment in the session, to look at later")
        describe(self.marker_button, None, "Marks this moment in the session, to look at later")
        self.marker_button.clicked.connect(lambda: self.marker_requested.emit(TRIGGERED))
        row.addWidget(self.marker_button)
        self.note = QLineEdit()
        self.note.setPlaceholderText("A note for this moment (kept with the session)")
        describe(self.note, "Note", "A note for this moment, kept with the session")
        self.note.returnPressed.connect(self._save_note)
        row.addWidget(self.note, 1)
        self.save_note = QPushButton("Save note")
        describe(self.save_note, None, "Keeps the note with this moment of the session")
        self.save_note.clicked.connect(self._save_note)
        row.addWidget(self.save_note)
        self.marked = label("", "muted")
        row.addWidget(self.marked)
        self.glance_button = QPushButton("Glance")
        self.glance_button.setToolTip(GLANCE_TIP)
        describe(self.glance_button, None, GLANCE_TIP)
        self.glance_button.clicked.connect(self.glance_requested.emit)
        row.addWidget(self.glance_button)
        self.end_button = QPushButton("End session")
        describe(self.end_button, None, "Stops the session; what was recorded is kept")
        self.end_button.clicked.connect(self.end_requested.emit)
        self.settings_button = _settings_button()
        self.settings_button.clicked.connect(self.settings_requested.emit)
        row.addWidget(self.settings_button)
        row.addWidget(self.end_button)
        self.new_button = _primary("New session")
        describe(self.new_button, None, "Back to the start, to begin another session")
        self.new_button.clicked.connect(self.new_requested.emit)
        self.new_button.setVisible(False)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        self._tab_in_order()

    def _tab_in_order(self) -> None:
        """Tab goes from the check-in card to the pacer, the note, the buttons under it, and
        only then to the graphs' choice and the list of what happened."""
        view = self.session_view
        card, pacer = view.checkin, view.pacer
        chain: list[QWidget] = [
            *card.buttons.values(),
            card.back_at.minutes,
            card.back_at.at,
            pacer.hide_button,
            pacer.rate,
            pacer.ratio,
            self.note,
            self.save_note,
            self.marker_button,
            self.glance_button,
            self.settings_button,
            self.end_button,
            self.new_button,
            view.window_choice,
            self.events,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _save_note(self) -> None:
        text = self.note.text().strip()
        if text:
            self.marker_requested.emit(text)
            self.note.clear()

    def set_ended(self, ended: bool) -> None:
        for widget in (self.marker_button, self.note, self.save_note):
            widget.setEnabled(not ended)
        self.end_button.setVisible(not ended)
        self.new_button.setVisible(ended)


class SessionsPage(QWidget):
    """Past sessions, newest first; open one to replay it."""

    open_requested = Signal(int)
    trends_requested = Signal()

    COLUMNS = ("When", "Length", "Flooded", "Peak heart rate", "Source", "Note")

    def __init__(self) -> None:
        super().__init__()
        layout = page_layout(self)
        layout.addWidget(label("Past sessions", "title"))
        self.message = label("", "muted")
        layout.addWidget(self.message)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        describe(
            self.table, "Past sessions", "One row a session, newest first; open one to replay it"
        )
        self.table.cellDoubleClicked.connect(lambda row, _col: self._open(row))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.open_button = _primary("Replay this session")
        describe(self.open_button, None, "Plays the chosen session again, as it happened")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow()))
        row.addWidget(self.open_button)
        self.trends_button = QPushButton("How it goes over weeks")
        describe(self.trends_button, None, "Check-ins, floods and pauses week by week, in charts")
        self.trends_button.clicked.connect(self.trends_requested.emit)
        row.addWidget(self.trends_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._ids: list[int] = []

    def set_sessions(self, infos: Sequence[SessionInfo], message: str = "") -> None:
        """The sessions' rows, newest first."""
        self._ids = [info.id for info in infos]
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            peak = "–" if info.peak_hr_bpm is None else f"{info.peak_hr_bpm:.0f} bpm"
            cells = (
                info.started_utc.astimezone().strftime("%Y-%m-%d %H:%M"),
                clock_text(info.duration_s),
                f"{info.flooded_s / 60:.1f} min",
                peak,
                couple_source_words(info)
                if info.persons == 2
                else source_words(info.source, info.strap_name),
                info.note or "",
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        if infos:
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(infos))
        self.message.setText(
            message or ("" if infos else "No sessions yet. They appear here once recorded.")
        )

    def _open(self, row: int) -> None:
        if 0 <= row < len(self._ids):
            self.open_requested.emit(self._ids[row])


BOTH_AGREE_WORDS = "We both agree: the report shows everything"
BOTH_AGREE_TIP = (
    "One of you chose to share only your state; tick this only if you both agree the report "
    "shows both of you in numbers and graphs"
)


class ReplayPage(QWidget):
    """A past session, with the graphs as they were live (a couple's in their two lanes), a
    timeline and its events."""

    back_requested = Signal()
    export_requested = Signal()
    report_requested = Signal()

    def __init__(self, view: SessionViewModel, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._last_tick_s: float | None = None
        self.model: ReplayModel | CoupleReplayModel | None = None
        layout = page_layout(self)
        head = QHBoxLayout()
        self.title = QLabel("")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(self.title, 1)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.export_requested.emit)
        describe(self.export_button, "Export", "Saves the session's heartbeats to a file")
        self.report_button = QPushButton("Make a report")
        describe(self.report_button, None, "Saves a one-page summary of the session")
        self.report_button.clicked.connect(self.report_requested.emit)
        back = QPushButton("Back to sessions")
        describe(back, None, "Back to the list of past sessions")
        back.clicked.connect(self.back_requested.emit)
        self.both_agree = QCheckBox(BOTH_AGREE_WORDS)
        describe(self.both_agree, BOTH_AGREE_WORDS, BOTH_AGREE_TIP)
        self.both_agree.setVisible(False)
        head.addWidget(self.both_agree)
        for button in (self.export_button, self.report_button, back):
            head.addWidget(button)
        layout.addLayout(head)
        self.center = QStackedWidget()
        self.session_view = SessionView(view, interactive=False, clock=clock)
        self.center.addWidget(self.session_view)
        self.couple: CoupleReplayView | None = None
        """A couple session's lanes, made for each couple session opened."""
        layout.addWidget(self.center, 1)
        controls = QHBoxLayout()
        self.play_button = _primary("Play")
        describe(self.play_button, None, "Plays the session from here, or pauses it")
        self.play_button.clicked.connect(self.toggle_play)
        controls.addWidget(self.play_button)
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        describe(self.speed, "Replay speed", "How many times faster than it happened")
        self.speed.currentIndexChanged.connect(self._speed_changed)
        controls.addWidget(self.speed)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        describe(self.slider, "Moment in the session", "Move it to go to another moment")
        self.slider.valueChanged.connect(self._slider_moved)
        controls.addWidget(self.slider, 1)
        self.position = QLabel("")
        controls.addWidget(self.position)
        self.go_to = QComboBox()
        """A couple's events, to jump to (one person's are listed beside the graphs)."""
        self.go_to.setPlaceholderText("Go to what happened…")
        describe(self.go_to, "Go to what happened", "Jumps to a moment that was marked or noticed")
        self.go_to.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.go_to.setMinimumContentsLength(GO_TO_CHARS)
        self.go_to.view().setMinimumWidth(GO_TO_POPUP_PX)
        self.go_to.activated.connect(self._go_to)
        controls.addWidget(self.go_to)
        layout.addLayout(controls)
        events_head = label("What happened (click to go there)", "muted")
        self.events = EventsList()
        self.events.jump.connect(self.seek)
        self.session_view.add_side_widget(events_head)
        self.session_view.add_side_widget(self.events, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_EVERY_MS)
        self._timer.timeout.connect(self.tick)
        self._syncing = False

    def set_model(self, model: ReplayModel | CoupleReplayModel) -> None:
        """One person's session in the session view; a couple's in two lanes."""
        self.pause()
        self.model = model
        self.title.setText(model.info.title)
        self._syncing = True
        self.slider.setRange(
            round(model.info.start_t_s * SLIDER_STEPS_PER_S),
            round(model.info.end_t_s * SLIDER_STEPS_PER_S),
        )
        self._syncing = False
        if self.couple is not None:
            self.center.removeWidget(self.couple)
            self.couple.deleteLater()
            self.couple = None
        self.events.forget()
        self.go_to.clear()
        self.both_agree.setChecked(False)
        private = isinstance(model, CoupleReplayModel) and any(model.view.states_only)
        self.both_agree.setVisible(private)
        if isinstance(model, CoupleReplayModel):
            self.couple = CoupleReplayView(model, self._clock)
            self.couple.jump.connect(self.seek)
            self.center.addWidget(self.couple)
            self.center.setCurrentWidget(self.couple)
            for entry in model.entries():
                if entry.kind not in HIDDEN_KINDS:
                    self.go_to.addItem(f"{clock_text(entry.t_s)}  {entry.text}", entry.t_s)
            self.go_to.setCurrentIndex(-1)
        else:
            self.events.set_entries(model.entries(), follow=False)
            self.center.setCurrentWidget(self.session_view)
        self.go_to.setVisible(self.couple is not None)
        self.speed.setCurrentIndex(SPEEDS.index(model.speed))
        self.sync()

    def _go_to(self, index: int) -> None:
        if index >= 0:
            self.seek(float(self.go_to.itemData(index)))
            self.go_to.setCurrentIndex(-1)

    def seek(self, t_s: float) -> None:
        if self.model is None:
            return
        self.model.seek(t_s)
        self.sync()

    def _slider_moved(self, value: int) -> None:
        if not self._syncing:
            self.seek(value / SLIDER_STEPS_PER_S)

    def _speed_changed(self) -> None:
        if self.model is not None:
            self.model.speed = float(self.speed.currentData())

    def toggle_play(self) -> None:
        if self.model is None:
            return
        if self.model.playing:
            self.pause()
        else:
            self.model.play()
            self._last_tick_s = self._clock()
            self._timer.start()
            self.sync()

    def pause(self) -> None:
        self._timer.stop()
        if self.model is not None:
            self.model.pause()
            self.sync()

    def tick(self) -> None:
        """Advance by the real time since the last tick (the injected clock's)."""
        if self.model is None:
            return
        now_s = self._clock()
        last_s = self._last_tick_s if self._last_tick_s is not None else now_s
        self._last_tick_s = now_s
        self.model.advance(now_s - last_s)
        if not self.model.playing:
            self._timer.stop()
        self.sync()

    def sync(self) -> None:
        """Show the model's moment: slider, time, play button, the session view."""
        model = self.model
        if model is None:
            return
        self._syncing = True
        self.slider.setValue(round(model.position_s * SLIDER_STEPS_PER_S))
        self._syncing = False
        self.position.setText(f"{clock_text(model.position_s)} of {clock_text(model.info.end_t_s)}")
        self.play_button.setText("Pause" if model.playing else "Play")
        if self.couple is not None:
            self.couple.refresh()
        else:
            self.session_view.refresh()

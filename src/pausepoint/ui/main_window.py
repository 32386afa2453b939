"""The dashboard window: pages, the navigation between them, and the status line.

What the buttons start is dashboard_model's (no Qt): the session database, the live session
and its source, run as tasks on the qasync loop (the Qt thread) calling into one session;
the window draws the view models on a 10 Hz timer, never once per sample.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.ui import theme
from pausepoint.ui.break_model import BackAt
from pausepoint.ui.check_in_answers_model import CheckInAnswers
from pausepoint.ui.connect_help_model import (
    CONNECT_HEADLINES,
    advice,
    topics,
    trouble_after_connect,
)
from pausepoint.ui.couple_model import (
    CoupleLiveSession,
    CoupleReplayModel,
    CoupleViewModel,
    load_replay,
    partner_names,
)
from pausepoint.ui.couple_start import CoupleChoice, CoupleStartPage
from pausepoint.ui.couple_view import CouplePage
from pausepoint.ui.cue_shell import CueShell
from pausepoint.ui.dashboard_model import (
    LOOKING,
    LiveRun,
    SessionStore,
    export_replay,
    look_for_straps,
    replay_report,
)
from pausepoint.ui.glance_model import couple_glance, glance_of, pause_up
from pausepoint.ui.replay_model import ReplayModel
from pausepoint.ui.session_model import TRIGGERED, LiveSession, play_simulation
from pausepoint.ui.settings_model import Settings, remember_window_size, settings_path
from pausepoint.ui.theme import Palette, palette_for
from pausepoint.ui.view_model import Prompt, SessionViewModel, StatusModel
from pausepoint.ui.widgets.answers import AnswersCard
from pausepoint.ui.widgets.calibration_page import CalibrationPage
from pausepoint.ui.widgets.common import FittedScroll, describe
from pausepoint.ui.widgets.glance import GlancePage
from pausepoint.ui.widgets.help_page import HelpPage
from pausepoint.ui.widgets.pacer import PacerWidget
from pausepoint.ui.widgets.pages import LivePage, ReplayPage, SessionsPage, StartPage
from pausepoint.ui.widgets.session_view import SessionView
from pausepoint.ui.widgets.settings_dialog import SettingsDialog
from pausepoint.ui.widgets.theming import put_on, system_prefers_dark
from pausepoint.ui.widgets.trends_page import TrendsPage

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import BleBackend
    from pausepoint.ui.calibration_session_model import CalibrationSource

logger = logging.getLogger(__name__)

FRAME_MS = 100
"""Graphs and numbers are redrawn at most 10 times a second."""
EXPORT_FILTERS = "pausepoint CSV (*.csv);;Kubios RR text (*.txt)"
REPORT_FILTERS = "Web page (*.html);;PDF (*.pdf);;Picture (*.png)"

AskPath = Callable[[QWidget, str, str, str], str | None]


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


class MainWindow(QMainWindow):
    """``closed`` is emitted when the person closes the window; ``shutdown()`` then ends
    the running session cleanly (the strap disconnected, the recording marked complete)."""

    closed = Signal()

    def __init__(
        self,
        config: Config,
        *,
        db: str | Path | None = None,
        backend: BleBackend | None = None,
        clock: Callable[[], float] = time.monotonic,
        strap_clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        ask_path: AskPath = ask_save_path,
        quiet: bool = False,
        notify: bool = True,
        theme_choice: str | None = None,
        remember_size: bool = False,
    ) -> None:
        """``backend``: bleak backend classes (tests: an emulated radio); ``strap_clock`` and
        ``sleep``: session time and waits for sources; ``clock``: wall time for animation;
        ``quiet``: no sound at all for this run; ``notify``: desktop notifications while
        the window is behind others (a screenshot's window neither sounds nor notifies);
        ``theme_choice``: "light", "dark" or "system" for this run instead of the settings';
        ``remember_size``: keep the window's size in the settings when it closes."""
        super().__init__()
        self.config = config
        self.backend = backend
        self._clock = clock
        self._strap_clock = strap_clock
        self._sleep = sleep
        self._ask_path = ask_path
        self.database = SessionStore(db)
        self.run = LiveRun()
        self.scan_task: asyncio.Future[None] | None = None
        self.replay: ReplayModel | CoupleReplayModel | None = None
        self.answers: CheckInAnswers | None = None
        """The questions before and after the live session (None: no session yet)."""
        self._couple_profiles: tuple[str | None, ...] = (None, None)
        """The couple's profile names, where a partner's privacy choice is kept."""
        self.status = StatusModel()
        self._status_drawn = -1
        self._notes: list[str] = []
        """Quiet sentences the status line keeps (sound unavailable, settings not read)."""
        self.cues = CueShell(quiet, notify, self.bring_forward, self._note, clock, self)
        self.setWindowTitle("pausepoint")
        self._theme_choice = theme_choice
        self._remember_size = remember_size
        self.colours = self._chosen_palette(system_prefers_dark())
        put_on(self, self.colours, built=False)
        self.live_view = SessionViewModel(config)
        self.replay_view = SessionViewModel(config)
        self.couple_view = CoupleViewModel((config, config))
        self._build()
        self._use_settings(Settings(), self.cues.settings)
        if self.cues.settings.window_size is not None:
            self.resize(*self.cues.settings.window_size)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self._frame_timer = QTimer(self)
        self._frame_timer.setInterval(FRAME_MS)
        self._frame_timer.timeout.connect(self.render_frame)
        self._frame_timer.start()
        self.show_start()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        from pausepoint.sources.simulated.couples import COUPLE_SCENARIOS
        from pausepoint.sources.simulated.scenarios import SCENARIOS

        root = QWidget()
        root.setObjectName("page")
        layout = QVBoxLayout(root)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QWidget()
        bar.setObjectName("topBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(18, 8, 18, 8)
        name = QLabel("pausepoint")
        name.setStyleSheet(f"font-size: {theme.BASE_PT + 4}pt; font-weight: 600;")
        bar_layout.addWidget(name)
        bar_layout.addStretch(1)
        self.calibrate_button = QPushButton("Calibrate")
        self.calibrate_button.setToolTip("Measure your own calm level and breathing pace")
        self.calibrate_button.clicked.connect(lambda: self.show_calibration())
        bar_layout.addWidget(self.calibrate_button)
        self.now_button = QPushButton("Now")
        describe(self.now_button, None, "The session going on now, or the start page")
        self.now_button.clicked.connect(self.show_now)
        self.history_button = QPushButton("Past sessions")
        describe(self.history_button, None, "The sessions recorded before, to replay them")
        self.history_button.clicked.connect(self.show_sessions)
        bar_layout.addWidget(self.now_button)
        bar_layout.addWidget(self.history_button)
        layout.addWidget(bar)
        self.top_bar = bar
        self.pages = QStackedWidget()
        self.start_page = StartPage(SCENARIOS)
        self.live_page = LivePage(self.live_view, self._clock)
        self.sessions_page = SessionsPage()
        self.replay_page = ReplayPage(self.replay_view, self._clock)
        self.couple_page = CouplePage(self.couple_view, self._clock)
        self.calibration_page = CalibrationPage(
            self.config,
            store=self.store,
            end_live=self._leave_session,
            is_live=lambda: self.run.live,
            last_strap=self.database.last_strap,
            strap_clock=self._strap_clock,
            sleep=self._sleep,
            backend=self.backend,
        )
        for page in (
            self.start_page,
            self.live_page,
            self.sessions_page,
            self.replay_page,
            self.calibration_page,
            self.couple_page,
        ):
            self.pages.addWidget(page)
        fitted = FittedScroll()
        fitted.setObjectName("page")
        fitted.setWidget(self.pages)
        layout.addWidget(fitted, 1)
        self.setCentralWidget(root)

        self.start_page.connect_requested.connect(lambda address: self.connect_strap(address))
        self.start_page.rescan_requested.connect(self.scan_straps)
        self.start_page.simulate_requested.connect(
            lambda scenario, speed: self.start_simulation(scenario, speed=speed)
        )
        self.start_page.sessions_requested.connect(self.show_sessions)
        self.start_page.couple_requested.connect(self.show_couple_start)
        self.help_page = HelpPage(topics())
        self.pages.addWidget(self.help_page)
        self.start_page.help_requested.connect(lambda: self.pages.setCurrentWidget(self.help_page))
        self.help_page.back_requested.connect(self.show_start)
        self.couple_start = CoupleStartPage(COUPLE_SCENARIOS)
        self.pages.addWidget(self.couple_start)
        self.couple_start.start_requested.connect(self.start_couple)
        self.couple_start.back_requested.connect(self.show_start)
        self.couple_start.rescan_requested.connect(lambda: self.scan_straps(show=False))
        self._trends_page: TrendsPage | None = None
        self.sessions_page.trends_requested.connect(self.show_trends)
        self._build_glance()
        self.live_page.session_view.break_requested.connect(self.start_break)
        self.live_page.session_view.more_time_requested.connect(self.more_time)
        self.live_page.marker_requested.connect(self.add_marker)
        self.live_page.end_requested.connect(self.end_session)
        self.live_page.new_requested.connect(self.show_start)
        self.live_page.settings_requested.connect(self.open_settings)
        for view in (self.live_page.session_view, *self.couple_page.lanes):
            view.pacer.phase_started.connect(self.cues.breathe)
        self.start_page.settings_requested.connect(self.open_settings)
        self.couple_page.break_requested.connect(self.start_break)
        self.couple_page.more_time_requested.connect(self.more_time)
        self.couple_page.marker_requested.connect(self.add_marker)
        self.couple_page.end_requested.connect(self.end_session)
        self.couple_page.new_requested.connect(self.show_start)
        self.couple_page.states_only_changed.connect(self.choose_states_only)
        self.sessions_page.open_requested.connect(self.open_replay)
        self.replay_page.back_requested.connect(self.show_sessions)
        self.replay_page.export_requested.connect(self.export_replay)
        self.replay_page.report_requested.connect(self.report_replay)
        self.calibration_page.done.connect(self.show_now)
        self.calibration_page.calibrated.connect(self._remind_calibration)

        bar = self.statusBar()
        self.status_labels = {
            key: QLabel("")
            for key in ("source", "link", "battery", "signal", "recording", "elapsed")
        }
        for key, label in self.status_labels.items():
            label.setObjectName(f"status_{key}")
            bar.addPermanentWidget(label, 1 if key == "source" else 0)
        self.status_message = QLabel("")
        self.status_message.setObjectName("status_message")
        self.status_message.setWordWrap(True)
        bar.addWidget(self.status_message, 2)
        self._draw_status()

    def _build_glance(self) -> None:
        """The glance page, its buttons and keys: G from a live page, Esc and Space on it."""
        self.glance_page = GlancePage()
        self.pages.addWidget(self.glance_page)
        self._glance_from: QWidget = self.live_page
        self.live_page.glance_requested.connect(self.show_glance)
        self.couple_page.glance_requested.connect(self.show_glance)
        self._glance_key = QShortcut(QKeySequence("G"), self, self.show_glance)
        self._leave_key = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.leave_glance)
        self._space_key = QShortcut(QKeySequence(Qt.Key.Key_Space), self, self._space_break)
        self.pages.currentChanged.connect(self._page_changed)
        self._page_changed()

    # ------------------------------------------------------------------ what runs

    @property
    def session(self) -> LiveSession | CoupleLiveSession | None:
        return self.run.session

    @property
    def task(self) -> asyncio.Future[None] | None:
        return self.run.task

    def store(self) -> Store | None:
        """The session database, opened on first need; None (said once) when it cannot be."""
        return self.database.store()

    def active_profile(self) -> Profile | None:
        return self.database.active_profile()

    def last_strap(self) -> tuple[str | None, str | None]:
        return self.database.last_strap()

    # ------------------------------------------------------------------ pages

    def show_start(self) -> None:
        self.pages.setCurrentWidget(self.start_page)
        self._remind_calibration()

    def open_settings(self) -> SettingsDialog:
        """The settings, over the window; OK applies them at once to this run."""
        dialog = SettingsDialog(self.cues.settings, settings_path(), self)
        dialog.accepted.connect(lambda: self._settings_chosen(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _settings_chosen(self, dialog: SettingsDialog) -> None:
        before, chosen = self.cues.settings, dialog.chosen()
        self.cues.apply(chosen)
        if chosen.theme != before.theme:
            self._theme_choice = None  # the person chose anew: --theme no longer holds
        self._use_settings(before, chosen)
        if dialog.problem is not None:
            self._note(dialog.problem)

    def _session_views(self) -> list[SessionView]:
        return [self.live_page.session_view, self.replay_page.session_view, *self.couple_page.lanes]

    def _use_settings(self, before: Settings, chosen: Settings) -> None:
        """The look and the defaults of ``chosen``; a pacer or graph still at the ``before``
        default takes the new one, one set by hand or by a profile keeps its own."""
        self.use_palette(self._chosen_palette(system_prefers_dark()))
        for pacer in self.findChildren(PacerWidget):
            if pacer.reduced_motion != chosen.reduced_motion:
                pacer.set_reduced_motion(chosen.reduced_motion)
        for view in self._session_views():
            pacer = view.pacer
            shown = (pacer.rate_bpm, pacer.inhale_fraction)
            old = (before.pacer_rate_bpm, before.pacer_inhale_fraction)
            new = (chosen.pacer_rate_bpm, chosen.pacer_inhale_fraction)
            wanted = tuple(n if s == o else s for s, o, n in zip(shown, old, new, strict=True))
            if wanted != shown:
                pacer.set_rate(*wanted)
            if view.window_s == before.view_window_s != chosen.view_window_s:
                view.set_window(chosen.view_window_s)

    def _chosen_palette(self, system_dark: bool) -> Palette:
        return palette_for(self._theme_choice or self.cues.settings.theme, system_dark)

    def use_palette(self, palette: Palette) -> None:
        """Colour the window anew (not when it has this palette already)."""
        if palette == self.colours:
            return
        self.colours = palette
        put_on(self, palette)

    def _system_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        """The computer turned dark or light: followed when the choice is to follow it."""
        self.use_palette(self._chosen_palette(scheme == Qt.ColorScheme.Dark))

    def show_calibration(
        self, kind: str | None = None, source: CalibrationSource | None = None
    ) -> CalibrationPage:
        """The calibration wizard (``kind``: "baseline" or "resonance", offered first)."""
        self.replay_page.pause()
        self.calibration_page.open(kind, source)
        self.pages.setCurrentWidget(self.calibration_page)
        return self.calibration_page

    def _remind_calibration(self) -> None:
        """The Calibrate button says when the active profile's calm level is due again."""
        from pausepoint.ui.calibration_model import reminder

        profile = self.active_profile()
        store = self.store()
        due = None
        if profile is not None and store is not None:
            due = reminder(profile, store.utc_now())
        self.calibrate_button.setText("Calibrate · due" if due else "Calibrate")
        self.calibrate_button.setToolTip(due or "Measure your own calm level and breathing pace")
        describe(
            self.calibrate_button, None, due or "Measure your own calm level and breathing pace"
        )

    def show_now(self) -> None:
        page: QWidget = self.start_page
        if isinstance(self.session, CoupleLiveSession):
            page = self.couple_page
        elif self.session is not None:
            page = self.live_page
        self.pages.setCurrentWidget(page)
        self.render_frame(force=True)

    def show_glance(self, full_screen: bool = True) -> None:
        """The session as one large word per person, full screen (``full_screen`` False:
        in the window as it is, for a screenshot)."""
        page = self.pages.currentWidget()
        if page is not self.live_page and page is not self.couple_page:
            return
        self._glance_from = self.couple_page if page is self.couple_page else self.live_page
        self.pages.setCurrentWidget(self.glance_page)
        if full_screen:
            self.showFullScreen()
        self.render_frame(force=True)

    def leave_glance(self) -> None:
        if self.pages.currentWidget() is self.glance_page:
            self.pages.setCurrentWidget(self._glance_from)
            self.render_frame(force=True)

    def _space_break(self) -> None:
        """Space: the break starts, only while the pause prompt is up."""
        if pause_up(self._prompts()):
            self.start_break()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space on a live page that no button, list or field took (those keep their own
        Space): the break starts if the pause prompt is up, as on the glance page."""
        live = self.pages.currentWidget() in (self.live_page, self.couple_page)
        if live and event.key() == Qt.Key.Key_Space and not event.modifiers():
            self._space_break()
            event.accept()
            return
        super().keyPressEvent(event)

    def _page_changed(self) -> None:
        """Each key works only where it means something (a letter or Space elsewhere is
        typing or a button's); the glance has the screen to itself, and leaving it leaves
        full screen."""
        page = self.pages.currentWidget()
        glance = page is self.glance_page
        self._glance_key.setEnabled(page in (self.live_page, self.couple_page))
        self._leave_key.setEnabled(glance)
        self._space_key.setEnabled(glance)
        self.top_bar.setVisible(not glance)
        self.statusBar().setVisible(not glance)
        if not glance and self.isFullScreen():
            self.showNormal()

    def show_sessions(self) -> None:
        self.replay_page.pause()
        store = self.store()
        if store is None:
            message = f"Past sessions cannot be read: {self.database.failed}"
            self.sessions_page.set_sessions([], message)
        else:
            try:
                infos = store.sessions()
            except UserError as exc:
                self.sessions_page.set_sessions([], str(exc))
            else:
                self.sessions_page.set_sessions(list(reversed(infos)))
        self.pages.setCurrentWidget(self.sessions_page)

    @property
    def trends_page(self) -> TrendsPage:
        """Made the first time it is asked for: six charts are a cost start-up need not pay."""
        if self._trends_page is None:
            self._trends_page = TrendsPage(self.store, self._ask_path)
            self.pages.addWidget(self._trends_page)
            self._trends_page.back_requested.connect(self.show_sessions)
        return self._trends_page

    def show_trends(self) -> TrendsPage:
        """How the check-ins go over weeks, read afresh from the database."""
        self.replay_page.pause()
        self.trends_page.refresh()
        self.pages.setCurrentWidget(self.trends_page)
        return self.trends_page

    # ------------------------------------------------------------------ live sessions

    def begin_live(
        self,
        *,
        source: str,
        label: str,
        details: dict[str, Any] | None = None,
        strap_name: str | None = None,
        strap_address: str | None = None,
        profile: Profile | None = None,
    ) -> LiveSession:
        """A new live session on screen (recorded when the database allows)."""
        self.calibration_page.cancel()
        self._leave_session()
        self.status = StatusModel(source_label=label)
        self.cues.new_session()
        store = self.store()
        self.live_page.events.forget()
        pacer = self.live_page.session_view.pacer
        rate_bpm = None if profile is None else profile.resonance_rate_bpm
        pacer.set_rate(rate_bpm or self.cues.settings.pacer_rate_bpm, pacer.inhale_fraction)
        session = LiveSession.open(
            self.config,
            self.live_view,
            self.status,
            store,
            source=source,
            details=details,
            strap_name=strap_name,
            strap_address=strap_address,
            profile=profile,
        )
        self.run.session = session
        if store is None:
            self.status.set_message(f"Not recording: {self.database.failed}")
        self._show_notes()
        self._ask(session, [self.live_page.answers], [""])
        self.live_page.set_ended(False)
        self.pages.setCurrentWidget(self.live_page)
        self.render_frame(force=True)
        return session

    def _ask(
        self,
        session: LiveSession | CoupleLiveSession,
        cards: list[AnswersCard],
        names: list[str],
    ) -> None:
        """The questions before the session, one card per person, kept with its recording."""
        recorder = session.recorder
        session_id = None if recorder is None else recorder.session_id
        self.answers = CheckInAnswers.for_session(len(cards), self.store(), session_id)
        for card in (self.live_page.answers, *self.couple_page.answers):
            card.show_model(None)
        for person, (card, name) in enumerate(zip(cards, names, strict=True)):
            card.show_model(self.answers, person, name)

    def _draw_answers(self) -> None:
        """Questions before go after the first minute; the questions after come when the
        session ends."""
        answers, session = self.answers, self.session
        if answers is None or session is None:
            return
        couple = isinstance(session, CoupleLiveSession)
        answers.see_entries(self.couple_view.entries if couple else self.live_view.entries)
        if session.finished and session.updates == 0:
            answers.close()
        elif session.finished:
            answers.session_ended()
        else:
            answers.tick(session.view.t_s)
        if answers.problem is not None:
            self._note(answers.problem)
            answers.problem = None
        cards = self.couple_page.answers if couple else [self.live_page.answers]
        for card in cards:
            card.refresh()

    def start_simulation(
        self,
        scenario: str,
        *,
        seed: int = 0,
        speed: float = 1.0,
        minutes: float | None = None,
        profile: Profile | None = None,
    ) -> asyncio.Future[None]:
        """Play a simulated conversation into a new live session, on the running loop
        (judged by ``profile`` when given)."""
        from pausepoint.sources.simulated.scenarios import simulate

        recording = simulate(scenario, seed=seed, minutes=minutes)
        session = self.begin_live(
            source=f"simulated:{scenario}",
            label=f"Simulated strap ({scenario})",
            details={"simulation": {"scenario": scenario, "seed": seed, "minutes": minutes}},
            profile=profile,
        )
        self.status.set_link("simulated")
        task = self.run.play(
            session, play_simulation(session, recording.samples, speed, sleep=self._sleep)
        )
        self.render_frame(force=True)
        return task

    def begin_couple(
        self,
        *,
        source: str,
        label: str,
        details: dict[str, Any] | None = None,
        profiles: tuple[Profile | None, Profile | None] = (None, None),
    ) -> CoupleLiveSession:
        """A new couple session on screen, two lanes (recorded when the database allows);
        each lane is named by its partner's profile, else "Partner A" / "Partner B"."""
        self.calibration_page.cancel()
        self._leave_session()
        self.status = StatusModel(source_label=label)
        self.cues.new_session()
        store = self.store()
        self.couple_view.names = partner_names(
            tuple(None if p is None else p.name for p in profiles)
        )
        self._couple_profiles = tuple(None if p is None else p.name for p in profiles)
        for person, profile in enumerate(profiles):
            self.couple_view.set_states_only(person, profile is not None and profile.states_only)
        for lane, profile in zip(self.couple_page.lanes, profiles, strict=True):
            rate_bpm = None if profile is None else profile.resonance_rate_bpm
            default_bpm = self.cues.settings.pacer_rate_bpm
            lane.pacer.set_rate(rate_bpm or default_bpm, lane.pacer.inhale_fraction)
        session = CoupleLiveSession.open(
            self.config,
            self.couple_view,
            self.status,
            store,
            source=source,
            details=details,
            profiles=profiles,
        )
        self.run.session = session
        if store is None:
            self.status.set_message(f"Not recording: {self.database.failed}")
        self._show_notes()
        self._ask(session, self.couple_page.answers, list(self.couple_view.names))
        self.couple_page.set_ended(False)
        self.couple_page.marked.setText("")
        self.pages.setCurrentWidget(self.couple_page)
        self.render_frame(force=True)
        return session

    def choose_states_only(self, person: int, states_only: bool) -> None:
        """A partner chose what the other sees of them: shown at once, and kept in their
        profile when they have one."""
        from pausepoint.calibration.profiles import PartnerSees, find_profile, save_profile

        self.couple_view.set_states_only(person, states_only)
        name, store = self._couple_profiles[person], self.store()
        if name is not None and store is not None:
            sees = PartnerSees.STATES if states_only else PartnerSees.EVERYTHING
            try:
                profile = find_profile(store, name)
                if profile is not None:
                    save_profile(store, replace(profile, partner_sees=sees))
            except UserError as exc:
                self._note(f"Your choice holds for this session; it could not be kept: {exc}")
        self.render_frame(force=True)

    def start_couple_simulation(
        self,
        scenario: str,
        *,
        seed: int = 0,
        speed: float = 1.0,
        minutes: float | None = None,
        profiles: tuple[Profile | None, Profile | None] = (None, None),
    ) -> asyncio.Future[None]:
        """Play a simulated couple into a new couple session, on the running loop (judged by
        ``profiles`` when given)."""
        from pausepoint.ui.couple_model import merged_couple_samples, play_couple

        stream = merged_couple_samples(scenario, seed, minutes)
        session = self.begin_couple(
            source=f"simulated:{scenario}",
            label=f"Simulated straps ({scenario})",
            details={"simulation": {"scenario": scenario, "seed": seed, "minutes": minutes}},
            profiles=profiles,
        )
        self.status.set_link("simulated")
        task = self.run.play(session, play_couple(session, stream, speed, sleep=self._sleep))
        self.render_frame(force=True)
        return task

    def show_couple_start(self) -> CoupleStartPage:
        """The couple check-in form, with the store's profiles and the straps the start page's
        scan found (a scan starts when there is none yet)."""
        profiles, trouble = self.database.profiles()
        self.couple_start.set_message(trouble)
        active = next((p.name for p in profiles if p.active), None)
        self.couple_start.set_profiles([p.name for p in profiles], active)
        self.couple_start.set_straps(self.start_page.straps)
        self.pages.setCurrentWidget(self.couple_start)
        scanning = self.scan_task is not None and not self.scan_task.done()
        if not self.start_page.straps and not scanning:
            self.scan_straps(show=False)
        return self.couple_start

    def start_couple(self, choice: CoupleChoice) -> asyncio.Future[None] | None:
        """Start what the couple check-in form chose; None (said on the form) when a profile
        cannot be read."""
        try:
            a, b = self.database.profiles_named(choice.profiles)
        except UserError as exc:
            self.couple_start.set_message(str(exc))
            return None
        if choice.scenario is not None:
            return self.start_couple_simulation(
                choice.scenario, speed=choice.speed, profiles=(a, b)
            )
        label = " + ".join(choice.labels) if all(choice.labels) else None
        return self.connect_couple_straps(list(choice.targets), profiles=(a, b), label=label)

    def connect_couple_straps(
        self,
        targets: list[dict[str, str]],
        *,
        profiles: tuple[Profile | None, Profile | None] = (None, None),
        label: str | None = None,
    ) -> asyncio.Future[None]:
        """Two straps, A then B (each ``strap_target``), streaming into one couple session
        through one StrapFeed, each partner judged by their profile (or None). The status
        line gives each partner's link; a strap's drops are recorded with its partner."""
        labels = [t.get("address") or t.get("name") or "strap" for t in targets]
        session = self.begin_couple(
            source="ble", label=label or " + ".join(labels), profiles=profiles
        )
        return self._connect(session, targets, "try a simulated couple")

    def connect_strap(
        self,
        address: str | None = None,
        name: str | None = None,
        *,
        last_used_address: str | None = None,
        label: str | None = None,
        profile: Profile | None = None,
    ) -> asyncio.Future[None]:
        """Connect to a strap (by address or name, or the last one used) and stream it, with
        ``profile``, else the active one, if there is one: calm level, thresholds, resonance
        rate."""
        session = self.begin_live(
            source="ble",
            label=label or name or address or "Heart-rate strap",
            strap_name=name,
            strap_address=address,
            profile=profile or self.active_profile(),
        )
        target = {"address": address, "name": name, "last_used_address": last_used_address}
        return self._connect(session, [target], "try a simulated conversation")

    def _connect(
        self,
        session: LiveSession | CoupleLiveSession,
        targets: list[dict[str, str]] | list[dict[str, str | None]],
        instead: str,
    ) -> asyncio.Future[None]:
        task = self.run.connect(
            session,
            targets,
            instead=instead,
            backend=self.backend,
            clock=self._strap_clock,
            sleep=self._sleep,
        )

        def ended(_task: asyncio.Future[None]) -> None:
            self._straps_ended(session)

        task.add_done_callback(ended)
        return task

    def _straps_ended(self, session: LiveSession | CoupleLiveSession) -> None:
        """Straps never heard, or Bluetooth off: back to where they were chosen, saying why
        (not when the person ended the session, or closed the window, first)."""
        if session is not self.session or session is self.run.ended:
            return
        if session.updates == 0:
            if isinstance(session, CoupleLiveSession):
                self.couple_start.set_message(self.status.message or "The straps were not found.")
                self.pages.setCurrentWidget(self.couple_start)
            else:
                trouble = trouble_after_connect(self.status.link)
                self.start_page.set_message(CONNECT_HEADLINES[trouble])
                self.start_page.set_advice(advice(trouble))
                self.show_start()
        self.render_frame(force=True)

    def start_default(self) -> None:
        """No choice given: the last strap if there was one, else the start page's scan."""
        name, address = self.last_strap()
        if address is not None:
            self.connect_strap(address, label=name or address)
        else:
            self.scan_straps()

    def scan_straps(self, show: bool = True) -> asyncio.Future[None]:
        """Look for straps; what is found goes to the start page and the couple form
        (``show``: go to the start page)."""
        if show:
            self.show_start()
        self._say_scan(LOOKING, LOOKING)
        self.start_page.set_found([])
        self.start_page.set_advice("")
        self.scan_task = asyncio.ensure_future(self._scan())
        return self.scan_task

    def _say_scan(self, single: str, couple: str) -> None:
        self.start_page.set_message(single)
        self.couple_start.set_scan_message(couple)

    async def _scan(self) -> None:
        result = await look_for_straps(self.backend, self._sleep)
        if result.found is not None:
            self.start_page.set_found(result.found)
            self.couple_start.set_straps(result.found)
        self._say_scan(result.single, result.couple)
        self.start_page.set_advice(result.advice)

    def start_break(self, back_at: BackAt | None = None) -> None:
        """Start break, until the time chosen beside it (the glance view's Space: the
        default)."""
        if self.run.live and self.session is not None:
            b = self.config.break_
            now = datetime.now().astimezone()
            self.session.start_break((back_at or BackAt()).agreed_s(now, b.min_s, b.longest_s))
            self.cues.break_started()
            self.render_frame(force=True)

    def more_time(self) -> None:
        if self.run.live and self.session is not None:
            self.session.more_time()
            self.render_frame(force=True)

    def add_marker(self, text: str) -> None:
        if self.run.live and self.session is not None:
            self.session.add_marker(text)
            words = "Marked." if text == TRIGGERED else "Note saved."
            page = (
                self.couple_page if isinstance(self.session, CoupleLiveSession) else self.live_page
            )
            page.marked.setText(f"{words} ({self.status.elapsed_text()})")
            self.render_frame(force=True)

    def end_session(self) -> None:
        """The person ends the session: stop the source; the recording is completed."""
        self.run.end()
        self.render_frame(force=True)

    def _leave_session(self) -> None:
        self.run.leave()

    async def shutdown(self) -> None:
        """Stop what runs and close the database; called once the window is closed."""
        self._frame_timer.stop()
        self.replay_page.pause()
        await self.calibration_page.stop()
        await self.run.stop()
        await self.cues.close()
        if self.scan_task is not None and not self.scan_task.done():
            self.scan_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.scan_task
        self.database.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._remember_size:
            shown = self.normalGeometry() if self.isFullScreen() or self.isMaximized() else self
            problem = remember_window_size(settings_path(), (shown.width(), shown.height()))
            if problem is not None:
                logger.warning("%s", problem)
        self.closed.emit()
        super().closeEvent(event)

    # ------------------------------------------------------------------ replay

    def open_replay(self, session_id: int) -> ReplayModel | CoupleReplayModel | None:
        """The session replayed (a couple's in two lanes with their linkage), or None when
        it cannot be opened."""
        store = self.store()
        if store is None:
            self.status.set_message(f"Past sessions cannot be read: {self.database.failed}")
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.replay = load_replay(store, session_id, self.config, self.replay_view)
        except UserError as exc:
            self.sessions_page.message.setText(str(exc))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        if isinstance(self.replay, CoupleReplayModel):
            self._replay_privately(store, self.replay)
        self.replay_page.set_model(self.replay)
        self.pages.setCurrentWidget(self.replay_page)
        return self.replay

    def _replay_privately(self, store: Store, replay: CoupleReplayModel) -> None:
        """A couple's replay keeps each partner's choice: states only stays states only."""
        from pausepoint.calibration.profiles import states_only_of

        stored = replay.stored
        if stored is None:
            return
        try:
            chosen = states_only_of(store, (stored.profile, stored.profile_b))
        except UserError:
            chosen = (False, False)
        for person, states_only in enumerate(chosen):
            replay.view.set_states_only(person, states_only)

    def export_replay(self) -> list[Path]:
        """Write the replayed session's samples where the person chooses (pausepoint CSV or
        Kubios RR text; a couple's one file per partner); returns the files written."""
        replay, store = self.replay, self.store()
        if replay is None or store is None:
            return []
        suggested = f"pausepoint-session-{replay.info.session_id}.csv"
        chosen = self._ask_path(self, "Export the session", suggested, EXPORT_FILTERS)
        if not chosen:
            return []
        try:
            written = export_replay(store, replay, Path(chosen))
        except (UserError, OSError) as exc:
            self._tell(f"The session could not be exported: {exc}")
            return []
        names = " and ".join(p.name for p in written)
        self.replay_page.title.setText(f"{replay.info.title}  ·  exported to {names}")
        return written

    def report_replay(self) -> Path | None:
        """Make the one-page report of the replayed session where the person chooses (a
        couple's: both partners and their linkage on one page)."""
        replay, store = self.replay, self.store()
        if replay is None or store is None:
            return None
        suggested = f"pausepoint-session-{replay.info.session_id}.html"
        chosen = self._ask_path(self, "Save the report", suggested, REPORT_FILTERS)
        if not chosen:
            return None
        path = Path(chosen)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            both_agree = self.replay_page.both_agree.isChecked()
            replay_report(store, replay, path, self.config, both_agree=both_agree)
        except (UserError, OSError) as exc:
            self._tell(f"The report could not be made: {exc}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.replay_page.title.setText(f"{replay.info.title}  ·  report saved as {path.name}")
        return path

    def _tell(self, text: str) -> None:
        QMessageBox.information(self, "pausepoint", text)

    def _note(self, text: str) -> None:
        self._notes.append(text)
        self._show_notes()

    def _show_notes(self) -> None:
        """The status line's own message as it is now (not recording...), then each quiet
        note that it does not say yet."""
        message = self.status.message or ""
        missing = [note for note in self._notes if note not in message]
        if missing:
            self.status.set_message(" ".join(filter(None, [message, *missing])))

    def bring_forward(self) -> None:
        """A notification was clicked: the window comes to the front."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # ------------------------------------------------------------------ drawing

    def render_frame(self, force: bool = False) -> None:
        """One frame: the visible session view and the status line, if they changed; the
        moments that must reach the person go out whichever page is showing."""
        self._cue()
        self._draw_answers()
        if self.pages.currentWidget() is self.live_page:
            if self.live_page.session_view.refresh(force=force):
                self.live_page.events.set_entries(self.live_view.entries)
            ended = self.session is None or self.session.finished
            if self.live_page.new_button.isVisibleTo(self.live_page) != ended:
                self.live_page.set_ended(ended)
        elif self.pages.currentWidget() is self.glance_page:
            self._draw_glance()
        elif self.pages.currentWidget() is self.couple_page:
            self.couple_page.refresh(force=force)
            ended = self.session is None or self.session.finished
            if self.couple_page.new_button.isVisibleTo(self.couple_page) != ended:
                self.couple_page.set_ended(ended)
        if force or self.status.revision != self._status_drawn:
            self._draw_status()

    def _cue(self) -> None:
        session = self.session
        if session is None or session.finished:
            return
        now_t_s = self.run.now_t_s()
        if now_t_s is not None:
            session.tick(now_t_s)
        self.cues.see(self._prompts(), session.view.t_s, self.isActiveWindow())

    def _prompts(self) -> list[Prompt]:
        """The check-in card of each person in the session (none without one)."""
        if isinstance(self.session, CoupleLiveSession):
            view = self.couple_view
            return [view.prompt(person) for person in range(len(view.names))]
        if self.session is None:
            return []
        return [self.live_view.prompt()]

    def _draw_glance(self) -> None:
        if isinstance(self.session, CoupleLiveSession):
            self.glance_page.show_model(couple_glance(self.couple_view))
        else:
            self.glance_page.show_model([glance_of(self.live_view.prompt())])

    def _draw_status(self) -> None:
        status = self.status
        self._status_drawn = status.revision
        live = self.session is not None
        for key, label in self.status_labels.items():
            if label.isVisibleTo(self) != (live or key == "source"):
                label.setVisible(live or key == "source")
        if not live:
            self.status_labels["source"].setText("No live session")
            self.status_message.setText(status.message or "")
            return
        texts = {
            "source": status.source_label,
            "link": status.link_text(),
            "battery": status.battery_text(),
            "signal": status.signal_text(),
            "recording": status.recording_text(),
            "elapsed": status.elapsed_text(),
        }
        for key, text in texts.items():
            label = self.status_labels[key]
            if label.text() != text:
                label.setText(text)
        message = status.message or ""
        if self.status_message.text() != message:
            self.status_message.setText(message)

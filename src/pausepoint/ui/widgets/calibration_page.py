"""The calibration wizard: who, what to do, the measuring (a ring, or the pacer), the result.

Its steps, timing and words are ui.calibration_model (no Qt); the measuring run is
ui.calibration_session_model's CalibrationSession, which ends itself and reports how it
ended; this page draws them, runs the source, and listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pausepoint.calibration.profiles import read_profiles
from pausepoint.clock import session_clock
from pausepoint.config import Config
from pausepoint.errors import BadInput, UserError
from pausepoint.ui import theme
from pausepoint.ui.calibration_model import (
    CalibrationFlow,
    Kind,
    Moment,
    Outcome,
    Step,
    countdown_text,
    default_name,
    person_rows,
)
from pausepoint.ui.calibration_session_model import (
    BASELINE_SCENARIO,
    CalibrationSession,
    CalibrationSource,
    Ending,
    feed_at_once,
    simulated_samples,
)
from pausepoint.ui.session_model import StrapFeed, play_simulation
from pausepoint.ui.view_model import SessionViewModel
from pausepoint.ui.widgets.calibration_charts import (
    NumberText,
    ProgressRing,
    RankingChart,
    ScheduleStrip,
)
from pausepoint.ui.widgets.checkin import set_flag
from pausepoint.ui.widgets.common import card, describe, label
from pausepoint.ui.widgets.pacer import PacerWidget

if TYPE_CHECKING:
    from pausepoint.model import Sample
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import BleBackend

logger = logging.getLogger(__name__)

FRAME_MS = 40
"""The wizard redraws 25 times a second while measuring (the pacer moves smoothly)."""
KIND_WORDS = {
    Kind.BASELINE: "Measure the calm level  ·  5 min",
    Kind.RESONANCE: "Find the breathing pace  ·  15 min",
}
KIND_DESCRIPTIONS = {
    Kind.BASELINE: "Five quiet minutes sitting still, to learn your calm heart rate",
    Kind.RESONANCE: "Breathing at a few paces, to find the one that calms your body most",
}
CARD_MARGINS = (22, 18, 22, 18)


def _card() -> tuple[QWidget, QVBoxLayout]:
    return card(margins=CARD_MARGINS)


def _button(text: str, description: str, primary: bool = False) -> QPushButton:
    """A button whose words are its name, with ``description`` for a screen reader."""
    button = describe(QPushButton(text), None, description)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    set_flag(button, "primary", primary)
    return button


def _step_page() -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    page.setObjectName("page")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(12)
    return page, layout


class CalibrationPage(QWidget):
    """The wizard. ``done`` when the person leaves it; ``calibrated`` after a profile is saved."""

    done = Signal()
    calibrated = Signal()

    def __init__(
        self,
        config: Config,
        *,
        store: Callable[[], Store | None],
        end_live: Callable[[], None] = lambda: None,
        is_live: Callable[[], bool] = lambda: False,
        last_strap: Callable[[], tuple[str | None, str | None]] = lambda: (None, None),
        strap_clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backend: BleBackend | None = None,
    ) -> None:
        """``store``: the window's session database (None when it cannot be opened);
        ``end_live``: ends the window's live session before measuring; ``last_strap``: (name,
        address) of the strap used last; ``strap_clock`` and ``sleep``: session time and waits
        for a strap (the pacer follows session time)."""
        super().__init__()
        self.setObjectName("page")
        self.config = config
        self.flow = CalibrationFlow(config)
        self.source = CalibrationSource()
        self._strap: CalibrationSource | None = None
        self._simulated = CalibrationSource(simulate=BASELINE_SCENARIO)
        self.session: CalibrationSession | None = None
        self.feed: StrapFeed | None = None
        self.task: asyncio.Future[None] | None = None
        self._stopping: asyncio.Future[None] | None = None
        self._store = store
        self._end_live = end_live
        self._is_live = is_live
        self._last_strap = last_strap
        self._strap_clock = strap_clock
        self._session_clock: Callable[[], float] | None = None
        self._sleep = sleep
        self._backend = backend
        self._view = SessionViewModel(config)
        self._feedback_after_s = config.estimators.coherence_window_s
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.show_moment)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 10)
        outer.setSpacing(12)
        self.steps = QStackedWidget()
        outer.addWidget(self.steps, 1)
        self.person_step = self._build_person()
        self.instructions_step = self._build_instructions()
        self.measuring_step = self._build_measuring()
        self.result_step = self._build_result()
        for step in (
            self.person_step,
            self.instructions_step,
            self.measuring_step,
            self.result_step,
        ):
            self.steps.addWidget(step)

    def _build_person(self) -> QWidget:
        page, layout = _step_page()
        layout.addWidget(label("Calibrate: pausepoint learns your own calm", "title"))
        layout.addWidget(
            label(
                "pausepoint judges each person against themselves: your own calm heart rate, "
                "and the slow breathing pace your heart follows best. Each person measures "
                "their own; a couple makes two profiles.",
                "muted",
            )
        )
        card, body = _card()
        body.addWidget(label("Who is it?"))
        self.people = QListWidget()
        self.people.setMaximumHeight(170)
        describe(
            self.people, "Who is it?", "The people calibrated before; pick one, or type a name"
        )
        self.people.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.people.currentItemChanged.connect(lambda *_: self._person_picked())
        body.addWidget(self.people)
        row = QHBoxLayout()
        row.addWidget(label("Someone new:"), 0)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("a name, e.g. Sam")
        self.new_name.setMaxLength(40)
        describe(self.new_name, "Someone new", "The name of a person not calibrated yet")
        self.new_name.textEdited.connect(lambda _text: self.people.clearSelection())
        row.addWidget(self.new_name, 1)
        body.addLayout(row)
        self.reminders = label("", "note")
        self.reminders.setStyleSheet("padding: 8px 12px;")
        body.addWidget(self.reminders)
        source_row = QHBoxLayout()
        source_row.addWidget(label("Heartbeats from:"), 0)
        self.source_choice = QComboBox()
        self.source_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_choice.setMinimumContentsLength(36)
        describe(
            self.source_choice, "Heartbeats from", "The strap to measure, or a simulated person"
        )
        self.source_choice.currentIndexChanged.connect(self._source_picked)
        source_row.addWidget(self.source_choice, 1)
        body.addLayout(source_row)
        layout.addWidget(card)
        self.person_message = label("", "muted")
        layout.addWidget(self.person_message)
        buttons = QHBoxLayout()
        self.kind_buttons = {
            kind: _button(text, KIND_DESCRIPTIONS[kind]) for kind, text in KIND_WORDS.items()
        }
        for kind, button in self.kind_buttons.items():
            button.clicked.connect(lambda _checked=False, k=kind: self._choose(k))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.person_back = _button("Back", "Leaves calibration, back to where you were")
        self.person_back.clicked.connect(self.done.emit)
        buttons.addWidget(self.person_back)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_instructions(self) -> QWidget:
        page, layout = _step_page()
        self.instructions_title = label("", "title")
        layout.addWidget(self.instructions_title)
        card, body = _card()
        self.instructions_intro = label()
        body.addWidget(self.instructions_intro)
        self.instructions_steps = label()
        self.instructions_steps.setStyleSheet(f"font-size: {theme.BASE_PT + 2}pt;")
        body.addWidget(self.instructions_steps)
        self.instructions_note = label("", "muted")
        body.addWidget(self.instructions_note)
        layout.addWidget(card)
        buttons = QHBoxLayout()
        self.start_button = _button(
            "Start", "Starts measuring, as the steps above say", primary=True
        )
        set_flag(self.start_button, "big", True)
        self.start_button.clicked.connect(self.start)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        back = _button("Back", "Back to choosing who and what to measure")
        back.clicked.connect(self.show_person)
        buttons.addWidget(back)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_measuring(self) -> QWidget:
        page, layout = _step_page()
        self.measure_title = label("", "title")
        layout.addWidget(self.measure_title)
        self.measure_detail = label("", "muted")
        self.measure_detail.setStyleSheet(f"font-size: {theme.BASE_PT + 2}pt;")
        layout.addWidget(self.measure_detail)
        row = QHBoxLayout()
        row.setSpacing(12)
        visual, visual_layout = _card()
        self.visual = QStackedWidget()
        self.ring = ProgressRing()
        self.pacer = PacerWidget()
        self.pacer.setObjectName("calibrationPacer")
        self.pacer.setStyleSheet("QFrame#calibrationPacer { border: none; }")
        for widget in (self.pacer.rate, self.pacer.ratio, self.pacer.hide_button):
            widget.setVisible(False)
        self.pacing = QWidget()
        pacing_layout = QHBoxLayout(self.pacing)
        pacing_layout.addWidget(self.pacer, 1)
        self.rest = QWidget()
        rest_layout = QVBoxLayout(self.rest)
        rest_layout.addStretch(1)
        self.rest_count = NumberText("00:00", theme.BIG_NUMBER_PT + 10, deep=True)
        self.rest_count.alignment = Qt.AlignmentFlag.AlignCenter
        self.rest_next = label("", "muted")
        self.rest_next.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rest_next.setStyleSheet(f"font-size: {theme.BASE_PT + 3}pt;")
        rest_layout.addWidget(self.rest_count)
        rest_layout.addWidget(self.rest_next)
        rest_layout.addStretch(1)
        for visual_page in (self.ring, self.pacing, self.rest):
            self.visual.addWidget(visual_page)
        visual_layout.addWidget(self.visual, 1)
        row.addWidget(visual, 3)
        side, side_layout = _card()
        side_layout.addWidget(label("Heart rate now", "muted"))
        hr_row = QHBoxLayout()
        self.hr_value = NumberText("000", theme.BIG_NUMBER_PT)
        self.hr_value.setText("–")
        hr_row.addWidget(self.hr_value)
        unit = QLabel("bpm")
        unit.setObjectName("muted")
        hr_row.addWidget(unit, 1, Qt.AlignmentFlag.AlignBottom)
        side_layout.addLayout(hr_row)
        side_layout.addSpacing(8)
        self.part_caption = label("", "muted")
        side_layout.addWidget(self.part_caption)
        self.part_value = NumberText("00:00", theme.BIG_NUMBER_PT)
        side_layout.addWidget(self.part_value)
        side_layout.addSpacing(8)
        self.left_caption = label("Left in all", "muted")
        side_layout.addWidget(self.left_caption)
        self.left_value = NumberText("00:00", theme.BIG_NUMBER_PT)
        side_layout.addWidget(self.left_value)
        side_layout.addStretch(1)
        self.source_line = label("", "muted")
        side_layout.addWidget(self.source_line)
        side.setFixedWidth(320)
        row.addWidget(side)
        layout.addLayout(row, 1)
        self.schedule = ScheduleStrip(self.flow.resonance)
        layout.addWidget(self.schedule)
        buttons = QHBoxLayout()
        self.finish_button = _button("Finish now", "Ends the measurement now and uses what it has")
        self.finish_button.setToolTip("Three minutes after settling are enough; five are steadier")
        self.finish_button.clicked.connect(self.finish_now)
        buttons.addWidget(self.finish_button)
        buttons.addStretch(1)
        self.stop_button = _button("Stop", "Stops without saving anything")
        self.stop_button.clicked.connect(self.cancel)
        buttons.addWidget(self.stop_button)
        layout.addLayout(buttons)
        return page

    def _build_result(self) -> QWidget:
        page, layout = _step_page()
        self.result_layout = layout
        self.result_title = label("", "title")
        layout.addWidget(self.result_title)
        card, body = _card()
        self.figures = QHBoxLayout()
        self.figures.setSpacing(36)
        body.addLayout(self.figures)
        self.result_lead = label()
        self.result_lead.setStyleSheet(f"font-size: {theme.BASE_PT + 1}pt;")
        body.addWidget(self.result_lead)
        self.result_reasons = label("", "note")
        self.result_reasons.setStyleSheet("padding: 10px 14px;")
        body.addWidget(self.result_reasons)
        self.result_lines = label()
        self.result_lines.setStyleSheet(f"font-size: {theme.BASE_PT + 1}pt;")
        body.addWidget(self.result_lines)
        self.chart = RankingChart()
        body.addWidget(self.chart, 1)
        body.setSpacing(14)
        self.result_card = card
        layout.addWidget(card)
        buttons = QHBoxLayout()
        self.repeat_button = _button("Repeat", "Measures again from the start", primary=True)
        self.repeat_button.clicked.connect(self.repeat)
        self.next_button = _button(
            "Next: find the breathing pace", KIND_DESCRIPTIONS[Kind.RESONANCE], primary=True
        )
        self.next_button.clicked.connect(lambda: self._choose(Kind.RESONANCE, self.flow.name))
        self.other_button = _button("Someone else", "Calibrates another person")
        self.other_button.clicked.connect(self.show_person)
        self.done_button = _button("Done", "Leaves calibration, back to where you were")
        self.done_button.clicked.connect(self.done.emit)
        for button in (self.repeat_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.other_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self.result_spacer = QWidget()
        layout.addWidget(self.result_spacer, 1)
        return page

    # ------------------------------------------------------------------ steps

    def open(self, kind: Kind | str | None = None, source: CalibrationSource | None = None) -> None:
        """Begin at "who is it?"; ``kind`` is offered first; ``source`` feeds the measuring."""
        if self.flow.step == Step.MEASURING:
            self._show_step(Step.MEASURING)
            return
        if source is not None:
            if source.simulate is None:
                self._strap = source
            else:
                self._simulated = source
            self.source = source
        if kind is not None:
            self.flow.kind = Kind(kind)
        self.show_person()

    def show_person(self) -> None:
        self.flow.back_to_person()
        self.person_message.setText("")
        store = self._store()
        profiles = []
        now_utc = datetime.now(UTC)
        if store is not None:
            now_utc = store.utc_now()
            try:
                profiles = read_profiles(store)
            except UserError as exc:
                self.person_message.setText(str(exc))
        rows = person_rows(profiles, now_utc)
        self.people.blockSignals(True)
        self.people.clear()
        chosen = self.flow.name if any(r.name == self.flow.name for r in rows) else None
        chosen = chosen or default_name(profiles)
        for row in rows:
            active = "  (in use)" if row.active else ""
            item = QListWidgetItem(f"{row.name}{active}  ·  {row.summary}")
            item.setData(Qt.ItemDataRole.UserRole, row.name)
            self.people.addItem(item)
            if row.name == chosen:
                self.people.setCurrentItem(item)
        self.people.setVisible(bool(rows))
        self.people.blockSignals(False)
        self.new_name.setText("" if rows else chosen)
        due = [row.reminder for row in rows if row.reminder]
        self.reminders.setText("\n".join(due))
        self.reminders.setVisible(bool(due))
        self._fill_sources()
        for kind, button in self.kind_buttons.items():
            set_flag(button, "primary", kind == self.flow.kind)
        self._show_step(Step.PERSON)

    def _fill_sources(self) -> None:
        strap = self._strap
        if strap is None:
            name, address = self._last_strap()
            strap = CalibrationSource(last_used_address=address, label=name or address)
        if self.source.simulate is None:
            self.source = strap
        self.source_choice.blockSignals(True)
        self.source_choice.clear()
        for source in (strap, self._simulated):
            self.source_choice.addItem(source.words(), source)
        self.source_choice.setCurrentIndex(0 if self.source.simulate is None else 1)
        self.source_choice.blockSignals(False)

    def _source_picked(self) -> None:
        source = self.source_choice.currentData()
        if isinstance(source, CalibrationSource):
            self.source = source

    def _person_picked(self) -> None:
        if self.people.currentItem() is not None:
            self.new_name.clear()

    def chosen_name(self) -> str:
        typed = self.new_name.text().strip()
        item = self.people.currentItem()
        if typed or item is None:
            return typed
        return str(item.data(Qt.ItemDataRole.UserRole))

    def _choose(self, kind: Kind, name: str | None = None) -> None:
        try:
            self.flow.choose(self.chosen_name() if name is None else name, kind)
        except BadInput:
            self.person_message.setText(
                "Type a name of 1 to 40 letters, digits, spaces, dots or dashes, or pick one "
                "from the list."
            )
            return
        self.show_instructions()

    def choose(self, name: str, kind: Kind | str) -> None:
        """Who and what, as the person step would take them."""
        self.flow.choose(name, kind)
        self.show_instructions()

    def show_instructions(self) -> None:
        text = self.flow.instructions()
        self.instructions_title.setText(text.title)
        self.instructions_intro.setText(text.intro)
        rows = "".join(
            f"<tr><td>{i}.</td><td>{html.escape(step, quote=False)}</td></tr>"
            for i, step in enumerate(text.steps, 1)
        )
        self.instructions_steps.setText(f"<table cellspacing='6'>{rows}</table>")
        notes = [f"Heartbeats from: {self.source.words()}."]
        if self.source.simulate is None:
            notes.append("The strap's heartbeats are kept as a session, as every session is.")
        if self._is_live():
            notes.append("Starting ends the session running now; it stays saved.")
        self.instructions_note.setText(" ".join(notes))
        self._show_step(Step.INSTRUCTIONS)

    def _show_step(self, step: Step) -> None:
        page = {
            Step.PERSON: self.person_step,
            Step.INSTRUCTIONS: self.instructions_step,
            Step.MEASURING: self.measuring_step,
            Step.RESULT: self.result_step,
        }[step]
        self.steps.setCurrentWidget(page)

    # ------------------------------------------------------------------ measuring

    def begin_measuring(self) -> CalibrationSession:
        """A new run of the chosen protocol, ready for samples (no source started):
        ``start`` adds the source; tests and screenshots feed samples themselves."""
        self._end_live()
        self._forget_run()
        flow, source = self.flow, self.source
        session = CalibrationSession.begin(
            self.config, self._view, flow, source, self._store(), on_end=self._ended
        )
        self.session = session
        self._session_clock = None
        self.visual.setCurrentWidget(self.ring if flow.kind == Kind.BASELINE else self.rest)
        self.schedule.setVisible(flow.kind == Kind.RESONANCE)
        for widget in (self.part_caption, self.part_value, self.left_caption, self.left_value):
            widget.setVisible(flow.kind == Kind.RESONANCE)  # the ring counts the rest down
        self.finish_button.setVisible(flow.kind == Kind.BASELINE)
        self.pacer.set_rate(flow.resonance.rates_bpm[0], flow.resonance.inhale_fraction)
        self._show_step(Step.MEASURING)
        self.show_moment()
        return session

    def simulated_samples(self) -> list[Sample]:
        """The simulated person's samples for the chosen protocol."""
        return simulated_samples(self.flow, self.source)

    def start(self) -> None:
        """Measure now: from the strap, or the simulated person at its speed."""
        source = self.source
        samples: list[Sample] = []
        if source.simulate is not None:
            try:
                samples = self.simulated_samples()
            except UserError as exc:
                self.instructions_note.setText(str(exc))
                return
        session = self.begin_measuring()
        if source.simulate is not None:
            session.status.set_link("simulated")
            self.task = asyncio.ensure_future(
                play_simulation(session, samples, source.speed, sleep=self._sleep)
            )
        else:
            self._session_clock = self._strap_clock or session_clock()
            self.feed = StrapFeed(
                session,
                [source.strap_target()],
                instead="try a simulated conversation",
                backend=self._backend,
                clock=self._session_clock,
                sleep=self._sleep,
            )
            self.task = asyncio.ensure_future(self.feed.run())
        self._timer.start()

    def _ended(self, ending: Ending) -> None:
        """The run ended and was judged (the session says so): stop the source, show."""
        self._timer.stop()
        if self.feed is not None:
            self._stop_feed()
        if ending.saved:
            self.calibrated.emit()
        self.show_result()

    def finish_now(self) -> None:
        """The person ends the rest early (enough was measured)."""
        if self.session is not None and self.flow.moment().can_finish:
            self.session.finish()

    def cancel(self) -> None:
        """Stop measuring without judging; the strap's recording stays a session."""
        if self.flow.step != Step.MEASURING:
            return
        self.flow.again()
        self._timer.stop()
        if self.session is not None:
            self.session.finish()
        self._stop_feed()
        if self.task is not None and not self.task.done() and self.feed is None:
            self.task.cancel()
        self.show_instructions()
        self.instructions_note.setText(
            "Stopped. The profile is as it was; start again when you like."
        )

    def _stop_feed(self) -> None:
        if self.feed is not None and self._stopping is None:
            with contextlib.suppress(RuntimeError):
                self._stopping = asyncio.ensure_future(self.feed.stop())
                self._stopping.add_done_callback(_log_failure)

    def _forget_run(self) -> None:
        if self.task is not None and not self.task.done():
            if self.feed is None:
                self.task.cancel()
            else:
                self._stop_feed()
        self.session = None
        self.feed = None
        self.task = None
        self._stopping = None

    async def stop(self) -> None:
        """Stop what runs (the window is closing): nothing is judged or saved."""
        self._timer.stop()
        if self.flow.step == Step.MEASURING:
            self.flow.again()
        feed, task, stopping = self.feed, self.task, self._stopping
        if feed is not None:
            await feed.stop()
        if task is not None and not task.done():
            task.cancel()
        for future in (task, stopping):
            if future is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await future
        if self.session is not None:
            self.session.finish()

    # ------------------------------------------------------------------ drawing

    def show_moment(self) -> None:
        """Draw the measuring step at the session's time now."""
        flow = self.flow
        if flow.step != Step.MEASURING:
            return
        now_s = None
        if self._session_clock is not None and flow.start_s is not None:
            now_s = max(self._session_clock(), flow.t_s or 0.0)
        moment = flow.moment(now_s)
        _set_text(self.measure_title, moment.title)
        _set_text(self.measure_detail, moment.detail)
        self.left_value.setText(countdown_text(moment.left_s))
        self.hr_value.setText("–" if flow.hr_bpm is None else f"{flow.hr_bpm:.0f}")
        _set_text(self.source_line, self._source_text())
        if flow.kind == Kind.BASELINE:
            self._show_baseline(moment)
        else:
            self._show_resonance(moment)

    def _show_baseline(self, moment: Moment) -> None:
        settling = moment.elapsed_s < self.flow.baseline.settle_s
        self.ring.set_state(
            moment.progress, countdown_text(moment.left_s), moment.part_caption, settling
        )
        self.finish_button.setEnabled(moment.can_finish)

    def _show_resonance(self, moment: Moment) -> None:
        self.schedule.set_elapsed(moment.elapsed_s)
        _set_text(self.part_caption, moment.part_caption[:1].upper() + moment.part_caption[1:])
        self.part_value.setText(countdown_text(moment.part_left_s))
        if moment.pacing and moment.rate_bpm is not None and moment.pacer_t_s is not None:
            if self.visual.currentWidget() is not self.pacing:
                self.visual.setCurrentWidget(self.pacing)
            if self.pacer.rate_bpm != moment.rate_bpm:
                self.pacer.set_rate(moment.rate_bpm, self.flow.resonance.inhale_fraction)
            self.pacer.hold(moment.pacer_t_s)
            # The pipeline's coherence and breathing rate look back a window: until it holds
            # this pace alone they describe the rest before it.
            latest = None if self.session is None else self.session.latest
            if latest is not None and moment.pacer_t_s >= self._feedback_after_s:
                self.pacer.set_feedback(latest.coherence, latest.resp_rate_bpm)
            else:
                self.pacer.set_feedback(None, None)
            return
        if self.visual.currentWidget() is not self.rest:
            self.visual.setCurrentWidget(self.rest)
        self.rest_count.setText(countdown_text(moment.part_left_s) if moment.started else "…")
        _set_text(self.rest_next, moment.part_caption)

    def _source_text(self) -> str:
        session = self.session
        if session is None:
            return ""
        if self.source.simulate is not None:
            return f"{self.source.words()}. Not kept as a session."
        status = session.status
        parts = [status.source_label, status.link_text(), status.signal_text()]
        if status.battery_pct is not None:
            parts.append(status.battery_text())
        parts.append(status.recording_text())
        text = " · ".join(part for part in parts if part)
        return f"{text}\n{status.message}" if status.message else text

    def show_result(self) -> None:
        outcome = self.flow.outcome
        if outcome is None:
            return
        self._draw_result(outcome)
        self._show_step(Step.RESULT)

    def _draw_result(self, outcome: Outcome) -> None:
        self.result_title.setText(outcome.title)
        self.result_lead.setText(outcome.lines[0] if outcome.lines else "")
        self.result_reasons.setText("\n".join(f"•  {reason}" for reason in outcome.reasons))
        self.result_reasons.setVisible(bool(outcome.reasons))
        self.result_lines.setText("\n\n".join(outcome.lines[1:]))
        self.result_lines.setVisible(len(outcome.lines) > 1)
        _clear(self.figures)
        for value, unit, caption in outcome.figures:
            self.figures.addLayout(_figure(value, unit, caption))
        self.figures.addStretch(1)
        show_chart = outcome.kind == Kind.RESONANCE and any(
            bar.strength is not None for bar in outcome.bars
        )
        self.chart.set_bars(outcome.bars, outcome.chosen_rate_bpm)
        self.chart.setVisible(show_chart)
        self.result_layout.setStretchFactor(self.result_card, 1 if show_chart else 0)
        self.result_spacer.setVisible(not show_chart)
        self.repeat_button.setVisible(not outcome.accepted)
        self.next_button.setVisible(outcome.accepted and outcome.kind == Kind.BASELINE)
        set_flag(self.done_button, "primary", outcome.accepted and outcome.kind == Kind.RESONANCE)

    def repeat(self) -> None:
        self.flow.again()
        self.show_instructions()


def _figure(value: str, unit: str, caption: str) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(0)
    row = QHBoxLayout()
    row.setSpacing(6)
    number = QLabel(value)
    number.setObjectName("bigNumber")
    number.setProperty("deep", True)
    row.addWidget(number)
    unit_label = QLabel(unit)
    unit_label.setObjectName("muted")
    row.addWidget(unit_label, 1, Qt.AlignmentFlag.AlignBottom)
    column.addLayout(row)
    words = QLabel(caption)
    words.setObjectName("muted")
    column.addWidget(words)
    return column


def _clear(layout: QLayout) -> None:
    """Remove every item (and its widgets) from a layout."""
    while (item := layout.takeAt(0)) is not None:
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.deleteLater()
        elif inner is not None:
            _clear(inner)
            inner.deleteLater()


def _log_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("the strap did not disconnect cleanly: %s", future.exception())


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def calibrate_into(page: CalibrationPage, *, until_t_s: float = math.inf) -> CalibrationSession:
    """Feed the chosen protocol's simulated samples into the page at once, up to session time
    ``until_t_s`` (the end: judged, saved and shown); no event loop is needed (tests, and
    the dashboard's screenshot of a calibration)."""
    samples = page.simulated_samples()
    session = page.begin_measuring()
    feed_at_once(session, samples, until_t_s)
    page.show_moment()
    return session

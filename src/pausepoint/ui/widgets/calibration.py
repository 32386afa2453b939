"""The calibration wizard: who, what to do, the measuring (a ring, or the pacer), the result.

Its steps, timing and words are ui.calibration_flow (no Qt); this page draws them and runs
the source. Samples come through a LiveSession: a strap's through the recorder, so its raw
beats are kept as a session (as `pausepoint calibrate` keeps them); a simulated person's
through a bare pipeline, not kept. Each sample also goes to the flow, which is judged when
the protocol's time is over. An accepted result is saved in the person's profile, which
becomes the active one.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pausepoint.calibration.assessment import ResonanceProtocol, read_profiles, simulated_resonance
from pausepoint.config import Config
from pausepoint.errors import BadInput, UserError
from pausepoint.model import Sample, Update
from pausepoint.ui import theme
from pausepoint.ui.calibration_model import (
    END_SLACK_S,
    Bar,
    CalibrationFlow,
    Kind,
    Moment,
    Outcome,
    Step,
    default_name,
    minutes_text,
    person_rows,
)
from pausepoint.ui.session_model import LiveSession, StrapFeed, play_simulation
from pausepoint.ui.view_model import SessionViewModel, StatusModel
from pausepoint.ui.widgets.checkin import set_flag
from pausepoint.ui.widgets.pacer import PacerWidget

logger = logging.getLogger(__name__)

FRAME_MS = 40
"""The wizard redraws 25 times a second while measuring (the pacer moves smoothly)."""
SIMULATED_SPEED = 10.0
"""A simulated person chosen in the wizard runs this much faster than real time."""
BASELINE_SCENARIO = "calm"
NOTE_GROUND = "#FBF1DD"
"""A pale orange behind what to change: noticed, not alarming."""
KIND_WORDS = {
    Kind.BASELINE: "Measure the calm level  ·  5 min",
    Kind.RESONANCE: "Find the breathing pace  ·  15 min",
}


@dataclass(frozen=True)
class CalibrationSource:
    """Where heartbeats come from: a strap (``address`` or ``name``; neither: the last one
    used, else the strongest heard), or, with ``simulate``, a simulated person."""

    address: str | None = None
    name: str | None = None
    last_used_address: str | None = None
    label: str | None = None
    simulate: str | None = None
    """The simulator's scenario for the calm level (the breathing pace always uses the
    simulator's own resonance scenario, which breathes the protocol's schedule)."""
    seed: int = 0
    speed: float = SIMULATED_SPEED

    def words(self) -> str:
        if self.simulate is not None:
            speed = f"{self.speed:g}× faster"
            if math.isinf(self.speed) or self.speed == 1.0:
                speed = "at full speed" if self.speed > 1.0 else "real time"
            return f"A simulated person ({speed}, to try it out)"
        return f"Heart-rate strap ({self.label or self.name or self.address or 'the nearest one'})"


class CalibrationSession(LiveSession):
    """A LiveSession that also hands every sample to the wizard and says when it ends."""

    def __init__(
        self,
        *args: Any,
        on_sample: Callable[[Sample, Update | None], None],
        on_end: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._on_sample = on_sample
        self._on_end = on_end

    def feed(self, sample: Sample) -> Update | None:
        if self.finished:
            return None
        update = super().feed(sample)
        self._on_sample(sample, update)
        return update

    def finish(self) -> None:
        if self.finished:
            return
        super().finish()
        self._on_end()


# --- drawings ----------------------------------------------------------------------------


class NumberText(QWidget):
    """A big number that changes every second, painted rather than laid out: a QLabel's new
    text re-lays the whole window out, this only repaints itself."""

    def __init__(self, template: str, size_pt: float, colour: str = theme.INK) -> None:
        super().__init__()
        self._text = ""
        self._colour = QColor(colour)
        # The stylesheet sets every widget's font size; this one keeps its own for painting.
        self._font = QFont(self.font())
        self._font.setPointSizeF(size_pt)
        self._font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(self._font)
        self._size = QSize(metrics.horizontalAdvance(template), metrics.height())
        self.setMinimumSize(self._size)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.alignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def sizeHint(self) -> QSize:
        return self._size

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(self._font)
        painter.setPen(self._colour)
        painter.drawText(self.rect(), self.alignment, self._text)
        painter.end()


class ProgressRing(QWidget):
    """How far through the rest: a ring that fills, the time left inside."""

    def __init__(self) -> None:
        super().__init__()
        self.progress = 0.0
        self.settling = True
        self.big = ""
        self.small = ""
        self.setMinimumSize(220, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    MAX_SIDE_PX = 400

    def set_state(self, progress: float, big: str, small: str, settling: bool) -> None:
        changed = (progress, big, small, settling) != (
            self.progress,
            self.big,
            self.small,
            self.settling,
        )
        self.progress, self.big, self.small, self.settling = progress, big, small, settling
        if changed:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 16.0
        side = min(self.width(), self.height(), self.MAX_SIDE_PX) - width - 8
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter.setPen(
            QPen(QColor("#ECE8E0"), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
        )
        painter.drawEllipse(rect)
        colour = theme.MUTED if self.settling else theme.BLUISH_GREEN
        pen = QPen(QColor(colour), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        span = -round(360 * 16 * min(1.0, max(0.0, self.progress)))
        if span:
            painter.drawArc(rect, 90 * 16, span)
        painter.setPen(QColor(theme.INK))
        font = QFont(self.font())
        font.setPointSizeF(theme.BIG_NUMBER_PT)
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        upper = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.56)
        painter.drawText(
            upper, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, self.big
        )
        font.setPointSizeF(theme.BASE_PT)
        font.setWeight(QFont.Weight.Normal)
        painter.setFont(font)
        painter.setPen(QColor(theme.MUTED))
        lower = QRectF(rect.left(), rect.top() + rect.height() * 0.58, rect.width(), 30)
        painter.drawText(
            lower, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.small
        )
        painter.end()


class ScheduleStrip(QWidget):
    """The resonance protocol along a line: each pace a block with its rate, rests between,
    filled up to now."""

    HEIGHT_PX = 58

    def __init__(self, protocol: ResonanceProtocol) -> None:
        super().__init__()
        self.protocol = protocol
        self.elapsed_s = 0.0
        self.setFixedHeight(self.HEIGHT_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_elapsed(self, elapsed_s: float) -> None:
        if elapsed_s != self.elapsed_s:
            self.elapsed_s = elapsed_s
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = 8.0
        width = self.width() - 2 * margin
        total_s = self.protocol.duration_s
        mid = 22.0

        def x(t_s: float) -> float:
            return margin + width * t_s / total_s

        painter.setPen(QPen(QColor(theme.LINE), 3))
        painter.drawLine(QPointF(x(0), mid), QPointF(x(total_s), mid))
        painter.setPen(QPen(QColor(theme.MUTED), 3))
        painter.drawLine(QPointF(x(0), mid), QPointF(x(min(self.elapsed_s, total_s)), mid))
        font = QFont(self.font())
        font.setPointSizeF(theme.BASE_PT - 1)
        painter.setFont(font)
        for block in self.protocol.blocks():
            rect = QRectF(x(block.start_s), mid - 13, x(block.end_s) - x(block.start_s), 26)
            painter.setPen(Qt.PenStyle.NoPen)
            pale = QColor(theme.SKY_BLUE)
            pale.setAlpha(70)
            painter.setBrush(pale)
            painter.drawRoundedRect(rect, 6, 6)
            done_s = min(max(self.elapsed_s - block.start_s, 0.0), block.end_s - block.start_s)
            if done_s > 0:
                done = QRectF(rect.left(), rect.top(), x(block.start_s + done_s) - rect.left(), 26)
                painter.setBrush(QColor(theme.SKY_BLUE))
                painter.drawRoundedRect(done, 6, 6)
            painter.setPen(QColor(theme.INK))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{block.rate_bpm:g}")
        now_x = x(min(self.elapsed_s, total_s))
        painter.setPen(QPen(QColor(theme.DEEP), 2))
        painter.drawLine(QPointF(now_x, mid - 17), QPointF(now_x, mid + 17))
        painter.setPen(QColor(theme.MUTED))
        caption = QRectF(margin, mid + 17, width, self.height() - mid - 17)
        p = self.protocol
        painter.drawText(
            caption,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"breaths a minute, {p.paced_s / 60:g} min each, {p.rest_s / 60:g} min of rest between",
        )
        painter.end()


class RankingChart(QWidget):
    """How strongly the heart swung with the breath at each pace, the chosen pace marked."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: tuple[Bar, ...] = ()
        self.chosen_rate_bpm: float | None = None
        self.setMinimumSize(420, 210)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: Sequence[Bar], chosen_rate_bpm: float | None) -> None:
        self.bars = tuple(bars)
        self.chosen_rate_bpm = chosen_rate_bpm
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.bars:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPointSizeF(theme.BASE_PT - 1)
        painter.setFont(font)
        top, bottom = 44.0, self.height() - 30.0
        slot = self.width() / len(self.bars)
        bar_w = min(64.0, slot * 0.55)
        rates = [b.rate_bpm for b in self.bars]
        chosen = self.chosen_rate_bpm
        if chosen is not None and len(rates) > 1:
            x = _x_of_rate(chosen, rates, slot)
            painter.setPen(QPen(QColor(theme.DEEP), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, 22), QPointF(x, bottom))
            painter.setPen(QColor(theme.DEEP))
            bold = QFont(font)
            bold.setWeight(QFont.Weight.DemiBold)
            painter.setFont(bold)
            painter.drawText(
                QRectF(x - 120, 0, 240, 20),
                Qt.AlignmentFlag.AlignCenter,
                f"your pace: {chosen:g} a minute",
            )
            painter.setFont(font)
        for i, bar in enumerate(self.bars):
            centre = slot * (i + 0.5)
            label = QRectF(centre - slot / 2, bottom + 4, slot, 24)
            painter.setPen(QColor(theme.INK))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, f"{bar.rate_bpm:g} a minute")
            if bar.strength is None:
                painter.setPen(QPen(QColor(theme.LINE), 1.5, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(centre - bar_w / 2, bottom - 6, bar_w, 6))
                painter.setPen(QColor(theme.MUTED))
                words = QRectF(centre - slot / 2, bottom - 34, slot, 24)
                painter.drawText(words, Qt.AlignmentFlag.AlignCenter, "not followed")
                continue
            height = (bottom - top) * bar.strength
            rect = QRectF(centre - bar_w / 2, bottom - height, bar_w, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.BLUE if bar.chosen else theme.SKY_BLUE))
            painter.drawRoundedRect(rect, 5, 5)
            if bar.rank is not None:
                rank = QRectF(centre - 22, rect.top() - 24, 44, 20)
                painter.fillRect(rank, QColor(theme.CARD))
                painter.setPen(QColor(theme.INK))
                painter.drawText(rank, Qt.AlignmentFlag.AlignCenter, _ordinal(bar.rank))
        painter.setPen(QPen(QColor(theme.LINE), 1))
        painter.drawLine(QPointF(0, bottom), QPointF(self.width(), bottom))
        painter.end()


def _x_of_rate(rate_bpm: float, rates: Sequence[float], slot: float) -> float:
    """Where a rate between the bars' rates sits (rates evenly spaced, in any order)."""
    first, last = rates[0], rates[-1]
    share = (rate_bpm - first) / (last - first)
    return slot * (0.5 + share * (len(rates) - 1))


def _ordinal(rank: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(rank, f"{rank}th")


# --- the page ----------------------------------------------------------------------------


def _label(text: str = "", name: str | None = None) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(22, 18, 22, 18)
    layout.setSpacing(10)
    return card, layout


def _button(text: str, primary: bool = False) -> QPushButton:
    button = QPushButton(text)
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
        store: Callable[[], Any],
        end_live: Callable[[], None] = lambda: None,
        is_live: Callable[[], bool] = lambda: False,
        last_strap: Callable[[], tuple[str | None, str | None]] = lambda: (None, None),
        strap_clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backend: Any = None,
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
        self._latest: Update | None = None
        self._view = SessionViewModel(config)
        self._feedback_after_s = config.estimators.coherence_window_s
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.render)

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
        layout.addWidget(_label("Calibrate: pausepoint learns your own calm", "title"))
        layout.addWidget(
            _label(
                "pausepoint judges each person against themselves: your own calm heart rate, "
                "and the slow breathing pace your heart follows best. Each person measures "
                "their own; a couple makes two profiles.",
                "muted",
            )
        )
        card, body = _card()
        body.addWidget(_label("Who is it?"))
        self.people = QListWidget()
        self.people.setMaximumHeight(170)
        self.people.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.people.currentItemChanged.connect(lambda *_: self._person_picked())
        body.addWidget(self.people)
        row = QHBoxLayout()
        row.addWidget(_label("Someone new:"), 0)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("a name, e.g. Sam")
        self.new_name.setMaxLength(40)
        self.new_name.textEdited.connect(lambda _text: self.people.clearSelection())
        row.addWidget(self.new_name, 1)
        body.addLayout(row)
        self.reminders = _label("", "muted")
        self.reminders.setStyleSheet(
            f"background: {NOTE_GROUND}; border-radius: 8px; padding: 8px 12px; color: {theme.INK};"
        )
        body.addWidget(self.reminders)
        source_row = QHBoxLayout()
        source_row.addWidget(_label("Heartbeats from:"), 0)
        self.source_choice = QComboBox()
        self.source_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_choice.setMinimumContentsLength(36)
        self.source_choice.currentIndexChanged.connect(self._source_picked)
        source_row.addWidget(self.source_choice, 1)
        body.addLayout(source_row)
        layout.addWidget(card)
        self.person_message = _label("", "muted")
        layout.addWidget(self.person_message)
        buttons = QHBoxLayout()
        self.kind_buttons = {kind: _button(text) for kind, text in KIND_WORDS.items()}
        for kind, button in self.kind_buttons.items():
            button.clicked.connect(lambda _checked=False, k=kind: self._choose(k))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.person_back = _button("Back")
        self.person_back.clicked.connect(self.done.emit)
        buttons.addWidget(self.person_back)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_instructions(self) -> QWidget:
        page, layout = _step_page()
        self.instructions_title = _label("", "title")
        layout.addWidget(self.instructions_title)
        card, body = _card()
        self.instructions_intro = _label()
        body.addWidget(self.instructions_intro)
        self.instructions_steps = _label()
        self.instructions_steps.setStyleSheet(f"font-size: {theme.BASE_PT + 2}pt;")
        body.addWidget(self.instructions_steps)
        self.instructions_note = _label("", "muted")
        body.addWidget(self.instructions_note)
        layout.addWidget(card)
        buttons = QHBoxLayout()
        self.start_button = _button("Start", primary=True)
        set_flag(self.start_button, "big", True)
        self.start_button.clicked.connect(self.start)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        back = _button("Back")
        back.clicked.connect(self.show_person)
        buttons.addWidget(back)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_measuring(self) -> QWidget:
        page, layout = _step_page()
        self.measure_title = _label("", "title")
        layout.addWidget(self.measure_title)
        self.measure_detail = _label("", "muted")
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
        for widget in (self.pacer.rate, self.pacer.ratio, self.pacer.findChild(QPushButton)):
            widget.setVisible(False)
        self.pacing = QWidget()
        pacing_layout = QHBoxLayout(self.pacing)
        pacing_layout.addWidget(self.pacer, 1)
        self.rest = QWidget()
        rest_layout = QVBoxLayout(self.rest)
        rest_layout.addStretch(1)
        self.rest_count = NumberText("00:00", theme.BIG_NUMBER_PT + 10, theme.DEEP)
        self.rest_count.alignment = Qt.AlignmentFlag.AlignCenter
        self.rest_next = _label("", "muted")
        self.rest_next.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rest_next.setStyleSheet(f"font-size: {theme.BASE_PT + 3}pt;")
        rest_layout.addWidget(self.rest_count)
        rest_layout.addWidget(self.rest_next)
        rest_layout.addStretch(1)
        for widget in (self.ring, self.pacing, self.rest):
            self.visual.addWidget(widget)
        visual_layout.addWidget(self.visual, 1)
        row.addWidget(visual, 3)
        side, side_layout = _card()
        side_layout.addWidget(_label("Heart rate now", "muted"))
        hr_row = QHBoxLayout()
        self.hr_value = NumberText("000", theme.BIG_NUMBER_PT)
        self.hr_value.setText("–")
        hr_row.addWidget(self.hr_value)
        unit = QLabel("bpm")
        unit.setObjectName("muted")
        hr_row.addWidget(unit, 1, Qt.AlignmentFlag.AlignBottom)
        side_layout.addLayout(hr_row)
        side_layout.addSpacing(8)
        self.part_caption = _label("", "muted")
        side_layout.addWidget(self.part_caption)
        self.part_value = NumberText("00:00", theme.BIG_NUMBER_PT)
        side_layout.addWidget(self.part_value)
        side_layout.addSpacing(8)
        self.left_caption = _label("Left in all", "muted")
        side_layout.addWidget(self.left_caption)
        self.left_value = NumberText("00:00", theme.BIG_NUMBER_PT)
        side_layout.addWidget(self.left_value)
        side_layout.addStretch(1)
        self.source_line = _label("", "muted")
        side_layout.addWidget(self.source_line)
        side.setFixedWidth(320)
        row.addWidget(side)
        layout.addLayout(row, 1)
        self.schedule = ScheduleStrip(self.flow.resonance)
        layout.addWidget(self.schedule)
        buttons = QHBoxLayout()
        self.finish_button = _button("Finish now")
        self.finish_button.setToolTip("Three minutes after settling are enough; five are steadier")
        self.finish_button.clicked.connect(self.finish_now)
        buttons.addWidget(self.finish_button)
        buttons.addStretch(1)
        self.stop_button = _button("Stop")
        self.stop_button.clicked.connect(self.cancel)
        buttons.addWidget(self.stop_button)
        layout.addLayout(buttons)
        return page

    def _build_result(self) -> QWidget:
        page, layout = _step_page()
        self.result_title = _label("", "title")
        layout.addWidget(self.result_title)
        card, body = _card()
        self.figures = QHBoxLayout()
        self.figures.setSpacing(36)
        body.addLayout(self.figures)
        self.result_lead = _label()
        self.result_lead.setStyleSheet(f"font-size: {theme.BASE_PT + 1}pt;")
        body.addWidget(self.result_lead)
        self.result_reasons = _label()
        self.result_reasons.setStyleSheet(
            f"background: {NOTE_GROUND}; border-radius: 8px; padding: 10px 14px;"
        )
        body.addWidget(self.result_reasons)
        self.result_lines = _label()
        self.result_lines.setStyleSheet(f"font-size: {theme.BASE_PT + 1}pt;")
        body.addWidget(self.result_lines)
        self.chart = RankingChart()
        body.addWidget(self.chart, 1)
        body.setSpacing(14)
        self.result_card = card
        layout.addWidget(card)
        buttons = QHBoxLayout()
        self.repeat_button = _button("Repeat", primary=True)
        self.repeat_button.clicked.connect(self.repeat)
        self.next_button = _button("Next: find the breathing pace", primary=True)
        self.next_button.clicked.connect(lambda: self._choose(Kind.RESONANCE, self.flow.name))
        self.other_button = _button("Someone else")
        self.other_button.clicked.connect(self.show_person)
        self.done_button = _button("Done")
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
        status = StatusModel(source_label=source.words())
        store = self._store()
        recorder = None
        if source.simulate is None and store is not None:
            recorder = self._recorder(store, status)
        self._view.reset()
        self._latest = None
        session = CalibrationSession(
            self.config,
            self._view,
            status,
            recorder=recorder,
            pipeline=None if recorder is not None else self._bare_pipeline(),
            on_sample=self._on_sample,
            on_end=self._on_end,
        )
        self.session = session
        flow.begin(0.0 if source.simulate is not None else None)
        self._session_clock = None
        self.visual.setCurrentWidget(self.ring if flow.kind == Kind.BASELINE else self.rest)
        self.schedule.setVisible(flow.kind == Kind.RESONANCE)
        for widget in (self.part_caption, self.part_value, self.left_caption, self.left_value):
            widget.setVisible(flow.kind == Kind.RESONANCE)  # the ring counts the rest down
        self.finish_button.setVisible(flow.kind == Kind.BASELINE)
        self.pacer.set_rate(flow.resonance.rates_bpm[0], flow.resonance.inhale_fraction)
        self._show_step(Step.MEASURING)
        self.render()
        return session

    def _recorder(self, store: Any, status: StatusModel) -> Any | None:
        from pausepoint.sessions.recorder import PipelineSettings, Recorder
        from pausepoint.sessions.store import StoreError

        try:
            return Recorder(
                store,
                self.config,
                source="ble",
                settings=PipelineSettings(auto_break=False),
                note=f"calibration: {self.flow.kind} for {self.flow.name}",
                profile=self.flow.name,
                strap_name=self.source.name,
                strap_address=self.source.address,
            )
        except StoreError as exc:
            status.set_message(f"Not recording: {exc}")
            return None

    def _bare_pipeline(self) -> Any:
        from pausepoint.sessions.recorder import PipelineSettings

        return PipelineSettings(auto_break=False).build(self.config)

    def simulated_samples(self) -> list[Sample]:
        """The simulated person's samples for the chosen protocol."""
        from pausepoint.sources.simulated.scenarios import simulate

        flow, source = self.flow, self.source
        if flow.kind == Kind.RESONANCE:
            return simulated_resonance(flow.resonance, source.seed)
        scenario = source.simulate or BASELINE_SCENARIO
        minutes = flow.baseline.duration_s / 60.0
        return list(simulate(scenario, seed=source.seed, minutes=minutes).samples)

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
            self._session_clock = self._strap_clock or _clock_from_now()
            self.feed = StrapFeed(
                session,
                address=source.address,
                name=source.name,
                last_used_address=source.last_used_address,
                backend=self._backend,
                clock=self._session_clock,
                sleep=self._sleep,
            )
            session.status.set_link("scanning")
            self.task = asyncio.ensure_future(self.feed.run())
        self._timer.start()

    def _on_sample(self, sample: Sample, update: Update | None) -> None:
        if update is not None:
            self._latest = update
        hr_bpm = None if update is None else update.hr_bpm
        if self.flow.feed(sample, hr_bpm) and self.session is not None:
            self.session.finish()

    def _on_end(self) -> None:
        """The protocol's time is over, or the source ended: judge, save, show."""
        session = self.session
        if self.flow.step != Step.MEASURING or session is None:
            return
        self._timer.stop()
        if self.feed is not None:
            self._stop_feed()
        elapsed_s = self.flow.elapsed_s()
        stopped = None
        if elapsed_s < self.flow.duration_s - END_SLACK_S:
            stopped = session.status.message or (
                "no heartbeat came through" if self.flow.start_s is None else "the source ended"
            )
        store = self._store()
        measured_utc = datetime.now(UTC) if store is None else store.utc_now()
        outcome = self.flow.finish(measured_utc, stopped)
        if outcome.accepted:
            self._save(store)
        self.show_result()

    def _save(self, store: Any) -> None:
        if store is None:
            self.flow.not_saved("the session database cannot be opened")
            return
        try:
            self.flow.save(store)
        except UserError as exc:
            self.flow.not_saved(exc)
            return
        self.calibrated.emit()

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

    def render(self) -> None:
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
        self.left_value.setText(minutes_text(moment.left_s))
        self.hr_value.setText("–" if flow.hr_bpm is None else f"{flow.hr_bpm:.0f}")
        _set_text(self.source_line, self._source_text())
        if flow.kind == Kind.BASELINE:
            self._render_baseline(moment)
        else:
            self._render_resonance(moment)

    def _render_baseline(self, moment: Moment) -> None:
        settling = moment.elapsed_s < self.flow.baseline.settle_s
        self.ring.set_state(
            moment.progress, minutes_text(moment.left_s), moment.part_caption, settling
        )
        self.finish_button.setEnabled(moment.can_finish)

    def _render_resonance(self, moment: Moment) -> None:
        self.schedule.set_elapsed(moment.elapsed_s)
        _set_text(self.part_caption, moment.part_caption[:1].upper() + moment.part_caption[1:])
        self.part_value.setText(minutes_text(moment.part_left_s))
        if moment.pacing and moment.rate_bpm is not None and moment.pacer_t_s is not None:
            if self.visual.currentWidget() is not self.pacing:
                self.visual.setCurrentWidget(self.pacing)
            if self.pacer.rate_bpm != moment.rate_bpm:
                self.pacer.set_rate(moment.rate_bpm, self.flow.resonance.inhale_fraction)
            self.pacer.hold(moment.pacer_t_s)
            # The pipeline's coherence and breathing rate look back a window: until it holds
            # this pace alone they describe the rest before it.
            latest = self._latest
            if latest is not None and moment.pacer_t_s >= self._feedback_after_s:
                self.pacer.set_feedback(latest.coherence, latest.resp_rate_bpm)
            else:
                self.pacer.set_feedback(None, None)
            return
        if self.visual.currentWidget() is not self.rest:
            self.visual.setCurrentWidget(self.rest)
        self.rest_count.setText(minutes_text(moment.part_left_s) if moment.started else "…")
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
        self.result_step.layout().setStretchFactor(self.result_card, 1 if show_chart else 0)
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
    number.setStyleSheet(f"color: {theme.DEEP};")
    row.addWidget(number)
    unit_label = QLabel(unit)
    unit_label.setObjectName("muted")
    row.addWidget(unit_label, 1, Qt.AlignmentFlag.AlignBottom)
    column.addLayout(row)
    words = QLabel(caption)
    words.setObjectName("muted")
    column.addWidget(words)
    return column


def _clear(layout: QHBoxLayout) -> None:
    """Remove every item (and its widgets) from a layout."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())
            item.layout().deleteLater()


def _log_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("the strap did not disconnect cleanly: %s", future.exception())


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def _clock_from_now() -> Callable[[], float]:
    """Session time for a strap: monotonic seconds since now."""
    start_s = time.monotonic()

    def clock() -> float:
        return time.monotonic() - start_s

    return clock


def calibrate_into(page: CalibrationPage, *, until_t_s: float = math.inf) -> CalibrationSession:
    """Feed the chosen protocol's simulated samples into the page at once, up to session time
    ``until_t_s`` (the end: judged, saved and shown); no event loop is needed."""
    samples = page.simulated_samples()
    session = page.begin_measuring()
    session.status.set_link("simulated")
    for sample in samples:
        if sample.t_s > until_t_s or session.finished:
            break
        session.feed(sample)
    else:
        session.finish()
    page.render()
    return session

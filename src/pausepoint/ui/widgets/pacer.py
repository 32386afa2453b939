"""The breathing pacer: a circle that grows as you breathe in and shrinks as you breathe out;
with reduced motion, a steady bar and a count instead.

Its phase is ``breathing.pacer_phase`` of the injected clock, so what it shows at any time is
known without waiting; it animates only while visible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QHideEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pausepoint.calibration.breathing import (
    DEFAULT_INHALE_FRACTION,
    DEFAULT_RATE_BPM,
    INHALE,
    INHALE_FRACTIONS,
    PhaseTurns,
    following,
    lung_fill,
    pacer_phase,
    seconds_left_in_phase,
)
from pausepoint.ui import theme
from pausepoint.ui.settings_model import PACER_RATES_BPM
from pausepoint.ui.theme import Palette
from pausepoint.ui.widgets.common import describe

FRAME_MS = 33
COUNT_SLACK_S = 1e-6
"""The count shows whole seconds left; this keeps 3.0000000000000004 from reading as 4."""
RATES_BPM = PACER_RATES_BPM
TITLE = "Breathe with the circle"
STEADY_TITLE = "Breathe with the count"
BAR_PX = 16


class _Breath(QWidget):
    """The animated shape."""

    def __init__(self) -> None:
        super().__init__()
        self.fill = 0.0
        self.colours = theme.current()
        self.setMinimumSize(96, 96)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 8
        centre = QPointF(self.width() / 2, self.height() / 2)
        outer = side / 2
        inner = outer * 0.28
        radius = inner + (outer - inner) * self.fill
        guide = QPen(QColor(self.colours.line), 2, Qt.PenStyle.DashLine)
        painter.setPen(guide)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, outer, outer)
        fill = QColor(theme.SKY_BLUE)
        fill.setAlpha(110 + round(90 * self.fill))
        painter.setPen(QPen(QColor(theme.BLUE), 2))
        painter.setBrush(fill)
        painter.drawEllipse(
            QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        )
        painter.end()


class _Steady(QWidget):
    """For reduced motion: the seconds left in this phase, large, over a bar that does not
    move: the breath in and the breath out side by side, the one now filled. It changes
    once a second, as the count does."""

    def __init__(self) -> None:
        super().__init__()
        self.inhaling = True
        self.left_s = 0
        self.inhale_fraction = DEFAULT_INHALE_FRACTION
        self.colours = theme.current()
        self.setMinimumSize(96, 96)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_state(self, inhaling: bool, left_s: int, inhale_fraction: float) -> None:
        state = (inhaling, left_s, inhale_fraction)
        if state != (self.inhaling, self.left_s, self.inhale_fraction):
            self.inhaling, self.left_s, self.inhale_fraction = state
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = 6.0
        width = self.width() - 2 * margin
        bar_y = self.height() * 0.62
        font = QFont(self.font())
        font.setPointSizeF(theme.BIG_NUMBER_PT + 6)
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor(c.deep_words))
        number = QRectF(0, 0, self.width(), bar_y - 8)
        painter.drawText(number, Qt.AlignmentFlag.AlignCenter, str(self.left_s))
        split = margin + width * self.inhale_fraction
        end = margin + width
        parts = (
            (QRectF(margin, bar_y, split - margin - 2, BAR_PX), self.inhaling, "in"),
            (QRectF(split + 2, bar_y, end - split - 2, BAR_PX), not self.inhaling, "out"),
        )
        small = QFont(self.font())
        small.setPointSizeF(theme.BASE_PT - 1)
        painter.setFont(small)
        for rect, now, word in parts:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.SKY_BLUE if now else c.groove))
            painter.drawRoundedRect(rect, BAR_PX / 2, BAR_PX / 2)
            painter.setPen(QColor(c.ink if now else c.muted))
            below = QRectF(rect.left(), rect.bottom() + 4, rect.width(), 24)
            painter.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, word)
        painter.end()


class PacerWidget(QFrame):
    """Breathe with the circle (with reduced motion, the count); ``closed`` when the person
    hides it; ``phase_started`` (INHALE or EXHALE) as each breath in and out begins while it
    is shown, for a tone."""

    closed = Signal()
    phase_started = Signal(str)

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.setObjectName("card")
        self._clock = clock
        self._origin_s: float | None = None
        self._held_t_s: float | None = None
        self._turns = PhaseTurns()
        self.rate_bpm = DEFAULT_RATE_BPM
        self.inhale_fraction = DEFAULT_INHALE_FRACTION
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(4)
        head = QHBoxLayout()
        self.title = QLabel(TITLE)
        self.title.setStyleSheet("font-weight: 600;")
        head.addWidget(self.title, 1)
        hide = QPushButton("Hide")
        hide.setStyleSheet("padding: 2px 10px; min-height: 16px;")
        hide.setObjectName("hidePacer")
        describe(hide, "Hide the pacer", "Puts the breathing pacer away; it can be opened again")
        hide.clicked.connect(self.closed.emit)
        head.addWidget(hide)
        self.hide_button = hide
        layout.addLayout(head)
        self.breath = _Breath()
        self.steady = _Steady()
        self.steady.setVisible(False)
        self.reduced_motion = False
        body = QHBoxLayout()
        # The controls' words need more room than the circle: two thirds of the width.
        body.addWidget(self.breath, 1)
        body.addWidget(self.steady, 1)
        right = QVBoxLayout()
        right.setSpacing(6)
        self.phase = QLabel("")
        right.addWidget(self.phase)
        self.rate = QComboBox()
        for rate in RATES_BPM:
            self.rate.addItem(f"{rate:g} breaths a minute", rate)
        self.rate.setCurrentIndex(RATES_BPM.index(DEFAULT_RATE_BPM))
        describe(self.rate, "Breathing pace", "How many slow breaths a minute the pacer leads")
        self.rate.currentIndexChanged.connect(self._settings_changed)
        self.ratio = QComboBox()
        for name, fraction in INHALE_FRACTIONS.items():
            self.ratio.addItem(f"in {name.replace(':', ' : out ')}", fraction)
        self.ratio.setCurrentIndex(list(INHALE_FRACTIONS.values()).index(DEFAULT_INHALE_FRACTION))
        describe(
            self.ratio, "Breath in and out", "How long each breath in is, against the breath out"
        )
        self.ratio.currentIndexChanged.connect(self._settings_changed)
        right.addWidget(self.rate)
        right.addWidget(self.ratio)
        right.addStretch(1)
        body.addLayout(right, 2)
        layout.addLayout(body, 1)
        self.feedback = QLabel("")
        self.feedback.setWordWrap(True)
        self.feedback.setObjectName("muted")
        self.feedback.setStyleSheet(f"font-size: {theme.BASE_PT - 1}pt;")
        layout.addWidget(self.feedback)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.tick)
        self.use_palette(theme.current())
        self.tick()

    def use_palette(self, palette: Palette) -> None:
        self.phase.setStyleSheet(f"font-size: {theme.BASE_PT + 5}pt; color: {palette.deep_words};")
        for shape in (self.breath, self.steady):
            shape.colours = palette
            shape.update()

    def set_reduced_motion(self, reduced: bool) -> None:
        """A steady bar and a count in place of the growing circle."""
        self.reduced_motion = reduced
        self.title.setText(STEADY_TITLE if reduced else TITLE)
        self.breath.setVisible(not reduced)
        self.steady.setVisible(reduced)
        self.tick()

    def set_rate(self, rate_bpm: float, inhale_fraction: float) -> None:
        """A given resonance rate (e.g. from a calibration profile) and in:out share."""
        self.rate_bpm = rate_bpm
        self.inhale_fraction = inhale_fraction
        for combo, value in ((self.rate, rate_bpm), (self.ratio, inhale_fraction)):
            index = combo.findData(value)
            if index < 0 and combo is self.rate:
                combo.addItem(f"{value:g} breaths a minute", value)
                index = combo.count() - 1
            if index >= 0 and index != combo.currentIndex():
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        self._origin_s = None
        self.tick()

    def _settings_changed(self) -> None:
        self.set_rate(float(self.rate.currentData()), float(self.ratio.currentData()))

    def hold(self, t_s: float | None) -> None:
        """Stand still at ``t_s`` into the breathing (a screenshot); None follows the clock."""
        self._held_t_s = t_s
        self.tick()

    def pacer_t_s(self) -> float:
        """Time since the pacer (re)started: each start begins with a breath in."""
        if self._held_t_s is not None:
            return self._held_t_s
        now_s = self._clock()
        if self._origin_s is None:
            self._origin_s = now_s
        return now_s - self._origin_s

    def tick(self) -> None:
        t_s = self.pacer_t_s()
        phase, _fraction = pacer_phase(t_s, self.rate_bpm, self.inhale_fraction)
        left_s = math.ceil(
            seconds_left_in_phase(t_s, self.rate_bpm, self.inhale_fraction) - COUNT_SLACK_S
        )
        words = "Breathe in" if phase == INHALE else "Breathe out"
        text = f"{words}…  {left_s}"
        if self.phase.text() != text:
            self.phase.setText(text)
        if self.reduced_motion:
            self.steady.set_state(phase == INHALE, left_s, self.inhale_fraction)
        else:
            self.breath.fill = lung_fill(t_s, self.rate_bpm, self.inhale_fraction)
            self.breath.update()
        if self.isVisible() and self._held_t_s is None:
            turn = self._turns.see(t_s, self.rate_bpm, self.inhale_fraction)
            if turn is not None:
                self.phase_started.emit(turn)

    def set_feedback(self, coherence: float | None, resp_rate_bpm: float | None) -> None:
        result = following(coherence, resp_rate_bpm, self.rate_bpm)
        text = " ".join(part for part in (result.words, result.breath_words) if part)
        if self.feedback.text() != text:
            self.feedback.setText(text)

    def showEvent(self, event: QShowEvent) -> None:
        self._origin_s = None
        self._turns.reset()
        self.tick()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

"""The calibration wizard's drawings: a big number, the progress ring of the rest, the
resonance protocol's schedule, and the ranking of the breathing paces. Painted rather than
laid out, so a change every second repaints one widget, not the window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pausepoint.protocols import ResonanceProtocol
from pausepoint.ui import theme
from pausepoint.ui.calibration_model import Bar
from pausepoint.ui.theme import Palette


class _Painted(QWidget):
    """Painted in the palette in use when built, and in a new one when it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.colours = theme.current()

    def use_palette(self, palette: Palette) -> None:
        self.colours = palette
        self.update()


class NumberText(_Painted):
    """A big number that changes every second, painted rather than laid out: a QLabel's new
    text re-lays the whole window out, this only repaints itself: in the palette's ink, or
    its deep words (``deep``)."""

    def __init__(self, template: str, size_pt: float, *, deep: bool = False) -> None:
        super().__init__()
        self._text = ""
        self._deep = deep
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
        painter.setPen(QColor(self.colours.deep_words if self._deep else self.colours.ink))
        painter.drawText(self.rect(), self.alignment, self._text)
        painter.end()


class ProgressRing(_Painted):
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
        c = self.colours
        painter.setPen(QPen(QColor(c.groove), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawEllipse(rect)
        colour = c.muted if self.settling else theme.BLUISH_GREEN
        pen = QPen(QColor(colour), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        span = -round(360 * 16 * min(1.0, max(0.0, self.progress)))
        if span:
            painter.drawArc(rect, 90 * 16, span)
        painter.setPen(QColor(c.ink))
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
        painter.setPen(QColor(c.muted))
        lower = QRectF(rect.left(), rect.top() + rect.height() * 0.58, rect.width(), 30)
        painter.drawText(
            lower, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.small
        )
        painter.end()


class ScheduleStrip(_Painted):
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

        c = self.colours
        painter.setPen(QPen(QColor(c.line), 3))
        painter.drawLine(QPointF(x(0), mid), QPointF(x(total_s), mid))
        painter.setPen(QPen(QColor(c.muted), 3))
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
            filled = 2 * done_s >= block.end_s - block.start_s
            painter.setPen(QColor(theme.INK if filled else c.ink))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{block.rate_bpm:g}")
        now_x = x(min(self.elapsed_s, total_s))
        painter.setPen(QPen(QColor(c.deep_words), 2))
        painter.drawLine(QPointF(now_x, mid - 17), QPointF(now_x, mid + 17))
        painter.setPen(QColor(c.muted))
        caption = QRectF(margin, mid + 17, width, self.height() - mid - 17)
        p = self.protocol
        painter.drawText(
            caption,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"breaths a minute, {p.paced_s / 60:g} min each, {p.rest_s / 60:g} min of rest between",
        )
        painter.end()


class RankingChart(_Painted):
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
        c = self.colours
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
            painter.setPen(QPen(QColor(c.deep_words), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, 22), QPointF(x, bottom))
            painter.setPen(QColor(c.deep_words))
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
            painter.setPen(QColor(c.ink))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, f"{bar.rate_bpm:g} a minute")
            if bar.strength is None:
                painter.setPen(QPen(QColor(c.line), 1.5, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(centre - bar_w / 2, bottom - 6, bar_w, 6))
                painter.setPen(QColor(c.muted))
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
                painter.fillRect(rank, QColor(c.card))
                painter.setPen(QColor(c.ink))
                painter.drawText(rank, Qt.AlignmentFlag.AlignCenter, _ordinal(bar.rank))
        painter.setPen(QPen(QColor(c.line), 1))
        painter.drawLine(QPointF(0, bottom), QPointF(self.width(), bottom))
        painter.end()


def _x_of_rate(rate_bpm: float, rates: Sequence[float], slot: float) -> float:
    """Where a rate between the bars' rates sits (rates evenly spaced, in any order)."""
    first, last = rates[0], rates[-1]
    share = (rate_bpm - first) / (last - first)
    return slot * (0.5 + share * (len(rates) - 1))


def _ordinal(rank: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(rank, f"{rank}th")

"""The glance view: one large word and colour per person, the break timer under it.

Read from across a table, so the words are as large as the screen allows and all of one
size: each is fitted to its column on one line (never clipped, never wrapped), and nothing
else is on the page but a small line saying which keys do what.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from pausepoint.ui import theme
from pausepoint.ui.glance_model import Glance, Tone
from pausepoint.ui.theme import Palette, Tones

MARGIN_PX = 24
SPACING_PX = 24
PAD_PX = 28
EDGE_PX = 8
WORD_OF_HEIGHT = 0.16
"""The word's height as a part of the page's: large, with room for the timer under it."""
TIMER_OF_WORD = 0.8
NAME_OF_WORD = 0.4
FIT_OF_WIDTH = 0.94
"""A word fills at most this much of its column's width: a little air at its ends."""
MIN_PX = 12
GLANCE_TIP = "Full screen, readable from across the table (G); Esc comes back"
KEYS = "Esc: back to the dashboard"
KEYS_PAUSE = "Space: start the break  ·  Esc: back to the dashboard"


def _label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class _Column(QFrame):
    """One person: name, word, timer, on the colour of their tone."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("glanceColumn")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(PAD_PX, PAD_PX, PAD_PX, PAD_PX)
        self.name = _label("glanceName")
        self.word = _label("glanceWord")
        self.timer = _label("glanceTimer")
        layout.addWidget(self.name)
        layout.addStretch(1)
        layout.addWidget(self.word)
        layout.addWidget(self.timer)
        layout.addStretch(1)

    def show_glance(self, glance: Glance, word_px: int, tones: Tones) -> None:
        ground, ink, edge = tones[glance.tone]
        self.name.setText(glance.name)
        self.name.setVisible(bool(glance.name))
        self.word.setText(glance.word)
        self.timer.setText(glance.timer_text or "")
        self.timer.setVisible(glance.timer_text is not None)
        self.setStyleSheet(
            f"QFrame#glanceColumn {{ background: {ground}; border: {EDGE_PX}px solid {edge};"
            " border-radius: 24px; }"
            f" QLabel {{ color: {ink}; background: transparent; border: none; }}"
            f" QLabel#glanceWord {{ font-size: {word_px}px; font-weight: 700; }}"
            f" QLabel#glanceTimer {{ font-size: {round(word_px * TIMER_OF_WORD)}px;"
            " font-weight: 600; }"
            f" QLabel#glanceName {{ font-size: {max(MIN_PX, round(word_px * NAME_OF_WORD))}px;"
            " font-weight: 600; }"
        )


class GlancePage(QWidget):
    """The glance view; ``show_model`` puts one column per Glance (one person or two)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN_PX, MARGIN_PX, MARGIN_PX, MARGIN_PX // 2)
        outer.setSpacing(MARGIN_PX // 2)
        self._row = QHBoxLayout()
        self._row.setSpacing(SPACING_PX)
        outer.addLayout(self._row, 1)
        self.keys = QLabel(KEYS)
        self.keys.setObjectName("muted")
        self.keys.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.keys)
        self.columns: list[_Column] = []
        self._shown: tuple[tuple[Glance, ...], int, int] | None = None
        self._tones = theme.current().glance_tones

    def use_palette(self, palette: Palette) -> None:
        self._tones = palette.glance_tones
        if self._shown is not None:
            glances = self._shown[0]
            self._shown = None
            self.show_model(glances)

    def show_model(self, glances: Sequence[Glance]) -> None:
        """Show these columns (drawn again only when they or the page's size changed)."""
        shown = (tuple(glances), self.width(), self.height())
        if shown == self._shown:
            return
        self._shown = shown
        while len(self.columns) < len(glances):
            column = _Column()
            self._row.addWidget(column, 1)
            self.columns.append(column)
        for i, column in enumerate(self.columns):
            column.setVisible(i < len(glances))
        word_px = self.word_px([g.word for g in glances], [g.timer_text for g in glances])
        for column, glance in zip(self.columns, glances, strict=False):
            column.show_glance(glance, word_px, self._tones)
        pause = any(glance.tone == Tone.PAUSE for glance in glances)
        self.keys.setText(KEYS_PAUSE if pause else KEYS)

    def word_px(self, words: Sequence[str], timers: Sequence[str | None] = ()) -> int:
        """The largest word size (pixels) at which every word, and every timer under it,
        fits its column on one line."""
        count = max(1, len(words))
        width_px = (self.width() - 2 * MARGIN_PX - SPACING_PX * (count - 1)) / count
        room_px = (width_px - 2 * (PAD_PX + EDGE_PX)) * FIT_OF_WIDTH
        px = max(MIN_PX, round(self.height() * WORD_OF_HEIGHT))
        texts = [(w, 1.0) for w in words] + [(t, TIMER_OF_WORD) for t in timers if t]
        while px > MIN_PX and any(
            _advance_px(text, round(px * scale), bold=scale == 1.0) > room_px
            for text, scale in texts
        ):
            px -= max(1, px // 20)
        return max(MIN_PX, px)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._shown is not None:
            self.show_model(self._shown[0])


def _advance_px(text: str, px: int, *, bold: bool) -> int:
    font = QFont()
    font.setPixelSize(max(1, px))
    font.setWeight(QFont.Weight.Bold if bold else QFont.Weight.DemiBold)
    return QFontMetrics(font).horizontalAdvance(text)

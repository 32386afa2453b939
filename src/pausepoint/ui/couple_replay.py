"""A couple session replayed in the dashboard, drawn: both lanes and the linkage band.

The model (couple_model.CoupleReplayModel) replays the stored samples through a fresh
couple engine; this draws its lanes as the live couple view does (CouplePage in its replay
form) and, under them, the linkage of the two heart rates over the whole session, always
marked exploratory. The replay page (widgets.pages.ReplayPage) holds the controls and the
events to go to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from pausepoint.couple.engine import (
    CoupleEvent,
    CoupleEventKind,
)
from pausepoint.ui import theme
from pausepoint.ui.couple_model import CoupleReplayModel
from pausepoint.ui.couple_view import CouplePage
from pausepoint.ui.theme import Palette
from pausepoint.ui.widgets.common import label
from pausepoint.ui.widgets.plots import StillPlot

if TYPE_CHECKING:
    from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent

    from pausepoint.ui.widgets.session_view import SessionView

LINKAGE_PLOT_PX = 56
EXPLORATORY_WORDS = "Exploratory, not a verdict on your relationship."
LEAD_COLOURS = {1: theme.BLUE, -1: theme.ORANGE}
"""A linked window's dot: A's changes first (blue), B's first (orange), together (the
palette's grey)."""


def lead_colour(lead: int, palette: Palette) -> str:
    return LEAD_COLOURS.get(lead, palette.muted)


def _pause_spans(events: Sequence[CoupleEvent], end_s: float) -> list[tuple[float, float]]:
    """Each shared pause, from its start to both being settled (or the end)."""
    spans: list[tuple[float, float]] = []
    start_s: float | None = None
    for event in events:
        if event.kind == CoupleEventKind.SHARED_PAUSE_START and start_s is None:
            start_s = event.t_s
        elif event.kind == CoupleEventKind.SHARED_READY and start_s is not None:
            spans.append((start_s, event.t_s))
            start_s = None
    if start_s is not None:
        spans.append((start_s, end_s))
    return spans


class LinkagePlot(StillPlot):
    """The whole session: each window's peak correlation against the band chance gives
    (grey), the windows beyond it marked by whose changes came first, the shared pause
    shaded, a line at the replay's moment. A click asks to go there (``jump``). Coloured
    from the palette in use when built, and again by ``use_palette``."""

    jump = Signal(float)

    def __init__(self, model: CoupleReplayModel) -> None:
        super().__init__()
        item = self.getPlotItem()
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = QFont()
        font.setPointSize(8)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTickFont(font)
        item.getAxis("left").setWidth(26)
        item.getAxis("left").setTicks([[(0.0, "0"), (1.0, "1")], []])
        item.getAxis("bottom").setTickSpacing(600.0, 300.0)
        item.getAxis("bottom").setHeight(18)
        item.setYRange(0.0, 1.0, padding=0.06)
        info = model.info
        item.setXRange(info.start_t_s, max(info.end_t_s, info.start_t_s + 1.0), padding=0.005)
        for start_s, end_s in _pause_spans(model.couple_events(), info.end_t_s):
            pause = pg.LinearRegionItem(
                (start_s, end_s),
                brush=pg.mkBrush(theme.rgba(theme.BREAK_FILL, 40)),
                pen=pg.mkPen(None),
                movable=False,
            )
            pause.setZValue(-20)
            item.addItem(pause)
        windows = model.linkage.windows
        mid_s = np.array([(w.start_s + w.end_s) / 2 for w in windows])
        r_abs = np.array([abs(w.r) for w in windows])
        threshold = np.array([w.threshold for w in windows])
        linked = np.array([w.linked for w in windows], dtype=bool)
        chance = pg.PlotDataItem(mid_s, threshold, pen=pg.mkPen(None))
        floor = pg.PlotDataItem(mid_s, np.zeros_like(threshold), pen=pg.mkPen(None))
        self.band = pg.FillBetweenItem(floor, chance)
        self.band.setZValue(-10)
        item.addItem(self.band)
        self.r_curve = pg.PlotDataItem(mid_s, r_abs)
        item.addItem(self.r_curve)
        self._leads = [int(np.sign(w.lag_s)) for w in windows if w.linked]
        self.linked = pg.ScatterPlotItem(mid_s[linked], r_abs[linked], size=7)
        item.addItem(self.linked)
        self.cursor = pg.InfiniteLine(pos=info.start_t_s, angle=90)
        item.addItem(self.cursor)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.use_palette(theme.current())

    def use_palette(self, palette: Palette) -> None:
        self.setBackground(palette.card)
        for name in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(name)
            axis.setTextPen(pg.mkPen(palette.muted))
            axis.setPen(pg.mkPen(palette.line))
        self.band.setBrush(pg.mkBrush(theme.rgba(palette.line, 170)))
        self.r_curve.setPen(pg.mkPen(palette.muted, width=1.0))
        self.linked.setPen(pg.mkPen(palette.card))
        self.linked.setBrush([pg.mkBrush(lead_colour(lead, palette)) for lead in self._leads])
        self.cursor.setPen(pg.mkPen(palette.ink))

    def set_position(self, t_s: float) -> None:
        if self.cursor.value() != t_s:
            self.cursor.setValue(t_s)

    def _clicked(self, event: MouseClickEvent) -> None:
        self.jump.emit(float(self.getPlotItem().vb.mapSceneToView(event.scenePos()).x()))


class LinkageBand(QWidget):
    """Heart rates together over the whole session, under the lanes: the couple report's
    words, always said to be exploratory; the windows beside them, the one at the replay's
    moment in words. Its caption is written again in a new palette (``use_palette``)."""

    def __init__(self, model: CoupleReplayModel) -> None:
        super().__init__()
        self.model = model
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        words = QVBoxLayout()
        words.setSpacing(2)
        self.head = QLabel("")
        self.head.setObjectName("linkageCaption")
        words.addWidget(self.head)
        self.summary = label(model.summary, "linkageSummary", pt=theme.BASE_PT - 2)
        words.addWidget(self.summary)
        words.addStretch(1)
        row.addLayout(words, 5)
        strip = QVBoxLayout()
        strip.setSpacing(0)
        self.plot = LinkagePlot(model)
        self.plot.setFixedHeight(LINKAGE_PLOT_PX)
        strip.addWidget(self.plot)
        a, b = model.names
        self.now = QLabel("")
        self.now.setObjectName("linkageNow")
        self.now.setStyleSheet(f"font-size: {theme.BASE_PT - 2}pt;")
        self.now.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._key = (
            f"<span style='color:{LEAD_COLOURS[1]}'>●</span> {a} first &nbsp; "
            f"<span style='color:{LEAD_COLOURS[-1]}'>●</span> {b} first &nbsp; "
            "grey: chance &nbsp;·&nbsp; "
            if model.linkage.windows
            else ""
        )
        self.plot.setToolTip(
            "The line: how closely both heart rates moved together, 150 s at a time. Grey: "
            "what chance alone gives; a dot: more than that, coloured by whose changes came "
            "first."
        )
        strip.addWidget(self.now)
        row.addLayout(strip, 6)
        self.use_palette(theme.current())

    def use_palette(self, palette: Palette) -> None:
        self.head.setText(
            "<b>Heart rates together</b>"
            f"<span style='color:{palette.muted}'> &nbsp;·&nbsp; {EXPLORATORY_WORDS}</span>"
        )

    def show_position(self) -> None:
        """The replay's moment: the line on the plot, that window in words."""
        t_s = self.model.position_s
        self.plot.set_position(t_s)
        window = self.model.window_at(t_s)
        text = self._key + ("" if window is None else self.model.window_words(window))
        if self.now.text() != text:
            self.now.setText(text)


class CoupleReplayView(QWidget):
    """The two lanes as they were live (the couple view in its replay form: nothing to
    press, no pacers), and the linkage band under them; ``jump`` carries a time clicked on
    the band."""

    jump = Signal(float)

    def __init__(
        self, model: CoupleReplayModel, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.model = model
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        page = CouplePage(model.view, clock, replay=True)
        self.couple_page = page
        column.addWidget(page, 1)
        self.linkage = LinkageBand(model)
        self.linkage.plot.jump.connect(self.jump.emit)
        column.addWidget(self.linkage)

    @property
    def lanes(self) -> list[SessionView]:
        return self.couple_page.lanes

    def refresh(self, force: bool = False) -> bool:
        self.linkage.show_position()
        return self.couple_page.refresh(force=force)

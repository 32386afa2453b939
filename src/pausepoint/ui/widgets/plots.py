"""The graphs: arousal with its zones at the centre, heart rate and the RR tachogram beneath.

Plain pyqtgraph items, fed slices of the view model's ring buffers; no interaction (a
graph that moves under an upset person's mouse is one more thing to deal with).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from pausepoint.ui import theme
from pausepoint.ui.theme import Palette
from pausepoint.words import short_clock_text

pg.setConfigOptions(antialias=True, background=theme.LIGHT.card, foreground=theme.LIGHT.muted)

TICK_PT = 9
LEFT_AXIS_PX = 46
RIGHT_AXIS_PX = 64
"""Every graph gets the same axis widths, so their time axes line up."""
TICK_SPACING_S = {120.0: (30.0, 10.0), 300.0: (60.0, 30.0), 600.0: (120.0, 60.0)}
"""Major and minor time ticks by window (longer windows: every 5 minutes)."""
BREAK_BAND_SPAN = 0.07
"""Breaks are a band along the bottom 7 % of the arousal graph, leaving the zones clear."""
BREAK_LABEL_Y = 5.0
"""The band's name sits just above it (arousal units)."""


class TimeAxis(pg.AxisItem):
    """Session time as m:ss (h:mm:ss past an hour)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return ["" if value < 0 else short_clock_text(value) for value in values]


def _pen(colour: str, width: float = 2.0, dashed: bool = False) -> pg.QtGui.QPen:
    pen = pg.mkPen(colour, width=width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


class StillPlot(pg.PlotWidget):
    """A plot over session time that does not pan, zoom or offer a menu: people read it,
    they do not operate it."""

    def __init__(self) -> None:
        super().__init__(axisItems={"bottom": TimeAxis(orientation="bottom")})
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)


class _Plot(StillPlot):
    """Coloured from the palette in use when built, and again by ``use_palette``."""

    def __init__(self) -> None:
        super().__init__()
        item = self.getPlotItem()
        font = QFont()
        font.setPointSize(TICK_PT)
        for name in ("left", "bottom", "right"):
            item.getAxis(name).setTickFont(font)
        item.showAxis("right")
        item.getAxis("left").setWidth(LEFT_AXIS_PX)
        item.getAxis("right").setWidth(RIGHT_AXIS_PX)
        item.getAxis("right").setStyle(showValues=False, tickLength=0)
        item.showGrid(x=True, y=False, alpha=0.15)
        self._window: tuple[float, float] | None = None

    def use_palette(self, palette: Palette) -> None:
        item = self.getPlotItem()
        for name in ("left", "bottom", "right"):
            axis = item.getAxis(name)
            axis.setTextPen(pg.mkPen(palette.muted))
            axis.setPen(pg.mkPen(palette.line))
        self.setBackground(palette.card)

    def set_window(self, start_s: float, end_s: float) -> None:
        if self._window == (start_s, end_s):
            return
        width_s = end_s - start_s
        if self._window is None or self._window[1] - self._window[0] != width_s:
            major_s, minor_s = TICK_SPACING_S.get(width_s, (300.0, 60.0))
            self.getPlotItem().getAxis("bottom").setTickSpacing(major_s, minor_s)
        self._window = (start_s, end_s)
        self.setXRange(start_s, end_s, padding=0.0)


class ArousalPlot(_Plot):
    """Arousal 0-100 over the zones (calm, rising, flooded), the flooding line, breaks shaded."""

    def __init__(self, rising_line: float, flooding_line: float) -> None:
        super().__init__()
        item = self.getPlotItem()
        item.setYRange(0, 100, padding=0.03)
        bands = (
            ("calm", 0.0, rising_line),
            ("rising", rising_line, flooding_line),
            ("flooded", flooding_line, 100.0),
        )
        self._zones: dict[str, pg.LinearRegionItem] = {}
        for name, low, high in bands:
            zone = pg.LinearRegionItem(
                (low, high), orientation="horizontal", pen=pg.mkPen(None), movable=False
            )
            zone.setZValue(-20)
            item.addItem(zone)
            self._zones[name] = zone
        right = item.getAxis("right")
        right.setTicks([[((low + high) / 2, name) for name, low, high in bands]])
        right.setStyle(showValues=True)
        left = item.getAxis("left")
        left.setTicks([[(0, "0"), (rising_line, f"{rising_line:.0f}"), (100, "100")], []])
        self.flooding_line = pg.InfiniteLine(
            pos=flooding_line,
            angle=0,
            pen=_pen(theme.VERMILLION, 1.5, dashed=True),
            label=f"flooding line {flooding_line:.0f}",
            labelOpts={"position": 0.08, "color": theme.VERMILLION, "anchors": [(0, 1), (0, 1)]},
        )
        item.addItem(self.flooding_line)
        self.curve = pg.PlotDataItem(connect="finite")
        item.addItem(self.curve)
        self.markers = pg.ScatterPlotItem(
            size=12, symbol="t", brush=pg.mkBrush(theme.REDDISH_PURPLE)
        )
        item.addItem(self.markers)
        self._breaks: list[tuple[pg.LinearRegionItem, pg.TextItem]] = []
        self.use_palette(theme.current())

    def use_palette(self, palette: Palette) -> None:
        super().use_palette(palette)
        for name, zone in self._zones.items():
            zone.setBrush(pg.mkBrush(theme.rgba(palette.zones[name], palette.zone_alpha)))
            zone.update()
        self.curve.setPen(_pen(palette.arousal_curve, 3.0))
        self.markers.setPen(pg.mkPen(palette.marker_edge))

    def set_data(self, t_s: np.ndarray, arousal: np.ndarray) -> None:
        self.curve.setData(t_s, arousal)

    def set_markers(self, t_s: list[float]) -> None:
        self.markers.setData(t_s, [96.0] * len(t_s))

    def set_breaks(self, spans: list[tuple[float, float]], from_s: float) -> None:
        """Breaks as a band along the bottom, named where they come into view."""
        item = self.getPlotItem()
        while len(self._breaks) < len(spans):
            band = pg.LinearRegionItem(
                (0, 0),
                brush=pg.mkBrush(theme.rgba(theme.BREAK_FILL, theme.BREAK_ALPHA)),
                pen=pg.mkPen(None),
                movable=False,
                span=(0.0, BREAK_BAND_SPAN),
            )
            band.setZValue(-10)
            label = pg.TextItem("break", color=theme.BLUISH_GREEN, anchor=(0, 1))
            item.addItem(band)
            item.addItem(label)
            self._breaks.append((band, label))
        for (band, label), span in zip(self._breaks, spans, strict=False):
            band.setRegion(span)
            label.setPos(max(span[0], from_s), BREAK_LABEL_Y)


class HeartRatePlot(_Plot):
    def __init__(self) -> None:
        super().__init__()
        item = self.getPlotItem()
        self.baseline = pg.InfiniteLine(
            angle=0,
            label="your calm",
            labelOpts={"position": 0.97, "anchors": [(1, 1), (1, 1)]},
        )
        self.baseline.setVisible(False)
        item.addItem(self.baseline)
        self.curve = pg.PlotDataItem(connect="finite")
        item.addItem(self.curve)
        item.enableAutoRange(axis="y")
        item.setAutoVisible(y=True)
        self.use_palette(theme.current())

    def use_palette(self, palette: Palette) -> None:
        super().use_palette(palette)
        self.baseline.setPen(_pen(palette.baseline_line, 1.2, dashed=True))
        self.baseline.label.setColor(palette.muted)
        self.curve.setPen(_pen(palette.hr_curve, 2.2))

    def set_data(self, t_s: np.ndarray, hr_bpm: np.ndarray, baseline_bpm: float | None) -> None:
        self.curve.setData(t_s, hr_bpm)
        if baseline_bpm is not None:
            self.baseline.setPos(baseline_bpm)
            self.baseline.setVisible(True)


class TachogramPlot(_Plot):
    """Every RR interval: the beat-to-beat rhythm breathing and stress shape."""

    def __init__(self) -> None:
        super().__init__()
        item = self.getPlotItem()
        self.curve = pg.PlotDataItem(connect="finite")
        item.addItem(self.curve)
        item.enableAutoRange(axis="y")
        item.setAutoVisible(y=True)
        self.use_palette(theme.current())

    def use_palette(self, palette: Palette) -> None:
        super().use_palette(palette)
        self.curve.setPen(_pen(palette.rr_curve, 1.6))

    def set_data(self, t_s: np.ndarray, rr_ms: np.ndarray) -> None:
        self.curve.setData(t_s, rr_ms)

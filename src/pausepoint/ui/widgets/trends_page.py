"""The Trends page: how the check-ins go over weeks, in one sentence, six small charts and a
table of the weeks, with the period, topic and partner to look at, and the report for a
therapist. What it shows is trends_model's; this file only draws it."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pausepoint.errors import UserError
from pausepoint.ui import theme
from pausepoint.ui.theme import Palette
from pausepoint.ui.trends_model import (
    ALL_TAGS,
    COLUMNS,
    EVERYONE,
    PERIODS,
    TrendsFilter,
    TrendsView,
    trends_view,
)
from pausepoint.ui.widgets.common import describe, label, page_layout
from pausepoint.ui.widgets.plots import LEFT_AXIS_PX, TICK_PT

if TYPE_CHECKING:
    from pausepoint.sessions.store import Store

REPORT_FILTERS = "Web page (*.html);;PDF (*.pdf);;Picture (*.png)"
CHART_MIN_PX = 120
BAR_WIDTH = 0.7
MONTH_TICKS_FROM = 10
"""Up to this many weeks every week is named under the charts; past it, months."""
WEEKS_A_MONTH_TICK = 27
"""Past half a year of weeks, every other month is named (past a year, every third...)."""

AskPath = Callable[[QWidget, str, str, str], str | None]


class WeekPlot(pg.PlotWidget):
    """A small chart over the weeks: read, not operated (no pan, zoom or menu)."""

    def __init__(self, name: str, description: str) -> None:
        super().__init__()
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(CHART_MIN_PX)
        font = QFont()
        font.setPointSize(TICK_PT)
        for side in ("left", "bottom"):
            item.getAxis(side).setTickFont(font)
        item.getAxis("left").setWidth(LEFT_AXIS_PX)
        describe(self, name, description)
        self.colours = theme.current()

    def use_palette(self, palette: Palette) -> None:
        self.colours = palette
        item = self.getPlotItem()
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTextPen(pg.mkPen(palette.muted))
            axis.setPen(pg.mkPen(palette.line))
        self.setBackground(palette.card)

    def set_weeks(self, mondays: list[date]) -> None:
        """Name the weeks under the chart: each one, or past a few each month's first (a
        January by its year)."""
        if len(mondays) <= MONTH_TICKS_FROM:
            ticks = [(i, f"{m.day} {m:%b}") for i, m in enumerate(mondays)]
        else:
            every = 1 + len(mondays) // WEEKS_A_MONTH_TICK
            ticks = [
                (i, f"{m:%Y}" if m.month == 1 else f"{m:%b}")
                for i, m in enumerate(mondays)
                if m.day <= 7 and (m.month - 1) % every == 0
            ]
        self.getPlotItem().getAxis("bottom").setTicks([ticks, []])
        self.setXRange(-0.6, len(mondays) - 0.4, padding=0.0)

    def count_axis(self, values: np.ndarray) -> None:
        """From zero, in whole numbers, with room above the highest."""
        top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
        step = max(1, math.ceil(top / 4))
        self.getPlotItem().getAxis("left").setTicks(
            [[(v, str(v)) for v in range(0, int(top) + 1, step)], []]
        )
        self.setYRange(0.0, max(1.0, top) * 1.15, padding=0.0)


def _values(series: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in series], dtype=float)


class TrendsPage(QWidget):
    """The weeks of check-ins; ``store`` gives the session database (None: cannot be read),
    ``today`` the day the weeks are counted to."""

    back_requested = Signal()

    def __init__(
        self,
        store: Callable[[], Store | None],
        ask_path: AskPath,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self._store = store
        self.ask_path = ask_path
        self.today = today
        self.view: TrendsView | None = None
        self._choosing = False
        layout = page_layout(self)
        layout.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(label("How your check-ins go", "title"), 1)
        self.report_button = QPushButton("Report for a period…")
        describe(
            self.report_button,
            "Report for a period",
            "Saves a report of the period chosen here, to keep or to show a therapist",
        )
        self.report_button.clicked.connect(self.save_report)
        back = QPushButton("Back to sessions")
        describe(back, None, "Back to the list of past sessions")
        back.clicked.connect(self.back_requested.emit)
        head.addWidget(self.report_button)
        head.addWidget(back)
        layout.addLayout(head)
        self.words = label("", pt=theme.BASE_PT + 3)
        layout.addWidget(self.words)
        choices = QHBoxLayout()
        self.period = QComboBox()
        for name in PERIODS:
            self.period.addItem(name, name)
        describe(self.period, "Period", "Which weeks to look at")
        self.tag = QComboBox()
        describe(self.tag, "Topic", "Only the check-ins about this topic, or every topic")
        self.partner = QComboBox()
        describe(
            self.partner, "Partner", "One partner's own floods and shared answers, or both of you"
        )
        for choice in (self.period, self.tag, self.partner):
            choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            choice.currentIndexChanged.connect(self._chosen)
            choices.addWidget(choice)
        choices.addStretch(1)
        self.message = label("", "muted")
        layout.addLayout(choices)
        layout.addWidget(self.message)
        self.charts_box = QWidget()
        grid = QGridLayout(self.charts_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        self.charts: dict[str, WeekPlot] = {}
        for i, (key, title, about) in enumerate(CHARTS):
            # Each chart under its title in a column of its own: a title that wraps in a
            # narrow window pushes its chart down rather than over the one above.
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(4)
            column.addWidget(label(title, "muted"))
            self.charts[key] = WeekPlot(title, about)
            column.addWidget(self.charts[key], 1)
            grid.addWidget(cell, i // 3, i % 3)
        for i in range(3):
            grid.setColumnStretch(i, 1)
        self.figures = QWidget()
        figures = QVBoxLayout(self.figures)
        figures.setContentsMargins(0, 0, 0, 0)
        figures.setSpacing(10)
        figures.addWidget(self.charts_box, 3)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(110)
        describe(self.table, "Weeks", "One row a week, newest first: the numbers of the charts")
        figures.addWidget(self.table, 2)
        layout.addWidget(self.figures, 1)
        self.nothing = QWidget()
        """Takes the room the figures leave when there are none, so the words stay on top."""
        layout.addWidget(self.nothing, 1)
        self.use_palette(theme.current())

    def use_palette(self, palette: Palette) -> None:
        """The charts' colours; drawn again in the new palette."""
        for chart in self.charts.values():
            chart.use_palette(palette)
        if self.view is not None:
            self._draw_charts(self.view)

    def chosen(self) -> TrendsFilter:
        tag, partner = self.tag.currentData(), self.partner.currentData()
        return TrendsFilter(str(self.period.currentData()), tag or None, partner or None)

    def refresh(self) -> TrendsView | None:
        """Read the store again for the filters chosen; None when it cannot be read."""
        store = self._store()
        if store is None:
            self.words.setText("Past check-ins cannot be read just now.")
            self._show_figures(False)
            return None
        try:
            view = trends_view(store, self.today(), self.chosen())
        except UserError as exc:
            self.words.setText(str(exc))
            self._show_figures(False)
            return None
        self.show_view(view)
        return view

    def show_view(self, view: TrendsView) -> None:
        self.view = view
        self._choosing = True
        _fill(self.tag, [(ALL_TAGS, ""), *((t, t) for t in view.tags)], view.chosen.tag or "")
        _fill(
            self.partner,
            [(EVERYONE, ""), *((p, p) for p in view.partners)],
            view.chosen.partner or "",
        )
        self._choosing = False
        self.partner.setVisible(bool(view.partners))
        self.tag.setVisible(bool(view.tags))
        self.period.setVisible(view.any_check_ins)
        self.words.setText(view.words)
        self._show_figures(not view.empty)
        self.report_button.setEnabled(self._store() is not None)
        if view.empty:
            return
        self._draw_charts(view)
        rows = view.rows()
        self.table.setRowCount(len(rows))
        for r, week in enumerate(rows):
            for c, text in enumerate(week.cells()):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _show_figures(self, shown: bool) -> None:
        self.figures.setVisible(shown)
        self.nothing.setVisible(not shown)

    def _chosen(self) -> None:
        if not self._choosing:
            self.refresh()

    def _draw_charts(self, view: TrendsView) -> None:
        mondays = [w.monday for w in view.weeks]
        x = np.arange(len(view.weeks), dtype=float)
        p = self.charts["sessions"].colours
        for key, chart in self.charts.items():
            chart.clear()
            chart.set_weeks(mondays)
            item = chart.getPlotItem()
            if key == "pauses":
                prompted = _values(view.series("prompted"))
                taken = _values(view.series("taken"))
                item.addItem(
                    pg.BarGraphItem(
                        x=x, height=prompted, width=BAR_WIDTH, brush=None, pen=pg.mkPen(p.muted)
                    )
                )
                item.addItem(
                    pg.BarGraphItem(
                        x=x, height=taken, width=BAR_WIDTH, brush=theme.BLUISH_GREEN, pen=None
                    )
                )
                chart.count_axis(prompted)
            elif key in ("sessions", "floods"):
                values = _values(view.series(key))
                colour = p.hr_curve if key == "sessions" else theme.ORANGE
                item.addItem(
                    pg.BarGraphItem(x=x, height=values, width=BAR_WIDTH, brush=colour, pen=None)
                )
                chart.count_axis(values)
            elif key == "ready":
                values = _values(view.series("ready_min"))
                _points(item, x, values, theme.BLUISH_GREEN, "o")
                _from_zero(chart, values)
                _unless(chart, values, "No break has settled yet", p)
            elif key == "moods":
                before = _values(view.series("mood_before"))
                _points(item, x, before, theme.ORANGE, "o")
                after = _values(view.series("mood_after"))
                _points(item, x, after, p.hr_curve, "s")
                chart.setYRange(0.7, 5.3, padding=0.0)
                item.getAxis("left").setTicks([[(m, str(m)) for m in range(1, 6)], []])
                _unless(chart, np.concatenate([before, after]), "No answers yet", p)
            else:
                hr = _values(view.series("rest_hr_bpm"))
                rmssd = _values(view.series("rmssd_ms"))
                _points(item, x, hr, p.hr_curve, "o")
                _points(item, x, rmssd, theme.BLUISH_GREEN, "s")
                _from_zero(chart, np.concatenate([hr, rmssd]))
                _unless(chart, hr, "Not measured yet: Calibrate measures it", p)

    def save_report(self) -> Path | None:
        """Write the period report (the period, topic and partner chosen) where the person
        chooses; returns the file, None when nothing was written."""
        from pausepoint.reports.period import render_period_report

        store = self._store()
        if store is None:
            return None
        chosen, today = self.chosen(), self.today()
        since = chosen.since(today)
        first = since.isoformat() if since is not None else "start"
        suggested = f"pausepoint-check-ins-{first}-to-{today.isoformat()}.html"
        path = self.ask_path(self, "Save the report for a period", suggested, REPORT_FILTERS)
        if not path:
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            render_period_report(
                store, Path(path), since=since, until=today, tag=chosen.tag, partner=chosen.partner
            )
        except (UserError, OSError) as exc:
            self.message.setText(f"The report could not be saved: {exc}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.message.setText(f"Report saved as {Path(path).name}.")
        return Path(path)


CHARTS = (
    ("sessions", "Check-ins each week", "How many check-ins there were each week"),
    ("floods", "Floods each week", "How many times flooding was noticed each week"),
    (
        "pauses",
        "Pauses prompted □ and taken ■",
        "Each week, the pauses suggested and the breaks taken",
    ),
    (
        "ready",
        "Minutes from a break to ready",
        "Each week, the median time from a break's start to the body settled",
    ),
    (
        "moods",
        "Before ● and after ■, 1 calm to 5 tense",
        "Each week, the mean answers before and after the check-ins",
    ),
    (
        "calm",
        "Calm level: heart rate ●, RMSSD ■",
        "The calm levels measured, in beats a minute and milliseconds",
    ),
)


def _fill(choice: QComboBox, items: list[tuple[str, str]], chosen: str) -> None:
    choice.clear()
    for text, data in items:
        choice.addItem(text, data)
    choice.setCurrentIndex(max(0, choice.findData(chosen)))


def _unless(chart: WeekPlot, values: np.ndarray, words: str, palette: Palette) -> None:
    """Words in the middle of a chart with nothing to draw, rather than an empty frame."""
    if np.isfinite(values).any():
        return
    (x_from, x_to), (y_from, y_to) = chart.getPlotItem().viewRange()
    note = pg.TextItem(words, color=palette.muted, anchor=(0.5, 0.5))
    note.setPos((x_from + x_to) / 2, (y_from + y_to) / 2)
    chart.getPlotItem().addItem(note)


def _from_zero(chart: WeekPlot, values: np.ndarray) -> None:
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    chart.setYRange(0.0, max(1.0, top) * 1.15, padding=0.0)


def _points(item: pg.PlotItem, x: np.ndarray, y: np.ndarray, colour: str, symbol: str) -> None:
    if not np.isfinite(y).any():
        return
    item.addItem(
        pg.PlotDataItem(
            x,
            y,
            connect="finite",
            pen=pg.mkPen(colour, width=1.5),
            symbol=symbol,
            symbolSize=7,
            symbolBrush=colour,
            symbolPen=None,
        )
    )

"""A couple session replayed in the dashboard: both lanes, the shared pause, and linkage.

The stored samples go once through a fresh couple engine, built as the live one was
(recorder.CoupleReplay, as `pausepoint replay` does), so the replayed events are the
recorded ones. The lanes are the live couple view's (CouplePage on a CoupleViewModel),
shown at any moment as ReplayModel shows one person: moving forward feeds the next
updates, moving back rebuilds the view from the start. Under them, the linkage of the two
heart rates over the whole session, measured once on load and always marked exploratory.
The replay page (widgets.pages.ReplayPage) holds the controls and the events to go to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from pausepoint.config import Config
from pausepoint.couple import (
    PARTNERS,
    CoupleEvent,
    CoupleEventKind,
    CoupleUpdate,
    LinkageReport,
    couple_event_text,
    linkage_summary,
    shown_state,
)
from pausepoint.linkage import LinkageWindow
from pausepoint.model import Event, Update
from pausepoint.monitor import clock_text
from pausepoint.ui import theme
from pausepoint.ui.couple_model import CoupleViewModel, partner_names
from pausepoint.ui.couple_view import CouplePage
from pausepoint.ui.session import Playback, ReplayInfo, ReplayModel, source_words
from pausepoint.ui.viewmodels import SessionViewModel, TimelineEntry, event_entry, marker_entry
from pausepoint.ui.widgets.plots import StillPlot

LINKAGE_PLOT_PX = 56
STARTED_TOGETHER = "You started the break together."
EXPLORATORY_WORDS = "Exploratory, not a verdict on your relationship."
LEAD_COLOURS = {1: theme.BLUE, -1: theme.ORANGE, 0: theme.MUTED}
"""A linked window's dot: A's changes first (blue), B's first (orange), together (grey)."""


def couple_words(profile_a: str | None, profile_b: str | None) -> str:
    """How the session list names a couple: "Couple: Sam & Alex", "Couple: Partner A & B"."""
    if profile_a is None and profile_b is None:
        return f"Couple: Partner {PARTNERS[0]} & {PARTNERS[1]}"
    a, b = partner_names((profile_a, profile_b))
    return f"Couple: {a} & {b}"


def couple_source_words(info: Any) -> str:
    """Who and where from, for a couple session's row (store.SessionInfo)."""
    kind = info.source.partition(":")[0]
    straps = " / ".join(name for name in (info.strap_name, info.strap_name_b) if name)
    where = (straps or "heart-rate straps") if kind == "ble" else source_words(info.source)
    return f"{couple_words(info.profile, info.profile_b)}, {where}"


def _presses(
    updates: Sequence[CoupleUpdate], pause_actions: Sequence[tuple[int, float]]
) -> list[tuple[int, float]]:
    """When the lanes showed Start break for both as pressed: ``(before, t_s)``, applied
    before update ``before``. The couple's own presses are where they were recorded; a
    shared pause with no press recorded (a session recorded without the dashboard, where
    the words to take the break were all there was) shows as taken when it began."""
    starts: list[tuple[int, float]] = []
    readies: list[int] = []
    for i, cu in enumerate(updates):
        for event in cu.couple_events:
            if event.kind == CoupleEventKind.SHARED_READY:
                readies.append(i)
            elif event.detail.get("by") in PARTNERS:
                starts.append((i, event.t_s))
    presses = list(pause_actions)
    for start, t_s in starts:
        end = next((i for i in readies if i > start), len(updates))
        if not any(start < before <= end for before, _t_s in pause_actions):
            presses.append((start + 1, t_s))
    return sorted(presses)


def _due_s(updates: Sequence[CoupleUpdate]) -> np.ndarray:
    """When each update is shown: at its time, or earlier to bring in an event it reports
    that happened before it (a break started on a partner between their samples), so a jump
    to an event lands on it. Never decreasing, so the updates stay in order."""
    due_s = np.array([cu.t_s for cu in updates], dtype=float)
    for i, cu in enumerate(updates):
        for event in (*cu.update.events, *cu.couple_events):
            due_s[i] = min(due_s[i], event.t_s)
    return np.minimum.accumulate(due_s[::-1])[::-1]


class CoupleReplayModel(Playback):
    """A stored couple session fed once through a fresh couple engine; the couple view shows
    it at any moment (``seek``, ``advance`` at ``speed``), as ReplayModel does for one."""

    def __init__(
        self,
        info: ReplayInfo,
        updates: Sequence[CoupleUpdate],
        view: CoupleViewModel,
        *,
        linkage: LinkageReport,
        markers: Sequence[tuple[float, str]] = (),
        source_events: Sequence[tuple[int, Event]] = (),
        pause_actions: Sequence[tuple[int, float]] = (),
        report: tuple[str, str] = ("", ""),
    ) -> None:
        """``pause_actions``: the couple's Start break for both, as (samples recorded
        before it, t_s); ``report``: the couple report's title and source."""
        self.info = info
        self.updates = list(updates)
        self.view = view
        self.linkage = linkage
        self.markers = sorted(markers)
        self.source_events = sorted(source_events, key=lambda pe: pe[1].t_s)
        self.pause_actions = sorted(pause_actions)
        self.report_title, self.report_source = report
        self.summary = linkage_summary(linkage, view.names)
        self.position_s = info.start_t_s
        self._presses = _presses(self.updates, self.pause_actions)
        self._due_s = _due_s(self.updates)
        self._next = self._next_marker = self._next_press = 0
        view.reset()
        self.seek(info.start_t_s)

    @classmethod
    def load(cls, store: Any, session_id: int, config: Config) -> CoupleReplayModel:
        """Replay the session as `pausepoint replay` does and measure its linkage (a second
        or two for an hour: the caller shows a wait cursor)."""
        from pausepoint.couple import couple_linkage
        from pausepoint.recorder import PAUSE, CoupleReplay, CoupleSettings

        replay = CoupleReplay(store, session_id, config)
        stored = replay.info
        updates = list(replay.run())
        settings = CoupleSettings.from_dict(stored.settings.get("couple", {}))
        names = partner_names((stored.profile, stored.profile_b))
        view = CoupleViewModel([p.config(config) for p in settings.partners], names)
        beats = [[b for cu in updates if cu.person == p for b in cu.update.beats] for p in (0, 1)]
        start_t_s = min((cu.t_s for cu in updates), default=0.0)
        end_t_s = max((cu.t_s for cu in updates), default=0.0)
        started = stored.started_utc.astimezone()
        title = f"Session {stored.id}, {started:%Y-%m-%d %H:%M}, {couple_source_words(stored)}"
        if stored.note:
            title += f": {stored.note}"
        straps = " / ".join(n for n in (stored.strap_name, stored.strap_name_b) if n)
        return cls(
            ReplayInfo(stored.id, title, start_t_s, end_t_s, stored.source, stored.note or ""),
            updates,
            view,
            linkage=couple_linkage(beats[0], beats[1], config.linkage),
            markers=[(m.t_s, m.text) for m in store.markers(session_id)],
            source_events=store.person_events(session_id, origin="source"),
            pause_actions=[(a.seq, a.t_s) for a in store.actions(session_id) if a.kind == PAUSE],
            report=(f"Couple check-in, {started:%d %b %Y, %H:%M}", straps or stored.source),
        )

    @property
    def names(self) -> tuple[str, str]:
        a, b = self.view.names
        return a, b

    def partner_updates(self, person: int) -> list[Update]:
        """One partner's updates, shown flooded where the engine saw them so (the pause)."""
        return [
            replace(cu.update, state=shown_state(cu)) for cu in self.updates if cu.person == person
        ]

    def couple_events(self) -> list[CoupleEvent]:
        return [event for cu in self.updates for event in cu.couple_events]

    def entries(self) -> list[TimelineEntry]:
        """Both partners' events (by name), the couple's, the breaks they started, their
        notes and the straps' events, in time order."""
        names = self.names
        entries: list[TimelineEntry] = []
        for cu in self.updates:
            for event in cu.update.events:
                entry = event_entry(event)
                entries.append(replace(entry, text=f"{names[cu.person]}: {entry.text}"))
            for couple_event in cu.couple_events:
                text = couple_event_text(couple_event, names)
                entries.append(TimelineEntry(couple_event.t_s, text, str(couple_event.kind)))
        entries += [TimelineEntry(t_s, STARTED_TOGETHER, "pause") for _, t_s in self.pause_actions]
        entries += [marker_entry(t_s, text) for t_s, text in self.markers]
        for person, event in self.source_events:
            entry = event_entry(event)
            entries.append(replace(entry, text=f"{names[person]}: {entry.text}"))
        return sorted(entries, key=lambda entry: entry.t_s)

    def seek(self, t_s: float) -> None:
        t_s = min(max(t_s, self.info.start_t_s), self.info.end_t_s)
        if t_s < self.position_s or self._next == 0:
            self.view.reset()
            self._next = self._next_marker = self._next_press = 0
        updates = self.updates
        while self._next < len(updates) and self._due_s[self._next] <= t_s:
            self._press(self._next)
            self.view.feed(updates[self._next])
            self._next += 1
        self._press(self._next)
        while self._next_marker < len(self.markers) and self.markers[self._next_marker][0] <= t_s:
            self.view.add_marker(*self.markers[self._next_marker])
            self._next_marker += 1
        self.position_s = t_s
        if self._next >= len(updates):
            self.view.end()

    def _press(self, before: int) -> None:
        """Start break for both, shown where it was pressed (see _presses)."""
        presses = self._presses
        while self._next_press < len(presses) and presses[self._next_press][0] <= before:
            self.view.start_break(presses[self._next_press][1])
            self._next_press += 1

    def window_at(self, t_s: float) -> LinkageWindow | None:
        """The linkage window centred nearest ``t_s`` (None before the first one ends)."""
        windows = self.linkage.windows
        if not windows or t_s < windows[0].start_s:
            return None
        return min(windows, key=lambda w: abs((w.start_s + w.end_s) / 2 - t_s))

    def window_words(self, window: LinkageWindow) -> str:
        """One window in words: in step beyond chance or not, and whose changes came first."""
        span = f"{clock_text(window.start_s)[3:]}–{clock_text(window.end_s)[3:]}"
        if not window.linked:
            return f"{span}: no more in step than chance gives"
        if window.lag_s == 0:
            return f"{span}: in step, at the same moment"
        first, second = (0, 1) if window.lag_s > 0 else (1, 0)
        return (
            f"{span}: in step, {self.names[first]} first, "
            f"{self.names[second]} {abs(window.lag_s)} s later"
        )

    def report_input(self) -> Any:
        """The couple report of this replay (report.CoupleReportInput), both partners on one
        page with the linkage already measured."""
        from pausepoint.report import CoupleReportInput

        return CoupleReportInput(
            title=self.report_title,
            source=self.report_source,
            partners=(self.partner_updates(0), self.partner_updates(1)),
            couple_events=self.couple_events(),
            linkage=self.linkage,
            names=self.names,
            markers=self.markers,
            note=self.info.note,
        )


def load_replay(
    store: Any, session_id: int, config: Config, view: SessionViewModel
) -> ReplayModel | CoupleReplayModel:
    """A past session ready to show: a couple's in two lanes, one person's in ``view``."""
    if store.session(session_id).persons == 2:
        return CoupleReplayModel.load(store, session_id, config)
    return ReplayModel.load(store, session_id, config, view)


def export_couple(store: Any, session_id: int, path: Path) -> list[Path]:
    """Each partner's beats, as `export --person` writes them: ``path`` with -A and -B
    added (pausepoint CSV, arrival times kept; Kubios RR text for .txt)."""
    from pausepoint.sources.files import partner_path, write_heart_file

    written = []
    for person in range(len(PARTNERS)):
        out = partner_path(path, person)
        write_heart_file(out, store.samples(session_id, person))
        written.append(out)
    return written


# --- on screen ---------------------------------------------------------------------------


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
    shaded, a line at the replay's moment. A click asks to go there (``jump``)."""

    jump = Signal(float)

    def __init__(self, model: CoupleReplayModel) -> None:
        super().__init__()
        item = self.getPlotItem()
        self.setBackground(theme.CARD)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = QFont()
        font.setPointSize(8)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTickFont(font)
            axis.setTextPen(pg.mkPen(theme.MUTED))
            axis.setPen(pg.mkPen(theme.LINE))
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
        band = pg.FillBetweenItem(floor, chance, brush=pg.mkBrush(theme.rgba(theme.LINE, 170)))
        band.setZValue(-10)
        item.addItem(band)
        self.r_curve = pg.PlotDataItem(mid_s, r_abs, pen=pg.mkPen(theme.MUTED, width=1.0))
        item.addItem(self.r_curve)
        leads = [int(np.sign(w.lag_s)) for w in windows if w.linked]
        self.linked = pg.ScatterPlotItem(
            mid_s[linked],
            r_abs[linked],
            size=7,
            pen=pg.mkPen(theme.CARD),
            brush=[pg.mkBrush(LEAD_COLOURS[lead]) for lead in leads],
        )
        item.addItem(self.linked)
        self.cursor = pg.InfiniteLine(pos=info.start_t_s, angle=90, pen=pg.mkPen(theme.INK))
        item.addItem(self.cursor)
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_position(self, t_s: float) -> None:
        if self.cursor.value() != t_s:
            self.cursor.setValue(t_s)

    def _clicked(self, event: Any) -> None:
        self.jump.emit(float(self.getPlotItem().vb.mapSceneToView(event.scenePos()).x()))


def _label(text: str = "", name: str | None = None, pt: int = theme.BASE_PT - 1) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name is not None:
        label.setObjectName(name)
    label.setStyleSheet(f"font-size: {pt}pt;")
    return label


class LinkageBand(QWidget):
    """Heart rates together over the whole session, under the lanes: the couple report's
    words, always said to be exploratory; the windows beside them, the one at the replay's
    moment in words."""

    def __init__(self, model: CoupleReplayModel) -> None:
        super().__init__()
        self.model = model
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        words = QVBoxLayout()
        words.setSpacing(2)
        head = QLabel(
            "<b>Heart rates together</b>"
            f"<span style='color:{theme.MUTED}'> &nbsp;·&nbsp; {EXPLORATORY_WORDS}</span>"
        )
        head.setObjectName("linkageCaption")
        words.addWidget(head)
        self.summary = _label(model.summary, "linkageSummary", theme.BASE_PT - 2)
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
        self.now.setStyleSheet(f"color: {theme.MUTED}; font-size: {theme.BASE_PT - 2}pt;")
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

    def render(self) -> None:
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
        page.layout().setContentsMargins(0, 0, 0, 0)
        column.addWidget(page, 1)
        self.linkage = LinkageBand(model)
        self.linkage.plot.jump.connect(self.jump.emit)
        column.addWidget(self.linkage)

    @property
    def lanes(self) -> list[Any]:
        return self.couple_page.lanes

    def render(self, force: bool = False) -> bool:
        self.linkage.render()
        return self.couple_page.render(force=force)

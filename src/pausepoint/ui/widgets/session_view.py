"""One session on screen, live or replayed: check-in card, graphs, numbers and the pacer."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pausepoint.ui.view_model import (
    DEFAULT_WINDOW_S,
    WINDOW_CHOICES_S,
    Action,
    PromptKind,
    SessionViewModel,
)
from pausepoint.ui.widgets.checkin import CheckInCard
from pausepoint.ui.widgets.common import describe
from pausepoint.ui.widgets.pacer import PacerWidget
from pausepoint.ui.widgets.plots import ArousalPlot, HeartRatePlot, TachogramPlot
from pausepoint.ui.widgets.readings import Readings

SIDE_WIDTH_PX = 340
STATES_ONLY_NOTE = "Only the state is shown here: the numbers and the graph stay private."
COMPACT_PACER_PX = 316
"""A couple's lane is half the window: its numbers sit above the graphs, beside a narrower
pacer, so the check-in card keeps the lane's width."""


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    return label


class SessionView(QWidget):
    """Draws a SessionViewModel when asked (``refresh``), at most as often as its owner asks.

    ``break_requested`` (with the BackAt chosen) is emitted for Start break and
    ``more_time_requested`` for "I need more time": the owner records them before they show.
    """

    break_requested = Signal(object)
    more_time_requested = Signal()

    def __init__(
        self,
        view: SessionViewModel,
        *,
        interactive: bool = True,
        clock: Callable[[], float] = time.monotonic,
        compact: bool = False,
        pacer: bool = True,
    ) -> None:
        """``compact``: a lane of the couple view (numbers above the graphs, no side column,
        no heart-rate or RR graph: the arousal graph keeps its room). ``pacer``: False where
        there is nothing to breathe along with (a replayed couple)."""
        super().__init__()
        self.view = view
        self._with_pacer = pacer
        self.window_s = DEFAULT_WINDOW_S
        self._drawn_revision = -1
        self._pacer_wanted = False
        self._pacer_dismissed: PromptKind | None = None
        self.states_only = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)
        top = QHBoxLayout()
        top.setSpacing(12)
        self.checkin = CheckInCard(interactive=interactive)
        self.checkin.action.connect(self._on_action)
        top.addWidget(self.checkin, 1)
        self.pacer = PacerWidget(clock)
        self.pacer.closed.connect(self._hide_pacer)
        self.pacer.setVisible(False)
        self.pacer.setFixedWidth(COMPACT_PACER_PX if compact else SIDE_WIDTH_PX)
        outer.addLayout(top)
        self.readings = Readings()
        if compact:
            middle = QHBoxLayout()
            middle.setSpacing(12)
            middle.addWidget(self.readings, 1)
            if pacer:
                middle.addWidget(self.pacer)
            outer.addLayout(middle)
        elif pacer:
            top.addWidget(self.pacer)
        if not pacer:
            self.pacer.setParent(self)  # kept (a lane's rate is still set), never laid out
        self.private_note = _caption(STATES_ONLY_NOTE)
        self.private_note.setWordWrap(True)
        self.private_note.setVisible(False)
        outer.addWidget(self.private_note)
        row = QHBoxLayout()
        row.setSpacing(12)
        outer.addLayout(row, 1)
        self.graphs_box = QWidget()
        graphs = QVBoxLayout(self.graphs_box)
        graphs.setContentsMargins(0, 0, 0, 0)
        graphs.setSpacing(6)
        head = QHBoxLayout()
        head.addWidget(_caption("Arousal: how stirred up your body is, 0 to 100"), 1)
        shown = QLabel("Show the last")
        shown.setObjectName("muted")
        head.addWidget(shown)
        self.window_choice = QComboBox()
        for window_s in WINDOW_CHOICES_S:
            self.window_choice.addItem(f"{window_s / 60:g} minutes", window_s)
        self.window_choice.setCurrentIndex(WINDOW_CHOICES_S.index(DEFAULT_WINDOW_S))
        describe(self.window_choice, "Show the last", "How much of the session the graphs show")
        self.window_choice.currentIndexChanged.connect(
            lambda _i: self.set_window(float(self.window_choice.currentData()))
        )
        head.addWidget(self.window_choice)
        graphs.addLayout(head)
        self.arousal_plot = ArousalPlot(view.rising_line, view.flooding_line)
        self.hr_plot = HeartRatePlot()
        self.rr_plot = TachogramPlot()
        graphs.addWidget(self.arousal_plot, 5)
        if not compact:
            graphs.addWidget(_caption("Heart rate, beats a minute"))
            graphs.addWidget(self.hr_plot, 2)
            graphs.addWidget(_caption("Time between heartbeats, ms"))
            graphs.addWidget(self.rr_plot, 2)
        row.addWidget(self.graphs_box, 1)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(8)
        self._side = side
        if compact:
            return
        side.addWidget(self.readings, 0)
        holder = QWidget()
        holder.setLayout(side)
        holder.setFixedWidth(SIDE_WIDTH_PX)
        row.addWidget(holder)

    def set_states_only(self, states_only: bool) -> None:
        """Only the state chip and the words: the numbers and the graph are hidden (a
        partner's choice in a couple's session)."""
        if self.states_only == states_only:
            return
        self.states_only = states_only
        self.graphs_box.setVisible(not states_only)
        self.readings.show_numbers(not states_only)
        self.private_note.setVisible(states_only)
        self.pacer.feedback.setVisible(not states_only)  # it says how fast they breathe
        self.pacer.feedback.clear()

    def add_side_widget(self, widget: QWidget, stretch: int = 0) -> None:
        """Put more beside the graphs, under the numbers (the replay's events list)."""
        self._side.addWidget(widget, stretch)

    def set_window(self, window_s: float) -> None:
        self.window_s = window_s
        index = self.window_choice.findData(window_s)
        if index >= 0 and index != self.window_choice.currentIndex():
            self.window_choice.setCurrentIndex(index)
        self.refresh(force=True)

    def _on_action(self, name: str) -> None:
        action = Action(name)
        if action == Action.START_BREAK:
            self.break_requested.emit(self.checkin.back_at.back_at())
        elif action == Action.MORE_TIME:
            self.more_time_requested.emit()
        elif action == Action.OPEN_PACER:
            self._pacer_wanted = True
            self._pacer_dismissed = None
        elif action == Action.CHECK_READINESS:
            self.view.begin_readiness()
        self.refresh(force=True)

    def _hide_pacer(self) -> None:
        self._pacer_wanted = False
        prompt = self.checkin.prompt
        self._pacer_dismissed = None if prompt is None else prompt.kind
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> bool:
        """Draw what changed since the last call; False when there was nothing to draw."""
        view = self.view
        if not force and view.revision == self._drawn_revision:
            return False
        self._drawn_revision = view.revision
        prompt = view.prompt()
        self.checkin.set_prompt(prompt)
        if self._pacer_dismissed is not None and prompt.kind != self._pacer_dismissed:
            self._pacer_dismissed = None
        pacer_on = self._with_pacer and (
            self._pacer_wanted or (prompt.pacer and self._pacer_dismissed is None)
        )
        if self.pacer.isVisibleTo(self) != pacer_on:
            self.pacer.setVisible(pacer_on)
        latest = view.latest
        if latest is not None and not self.states_only:
            self.pacer.set_feedback(latest.coherence, latest.resp_rate_bpm)
        self.readings.update_from(view)
        end_s = max(view.t_s, self.window_s)
        start_s = end_s - self.window_s
        t_s, arousal = view.arousal.since(start_s)
        self.arousal_plot.set_data(np.array(t_s), np.array(arousal))
        self.arousal_plot.set_markers([t for t, _text in view.markers if t >= start_s])
        self.arousal_plot.set_breaks(view.break_spans(), start_s)
        t_s, hr_bpm = view.hr.since(start_s)
        baseline = None if latest is None or latest.baseline is None else latest.baseline.hr_bpm
        self.hr_plot.set_data(np.array(t_s), np.array(hr_bpm), baseline)
        t_s, rr_ms = view.rr.since(start_s)
        self.rr_plot.set_data(np.array(t_s), np.array(rr_ms))
        for plot in (self.arousal_plot, self.hr_plot, self.rr_plot):
            plot.set_window(start_s, end_s)
        return True

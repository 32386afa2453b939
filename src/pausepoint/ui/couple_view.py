"""The couple view: two lanes side by side, one per partner, and the shared pause.

Each lane is the single-person SessionView in its compact form (check-in card, state in
words, heart rate and RMSSD beside the calm level, the graphs), fed by that partner's
LaneViewModel; the couple's agreement (Let's pause, one break timer, ready together) comes
through the lanes' prompts. Linkage, when there is one to show, sits under the lanes,
marked exploratory.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pausepoint.ui import theme
from pausepoint.ui.couple_model import CoupleViewModel
from pausepoint.ui.session_model import TRIGGERED
from pausepoint.ui.widgets.answers import AnswersCard
from pausepoint.ui.widgets.common import FittedScroll, describe
from pausepoint.ui.widgets.glance import GLANCE_TIP
from pausepoint.ui.widgets.session_view import SessionView

LANES_MIN_PX = (1180, 630)
"""Two lanes need this much room to show every word; a smaller window scrolls them rather
than cut their words (the default 1280x820 window does not scroll)."""
STATES_ONLY_WORDS = "Show only my state"
STATES_ONLY_TIP = (
    "Your partner sees how you are in words (calm, time to pause...), not your numbers or "
    "graph; kept in your profile, if you have one"
)
BOTH_STATES_ONLY_WORDS = "States only, for both"
BOTH_STATES_ONLY_TIP = "Both lanes show only how each of you is in words, no numbers or graphs"
LINKAGE_CAPTION = "Heart rates together (exploratory, not a verdict on your relationship)"


class CouplePage(QWidget):
    """The couple's session as it happens. ``break_requested``: Start break for both, from
    either lane; the owner records it before it shows."""

    break_requested = Signal(object)
    more_time_requested = Signal()
    marker_requested = Signal(str)
    end_requested = Signal()
    new_requested = Signal()
    glance_requested = Signal()
    states_only_changed = Signal(int, bool)
    """A partner ticked or cleared "Show only my state" (person, states only)."""

    def __init__(
        self,
        view: CoupleViewModel,
        clock: Callable[[], float] = time.monotonic,
        *,
        replay: bool = False,
    ) -> None:
        """``replay``: the lanes as they were, with nothing to press and no pacers (the
        couple replay puts its own title and controls around them)."""
        super().__init__()
        self.setObjectName("page")
        self.view = view
        self._drawn_revision = -1
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*((0, 0, 0, 0) if replay else (18, 12, 18, 12)))
        outer.setSpacing(8)
        head_row = QWidget()
        head_row.setVisible(not replay)
        head = QHBoxLayout(head_row)
        head.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Couple check-in")
        title.setStyleSheet(f"font-size: {theme.BASE_PT + 3}pt; font-weight: 600;")
        head.addWidget(title)
        self.couple_state = QLabel("")
        self.couple_state.setObjectName("coupleState")
        self.couple_state.setProperty("deep", True)
        self.couple_state.setStyleSheet("font-weight: 600;")
        head.addWidget(self.couple_state, 1)
        self.both_private = QCheckBox(BOTH_STATES_ONLY_WORDS)
        describe(self.both_private, BOTH_STATES_ONLY_WORDS, BOTH_STATES_ONLY_TIP)
        self.both_private.toggled.connect(self._both_private)
        head.addWidget(self.both_private)
        outer.addWidget(head_row)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        outer.addWidget(self.note)
        lanes_box = QWidget()
        lanes_box.setObjectName("page")
        lanes_box.setMinimumSize(*LANES_MIN_PX)
        lanes = QHBoxLayout(lanes_box)
        lanes.setContentsMargins(0, 0, 0, 0)
        lanes.setSpacing(18)
        self.names: list[QLabel] = []
        self.lanes: list[SessionView] = []
        self.answers: list[AnswersCard] = []
        self.private: list[QCheckBox] = []
        for lane_view in view.lanes:
            holder = QWidget()
            holder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(6)
            name = QLabel(view.names[lane_view.person])
            name.setObjectName("laneName")
            name.setStyleSheet(f"font-size: {theme.BASE_PT + 4}pt; font-weight: 600;")
            name_row = QHBoxLayout()
            name_row.addWidget(name, 1)
            column.addLayout(name_row)
            private = QCheckBox(STATES_ONLY_WORDS)
            private.setVisible(not replay)
            describe(private, STATES_ONLY_WORDS, STATES_ONLY_TIP)
            private.toggled.connect(
                lambda on, person=lane_view.person: self.states_only_changed.emit(person, on)
            )
            name_row.addWidget(private)
            self.private.append(private)
            answers = AnswersCard(wide=False)
            column.addWidget(answers)
            self.answers.append(answers)
            lane = SessionView(
                lane_view, clock=clock, compact=True, interactive=not replay, pacer=not replay
            )
            lane.break_requested.connect(self.break_requested.emit)
            lane.more_time_requested.connect(self.more_time_requested.emit)
            column.addWidget(lane, 1)
            lanes.addWidget(holder, 1)
            self.names.append(name)
            self.lanes.append(lane)
        scroll = FittedScroll()
        scroll.setObjectName("page")
        scroll.setWidget(lanes_box)
        self.lanes_scroll = scroll
        outer.addWidget(scroll, 1)
        self.linkage_caption = QLabel(LINKAGE_CAPTION)
        self.linkage_caption.setObjectName("muted")
        self.linkage = QLabel("")
        self.linkage.setObjectName("linkage")
        self.linkage.setWordWrap(True)
        outer.addWidget(self.linkage_caption)
        outer.addWidget(self.linkage)
        controls = QWidget()
        controls.setVisible(not replay)
        row = QHBoxLayout(controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.marker_button = QPushButton(TRIGGERED)
        self.marker_button.setToolTip("Marks this moment in the session, to look at later")
        describe(self.marker_button, None, "Marks this moment in the session, to look at later")
        self.marker_button.clicked.connect(lambda: self.marker_requested.emit(TRIGGERED))
        row.addWidget(self.marker_button)
        self.marked = QLabel("")
        self.marked.setObjectName("muted")
        row.addWidget(self.marked, 1)
        self.glance_button = QPushButton("Glance")
        self.glance_button.setToolTip(GLANCE_TIP)
        describe(self.glance_button, None, GLANCE_TIP)
        self.glance_button.clicked.connect(self.glance_requested.emit)
        row.addWidget(self.glance_button)
        self.end_button = QPushButton("End session")
        describe(self.end_button, None, "Stops the session; what was recorded is kept")
        self.end_button.clicked.connect(self.end_requested.emit)
        row.addWidget(self.end_button)
        self.new_button = QPushButton("New session")
        describe(self.new_button, None, "Back to the start, to begin another session")
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(self.new_requested.emit)
        self.new_button.setVisible(False)
        row.addWidget(self.new_button)
        outer.addWidget(controls)

    def _both_private(self, on: bool) -> None:
        for person, box in enumerate(self.private):
            if box.isChecked() != on:
                box.setChecked(on)
            else:
                self.states_only_changed.emit(person, on)

    def minimumSizeHint(self) -> QSize:
        """The pages share one stack: the couple's two lanes must not make the window grow
        for everyone; its graphs give way instead."""
        return QSize(0, 0)

    def set_ended(self, ended: bool) -> None:
        self.marker_button.setEnabled(not ended)
        self.end_button.setVisible(not ended)
        self.new_button.setVisible(ended)

    def refresh(self, force: bool = False) -> bool:
        """Both lanes, redrawn together: a partner's prompt can change on the other's beat."""
        view = self.view
        if not force and view.revision == self._drawn_revision:
            return False
        self._drawn_revision = view.revision
        for label, name in zip(self.names, view.names, strict=True):
            if label.text() != name:
                label.setText(name)
        self.couple_state.setText(f"·  {view.state_words()}")
        self.note.setText(" ".join(view.notes))
        self.note.setVisible(bool(view.notes))
        for lane, box, states_only in zip(self.lanes, self.private, view.states_only, strict=True):
            lane.set_states_only(states_only)
            if box.isChecked() != states_only:
                box.blockSignals(True)
                box.setChecked(states_only)
                box.blockSignals(False)
            lane.refresh(force=True)
        both = all(view.states_only)
        if self.both_private.isChecked() != both:
            self.both_private.blockSignals(True)
            self.both_private.setChecked(both)
            self.both_private.blockSignals(False)
        shown = view.linkage_text is not None
        self.linkage_caption.setVisible(shown)
        self.linkage.setVisible(shown)
        self.linkage.setText(view.linkage_text or "")
        return True

    def hold_pacers(self, t_s: float) -> None:
        for lane in self.lanes:
            lane.pacer.hold(t_s)

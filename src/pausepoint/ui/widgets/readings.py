"""The numbers beside the graphs: heart rate and HRV now, next to the person's calm level."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from pausepoint.model import State
from pausepoint.ui import theme
from pausepoint.ui.view_model import SessionViewModel


class _Number(QVBoxLayout):
    def __init__(self, caption: str, unit: str) -> None:
        super().__init__()
        self.setSpacing(2)
        head = QLabel(caption)
        head.setObjectName("muted")
        head.setWordWrap(True)  # "Variability (RMSSD)" in two lines in a couple's narrow lane
        self.addWidget(head)
        row = QHBoxLayout()
        self.value = QLabel("–")
        self.value.setObjectName("bigNumber")
        unit_label = QLabel(unit)
        unit_label.setObjectName("muted")
        row.addWidget(self.value)
        row.addWidget(unit_label, 1, Qt.AlignmentFlag.AlignBottom)
        self.addLayout(row)
        self.compare = QLabel("")
        self.compare.setObjectName("muted")
        self.compare.setWordWrap(True)
        self.addWidget(self.compare)

    def show(self, value: str, compare: str) -> None:
        if self.value.text() != value:
            self.value.setText(value)
        if self.compare.text() != compare:
            self.compare.setText(compare)


class Readings(QFrame):
    """State in words (with its colour), heart rate and RMSSD, each beside the calm level."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(12)
        self.state = QLabel("waiting for the strap")
        self.state.setObjectName("stateChip")
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setWordWrap(True)
        self.state.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.state)
        self.numbers = QWidget()
        numbers = QHBoxLayout(self.numbers)
        numbers.setContentsMargins(0, 0, 0, 0)
        numbers.setSpacing(16)
        self.hr = _Number("Heart rate", "bpm")
        self.rmssd = _Number("Variability (RMSSD)", "ms")
        numbers.addLayout(self.hr, 1)
        numbers.addLayout(self.rmssd, 1)
        layout.addWidget(self.numbers)
        self.rhythm = QLabel("")
        self.rhythm.setObjectName("muted")
        self.rhythm.setWordWrap(True)
        self.rhythm.setAccessibleName("How the state is judged")
        self.rhythm.hide()
        layout.addWidget(self.rhythm)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._state: State | None = None
        self._paint_state(None)

    def _paint_state(self, state: State | None) -> None:
        colour = theme.SLATE if state is None else theme.STATE_COLOURS[state]
        ink = theme.INK if state == State.RISING else "white"
        self.state.setStyleSheet(f"background: {colour}; color: {ink};")

    def show_numbers(self, shown: bool) -> None:
        """Hidden, the numbers are neither drawn nor read out: only the state is."""
        self.numbers.setVisible(shown)

    def update_from(self, view: SessionViewModel) -> None:
        if view.state != self._state or not self.state.text():
            self._state = view.state
            self._paint_state(view.state)
        words = view.state_words()
        text = words[0].upper() + words[1:]
        if self.state.text() != text:
            self.state.setText(text)
        if self.numbers.isHidden():
            self.hr.show("–", "")
            self.rmssd.show("–", "")
            return
        self.hr.show(*view.hr_text())
        self.rmssd.show(*view.rmssd_text())
        rhythm = view.rhythm_text()
        if (rhythm or "") != self.rhythm.text():
            self.rhythm.setText(rhythm or "")
            self.rhythm.setVisible(rhythm is not None)

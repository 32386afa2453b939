"""The Getting connected page: what to try when a strap is not found or will not stay
connected, one card per topic (the words are connect_help_model's). Back or Esc returns."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pausepoint.ui import theme
from pausepoint.ui.connect_help_model import HELP_INTRO, HELP_TITLE, Command, Topic
from pausepoint.ui.widgets.common import card, describe, label

COLUMNS = 2


def _line(line: str | Command) -> QLabel:
    """A sentence, or a command set apart in a fixed-width face; both can be selected and
    copied."""
    if isinstance(line, Command):
        widget = QLabel(line.text)
        widget.setObjectName("command")  # set apart by the window's stylesheet
    else:
        widget = label(line)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def topic_card(topic: Topic) -> QFrame:
    """One topic: its title (marked when it is this computer's system) and its lines."""
    frame, layout = card(spacing=8, margins=(18, 14, 18, 14))
    head = QHBoxLayout()
    title = QLabel(topic.title)
    title.setStyleSheet(f"font-size: {theme.BASE_PT + 2}pt; font-weight: 600;")
    head.addWidget(title)
    if topic.here:
        head.addWidget(label("· this computer", "muted"))
    head.addStretch(1)
    layout.addLayout(head)
    for line in topic.lines:
        layout.addWidget(_line(line))
    layout.addStretch(1)
    return frame


class HelpPage(QWidget):
    """Getting connected, reached from the start page; ``back_requested`` on Back or Esc."""

    back_requested = Signal()

    def __init__(self, topics: Sequence[Topic]) -> None:
        super().__init__()
        self.setObjectName("page")
        body = QWidget()
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(12)
        head = QHBoxLayout()
        head.addWidget(label(HELP_TITLE, "title"), 1)
        self.back_button = QPushButton("Back")
        self.back_button.setToolTip("Back to the start page (Esc)")
        describe(self.back_button, None, "Back to the start page (Esc)")
        self.back_button.clicked.connect(self.back_requested.emit)
        head.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        layout.addWidget(label(HELP_INTRO, "muted"))
        grid = QGridLayout()
        grid.setSpacing(12)
        for index, topic in enumerate(topics):
            grid.addWidget(topic_card(topic), index // COLUMNS, index % COLUMNS)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back_requested.emit)

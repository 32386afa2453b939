"""The list of what happened: events in words, the person's markers and notes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from pausepoint.ui.view_model import TimelineEntry
from pausepoint.ui.widgets.common import describe
from pausepoint.words import clock_text

HIDDEN_KINDS = frozenset({"gap"})
"""A dropped notification now and then is no news to the person; the status line tells."""


class EventsList(QListWidget):
    """Entries in time order; ``jump`` carries the time of the entry clicked."""

    jump = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        describe(self, "What happened", "The session's moments in time order, with your notes")
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)
        self._shown = 0

    def set_entries(self, entries: Sequence[TimelineEntry], follow: bool = True) -> None:
        """Show ``entries``; when they extend what is shown, only the new ones are added."""
        if len(entries) < self._shown:
            self.clear()
            self._shown = 0
        for entry in entries[self._shown :]:
            if entry.kind in HIDDEN_KINDS:
                continue
            item = QListWidgetItem(f"{clock_text(entry.t_s)}  {entry.text}")
            item.setData(Qt.ItemDataRole.UserRole, entry.t_s)
            self.addItem(item)
        added = len(entries) > self._shown
        self._shown = len(entries)
        if follow and added:
            self.scrollToBottom()

    def forget(self) -> None:
        """Empty the list (a new session)."""
        self.clear()
        self._shown = 0

    def _clicked(self, item: QListWidgetItem) -> None:
        self.jump.emit(float(item.data(Qt.ItemDataRole.UserRole)))

"""Small pieces every page is built from: a word-wrapped label, a white card, and the words
a screen reader says for a control."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

W = TypeVar("W", bound=QWidget)


def label(text: str = "", name: str | None = None, *, pt: float | None = None) -> QLabel:
    """A word-wrapped label; ``name`` picks its look in the theme ("title", "muted"…),
    ``pt`` a font size of its own."""
    widget = QLabel(text)
    widget.setWordWrap(True)
    if name:
        widget.setObjectName(name)
    if pt is not None:
        widget.setStyleSheet(f"font-size: {pt:g}pt;")
    return widget


def card(
    spacing: int = 10, margins: tuple[int, int, int, int] = (20, 16, 20, 16)
) -> tuple[QFrame, QVBoxLayout]:
    """A white card (the theme's ``#card``) and its column."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return frame, layout


def page_layout(owner: QWidget) -> QVBoxLayout:
    """``owner`` made a page: the layout its content goes in, with the page's margins."""
    owner.setObjectName("page")
    page = QWidget()
    page.setObjectName("page")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(18, 14, 18, 10)
    layout.setSpacing(12)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(page)
    return layout


def describe(widget: W, name: str | None, description: str) -> W:
    """What a screen reader says for ``widget``: its name, then what it does. ``name`` None
    keeps a button's own words as its name (they change with the moment)."""
    if name is not None:
        widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


class FittedScroll(QScrollArea):
    """What it holds fills the window; only a window smaller than its minimum scrolls it,
    so a small screen never cuts words off. (Qt's own resizable scroll area gives the
    content its preferred height, which graphs make far taller than a window, and would
    scroll at every size.)"""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to what it holds
        self.setFrameShape(QFrame.Shape.NoFrame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        inner = self.widget()
        if inner is not None:
            least = inner.minimumSizeHint().expandedTo(inner.minimumSize())
            inner.resize(self.viewport().size().expandedTo(least))


class ElidedLabel(QLabel):
    """One line that ends in "…" where the room runs out; the whole of it as a tooltip."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._full = ""
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._fit()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            self.setText(shown)

"""Small pieces every page is built from: a word-wrapped label, a white card, and the words
a screen reader says for a control."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

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


def describe(widget: W, name: str | None, description: str) -> W:
    """What a screen reader says for ``widget``: its name, then what it does. ``name`` None
    keeps a button's own words as its name (they change with the moment)."""
    if name is not None:
        widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget

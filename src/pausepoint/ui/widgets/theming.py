"""A palette put on the window: its stylesheet, Qt's own palette (for what the stylesheet
leaves to the style: check boxes, menus, message boxes), and the widgets that paint their own
colours. Done when the window is built and when the choice changes, never per frame."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from pausepoint.ui import theme
from pausepoint.ui.theme import Palette


@runtime_checkable
class Themed(Protocol):
    """A widget that paints colours of its own: given the palette again when it changes."""

    def use_palette(self, palette: Palette) -> None: ...


def system_prefers_dark() -> bool:
    """Whether the computer is set to dark (Qt 6.5+; unknown counts as light)."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def qt_palette(p: Palette) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: p.paper,
        QPalette.ColorRole.WindowText: p.ink,
        QPalette.ColorRole.Base: p.card,
        QPalette.ColorRole.AlternateBase: p.paper,
        QPalette.ColorRole.Text: p.ink,
        QPalette.ColorRole.Button: p.card,
        QPalette.ColorRole.ButtonText: p.ink,
        QPalette.ColorRole.ToolTipBase: p.card,
        QPalette.ColorRole.ToolTipText: p.ink,
        QPalette.ColorRole.PlaceholderText: p.muted,
        QPalette.ColorRole.Highlight: theme.SKY_BLUE,
        QPalette.ColorRole.HighlightedText: theme.INK,
        QPalette.ColorRole.Link: p.deep_words,
        QPalette.ColorRole.Light: p.card,
        QPalette.ColorRole.Midlight: p.groove,
        QPalette.ColorRole.Mid: p.line,
        QPalette.ColorRole.Dark: p.line,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.disabled_ink))
    return palette


def put_on(window: QWidget, p: Palette, *, built: bool = True) -> None:
    """The palette on ``window`` and its dialogs; ``built``: its widgets exist already and
    are given it again (a window being built has its widgets read ``theme.current()``)."""
    theme.use(p)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setPalette(qt_palette(p))
    window.setStyleSheet(theme.stylesheet(p))
    if built:
        for widget in window.findChildren(QWidget):
            if isinstance(widget, Themed):
                widget.use_palette(p)

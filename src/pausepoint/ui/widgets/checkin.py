"""The check-in card: the words for this moment, and the one or two things to do now."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pausepoint.ui.view_model import ACTION_LABELS, Action, Prompt
from pausepoint.ui.widgets.common import label


def _card_text(name: str | None = None, wrap: bool = True) -> QLabel:
    """A card's text: the shared label, not selectable (a click goes to the card)."""
    text = label("", name)
    text.setWordWrap(wrap)
    text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return text


def set_flag(widget: QWidget, name: str, value: bool) -> None:
    """Set a style property and re-apply the stylesheet rules that depend on it."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QWidget):
        child.style().unpolish(child)
        child.style().polish(child)


class CheckInCard(QFrame):
    """Shows a Prompt; ``action`` carries the Action of the button pressed."""

    action = Signal(str)

    def __init__(self, interactive: bool = True) -> None:
        super().__init__()
        self.setObjectName("prompt")
        self.interactive = interactive
        self.prompt: Prompt | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 14, 22, 14)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.title = _card_text("title")
        head.addWidget(self.title, 1)
        self.timer = _card_text("timer", wrap=False)
        self.timer_caption = _card_text("muted", wrap=False)
        head.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignBottom)
        head.addWidget(self.timer_caption, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(head)
        self.body = _card_text()
        self.say = _card_text("say")
        self.tips = _card_text()
        layout.addWidget(self.body)
        layout.addWidget(self.say)
        layout.addWidget(self.tips)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        self._buttons_row = buttons
        self.buttons: dict[Action, QPushButton] = {}
        for action in Action:
            button = QPushButton(ACTION_LABELS[action])
            button.setObjectName(f"action_{action}")
            button.clicked.connect(lambda _checked=False, a=action: self.action.emit(str(a)))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            buttons.addWidget(button)
            self.buttons[action] = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def shown_buttons(self) -> list[QPushButton]:
        """The buttons on show, left to right."""
        row = self._buttons_row
        items = (row.itemAt(i) for i in range(row.count()))
        widgets = [item.widget() for item in items if item is not None]
        return [w for w in widgets if isinstance(w, QPushButton) and w.isVisibleTo(self)]

    def set_prompt(self, prompt: Prompt) -> None:
        if prompt == self.prompt:
            return
        self.prompt = prompt
        set_flag(self, "emphasis", prompt.emphasis)
        self.title.setText(prompt.title)
        self.body.setText(prompt.body)
        self.say.setText(prompt.say or "")
        self.say.setVisible(prompt.say is not None)
        self.tips.setText("\n".join(f"•  {tip}" for tip in prompt.tips))
        self.tips.setVisible(bool(prompt.tips))
        self.timer.setText(prompt.timer_text or "")
        self.timer_caption.setText(prompt.timer_caption or "")
        self.timer.setVisible(prompt.timer_text is not None)
        self.timer_caption.setVisible(prompt.timer_text is not None)
        self.progress.setVisible(prompt.progress is not None)
        if prompt.progress is not None:
            self.progress.setValue(round(1000 * min(1.0, max(0.0, prompt.progress))))
        for action in prompt.actions:
            self._buttons_row.removeWidget(self.buttons[action])
            self._buttons_row.insertWidget(prompt.actions.index(action), self.buttons[action])
        for action, button in self.buttons.items():
            shown = self.interactive and action in prompt.actions
            button.setVisible(shown)
            button.setText(prompt.action_labels.get(action, ACTION_LABELS[action]))
            first = shown and prompt.actions.index(action) == 0
            set_flag(button, "primary", first)
            set_flag(button, "big", first and prompt.emphasis)

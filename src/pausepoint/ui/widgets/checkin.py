"""The check-in card: the words for this moment, and the one or two things to do now."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from datetime import time as clock_time

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from pausepoint.ui.break_model import AGREED_CHOICES_MIN, BackAt
from pausepoint.ui.view_model import ACTION_LABELS, Action, Prompt
from pausepoint.ui.widgets.common import describe, label

ACTION_DESCRIPTIONS = {
    Action.START_BREAK: "Starts the break, until the time chosen beside it",
    Action.MORE_TIME: "Makes the break longer",
    Action.OPEN_PACER: "Opens the breathing pacer, to breathe slowly with it",
    Action.CHECK_READINESS: "A short check of whether your body has settled",
}
"""What each of the card's buttons does, for a screen reader (the button's words are its
name)."""


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


class BackAtChoice(QWidget):
    """Beside Start break: when the person will come back, in minutes or at a clock time."""

    AT_A_TIME = -1

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.minutes = QComboBox()
        self.minutes.setObjectName("back_in")
        for minutes in AGREED_CHOICES_MIN:
            self.minutes.addItem(f"back in {minutes} minutes", minutes)
        self.minutes.addItem("back at a time…", self.AT_A_TIME)
        describe(
            self.minutes,
            "When you will come back",
            "How long the break lasts: say it to your partner before you go.",
        )
        self.at = QTimeEdit()
        self.at.setObjectName("back_at")
        self.at.setDisplayFormat("HH:mm")
        describe(self.at, "Come back at", "The time you will be back, hours and minutes")
        self.at.setVisible(False)
        self.minutes.currentIndexChanged.connect(self._chosen)
        row.addWidget(self.minutes)
        row.addWidget(self.at)

    def reset(self) -> None:
        """A new pause prompt: the default again (the first choice)."""
        self.minutes.setCurrentIndex(0)

    def _chosen(self) -> None:
        at_a_time = self.minutes.currentData() == self.AT_A_TIME
        if at_a_time and not self.at.isVisible():
            soon = datetime.now() + timedelta(minutes=AGREED_CHOICES_MIN[0] + 4)
            self.at.setTime(QTime(soon.hour, soon.minute - soon.minute % 5))
        self.at.setVisible(at_a_time)

    def back_at(self) -> BackAt:
        if self.minutes.currentData() == self.AT_A_TIME:
            chosen = self.at.time()
            return BackAt(at=clock_time(chosen.hour(), chosen.minute()))
        return BackAt(minutes=int(self.minutes.currentData()))


class CheckInCard(QFrame):
    """Shows a Prompt; ``action`` carries the Action of the button pressed (Start break with
    the time chosen beside it: ``back_at``)."""

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
            describe(button, None, ACTION_DESCRIPTIONS[action])
            button.setAutoDefault(True)  # Enter presses it too, as Space does
            button.clicked.connect(lambda _checked=False, a=action: self.action.emit(str(a)))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            buttons.addWidget(button)
            self.buttons[action] = button
        self.back_at = BackAtChoice()
        self.back_at.setVisible(False)
        buttons.addWidget(self.back_at)
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
        choosing = self.interactive and Action.START_BREAK in prompt.actions
        if choosing:
            if not self.back_at.isVisibleTo(self):
                self.back_at.reset()
            self._buttons_row.removeWidget(self.back_at)
            after = prompt.actions.index(Action.START_BREAK) + 1
            self._buttons_row.insertWidget(after, self.back_at)
        self.back_at.setVisible(choosing)
        self._tab_as_shown()

    def _tab_as_shown(self) -> None:
        """Tab goes through the buttons (and the time beside Start break) left to right."""
        row = self._buttons_row
        items = (row.itemAt(i) for i in range(row.count()))
        widgets = [item.widget() for item in items if item is not None]
        chain: list[QWidget] = []
        for widget in widgets:
            if widget is self.back_at:
                chain.extend((self.back_at.minutes, self.back_at.at))
            elif widget is not None:
                chain.append(widget)
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

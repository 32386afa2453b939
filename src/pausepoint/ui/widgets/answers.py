"""The small card that asks one person the two-tap questions before and after a check-in.

It sits above the session, never over it: the session goes on whether it is answered,
skipped (the Skip button, or Esc) or left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pausepoint.sessions.check_ins import MOODS, PauseHelped
from pausepoint.ui.check_in_answers_model import (
    AFTER_QUESTION,
    BEFORE_QUESTION,
    HELPED_QUESTION,
    HELPED_WORDS,
    MOOD_WORDS,
    TAGS_QUESTION,
    CheckInAnswers,
    Stage,
)
from pausepoint.ui.widgets.common import describe, label

SHARE_WORDS = "Let my partner see my answers"
TAG_COLUMNS = 6
"""The six suggested tags on one line, even in a couple's half-width lane; more wrap."""
OWN_TAG_PX = 180


def _choice(text: str, description: str) -> QPushButton:
    button = QPushButton(text)
    button.setCheckable(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    describe(button, None, description)
    return button


class AnswersCard(QFrame):
    """One person's questions (``person`` of ``model``); ``changed`` after each tap, so the
    owner can redraw the other partner's card and the page."""

    changed = Signal()

    def __init__(self, wide: bool = True) -> None:
        """``wide``: the questions and their choices on the same lines (one person's page);
        else each on its own line (a couple's half-width lane)."""
        super().__init__()
        self.setObjectName("card")
        self.model: CheckInAnswers | None = None
        self.person = 0
        self._drawn = (-1, "")
        self._title_words = ""
        self.question = label("", "muted")
        self.question.setWordWrap(not wide)
        self.moods: dict[int, QPushButton] = {}
        for mood in MOODS:
            button = _choice(MOOD_WORDS[mood], f"{mood} of 5: 1 is calm, 5 is tense")
            button.clicked.connect(partial(self._mood, mood))
            self.moods[mood] = button
        self.tags_question = label(TAGS_QUESTION, "muted")
        self.tags_question.setWordWrap(not wide)
        self.tags_box = QWidget()
        self.tags_grid = QGridLayout(self.tags_box)
        self.tags_grid.setContentsMargins(0, 0, 0, 0)
        self.tags_grid.setSpacing(6)
        self.tags_grid.setColumnStretch(TAG_COLUMNS, 1)
        self.tags: dict[str, QPushButton] = {}
        self.own_tag = QLineEdit()
        self.own_tag.setPlaceholderText("your own word")
        self.own_tag.setFixedWidth(OWN_TAG_PX)
        describe(self.own_tag, "Your own word", "Another thing the talk is about; Enter adds it")
        self.own_tag.returnPressed.connect(self._add_own)
        self.helped_question = label(HELPED_QUESTION, "muted")
        self.helped_question.setWordWrap(not wide)
        self.helped_box = QWidget()
        helped = QHBoxLayout(self.helped_box)
        helped.setContentsMargins(0, 0, 0, 0)
        helped.setSpacing(6)
        self.helped: dict[PauseHelped, QPushButton] = {}
        for choice in PauseHelped:
            button = _choice(HELPED_WORDS[choice], f"{HELPED_QUESTION} {HELPED_WORDS[choice]}")
            button.clicked.connect(partial(self._helped, choice))
            helped.addWidget(button)
            self.helped[choice] = button
        helped.addStretch(1)
        self.share = QCheckBox(SHARE_WORDS)
        describe(self.share, SHARE_WORDS, "Your answers are yours alone unless you tick this")
        self.share.toggled.connect(lambda on: self._tap(lambda a, p: a.set_shared(p, on)))
        self.skip_button = QPushButton("Skip")
        describe(self.skip_button, None, "No answer this time; nothing is kept (Esc does it too)")
        self.skip_button.clicked.connect(self._skip)
        self.done_button = QPushButton("Done")
        self.done_button.setProperty("primary", True)
        describe(self.done_button, None, "Keeps your answers with this session")
        self.done_button.clicked.connect(lambda: self._tap(lambda a, p: a.done(p)))
        self._arrange(wide)
        describe(self, "Check-in questions", "Two short questions, always optional")
        self.setVisible(False)

    def _arrange(self, wide: bool) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.question, 0 if wide else 1)
        moods = QHBoxLayout() if not wide else head
        moods.setSpacing(6)
        for button in self.moods.values():
            moods.addWidget(button)
        moods.addStretch(1)
        if wide:
            head.addWidget(self.share)
        head.addWidget(self.skip_button)
        head.addWidget(self.done_button)
        layout.addLayout(head)
        if not wide:
            layout.addLayout(moods)
        if wide:
            for row_widgets in (
                (self.tags_question, self.tags_box, self.own_tag),
                (self.helped_question, self.helped_box),
            ):
                row = QHBoxLayout()
                row.setSpacing(10)
                for widget in row_widgets:
                    row.addWidget(widget)
                row.addStretch(1)
                layout.addLayout(row)
            return
        layout.addWidget(self.tags_question)
        layout.addWidget(self.tags_box)
        own_row = QHBoxLayout()
        own_row.setSpacing(10)
        own_row.addWidget(self.own_tag)
        own_row.addWidget(self.share)
        own_row.addStretch(1)
        layout.addLayout(own_row)
        layout.addWidget(self.helped_question)
        layout.addWidget(self.helped_box)

    def show_model(self, model: CheckInAnswers | None, person: int = 0, name: str = "") -> None:
        """Ask ``person`` (called ``name`` in a couple) the questions of ``model`` (None:
        nothing to ask)."""
        self.model = model
        self.person = person
        self._title_words = name
        self._drawn = (-1, "")
        self.share.blockSignals(True)
        self.share.setChecked(False)
        self.share.blockSignals(False)
        self.own_tag.clear()
        self.refresh()

    def refresh(self) -> None:
        model = self.model
        stage = Stage.CLOSED if model is None else model.stage(self.person)
        if model is None or stage == Stage.CLOSED:
            if self.isVisibleTo(self.parentWidget() or self):
                self.setVisible(False)
            self._drawn = (-1, "")
            return
        if self._drawn == (model.revision, str(stage)):
            return
        self._drawn = (model.revision, str(stage))
        answers = model.people[self.person]
        before = stage == Stage.BEFORE
        words = BEFORE_QUESTION if before else AFTER_QUESTION
        prefix = f"{self._title_words}: " if self._title_words else ""
        self.question.setText(f"{prefix}{words}  (optional)")
        chosen_mood = answers.mood_before if before else answers.mood_after
        for mood, button in self.moods.items():
            button.setChecked(mood == chosen_mood)
        self.tags_question.setVisible(before)
        self.tags_box.setVisible(before)
        self.own_tag.setVisible(before)
        if before:
            self._draw_tags(model.known_tags, answers.tags)
        asks_helped = not before and model.asks_if_pause_helped()
        self.helped_question.setVisible(asks_helped)
        self.helped_box.setVisible(asks_helped)
        for choice, button in self.helped.items():
            button.setChecked(choice == answers.pause_helped)
        self.share.setVisible(model.couple)
        if self.share.isChecked() != answers.shared:
            self.share.blockSignals(True)
            self.share.setChecked(answers.shared)
            self.share.blockSignals(False)
        self.setVisible(True)

    def _draw_tags(self, known: list[str], chosen: list[str]) -> None:
        for tag in known:
            if tag not in self.tags:
                button = _choice(tag, f"The talk is about {tag}")
                button.clicked.connect(partial(self._tag, tag))
                row, column = divmod(len(self.tags), TAG_COLUMNS)
                self.tags_grid.addWidget(button, row, column)
                self.tags[tag] = button
        for tag, button in self.tags.items():
            button.setVisible(tag in known)
            button.setChecked(tag in chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc skips, as the Skip button does."""
        if event.key() == Qt.Key.Key_Escape and self.isVisible():
            self._skip()
            event.accept()
            return
        super().keyPressEvent(event)

    def _tap(self, act: Callable[[CheckInAnswers, int], None]) -> None:
        if self.model is None:
            return
        act(self.model, self.person)
        self.refresh()
        self.changed.emit()

    def _mood(self, mood: int, _checked: bool = False) -> None:
        self._tap(lambda model, person: model.choose_mood(person, mood))

    def _helped(self, helped: PauseHelped, _checked: bool = False) -> None:
        self._tap(lambda model, person: model.choose_helped(person, helped))

    def _tag(self, tag: str, _checked: bool = False) -> None:
        self._tap(lambda model, person: model.toggle_tag(person, tag))

    def _skip(self) -> None:
        self._tap(lambda model, person: model.skip(person))

    def _add_own(self) -> None:
        if self.model is not None:
            if self.model.add_own_tag(self.person, self.own_tag.text()) is not None:
                self.own_tag.clear()
            self.refresh()
            self.changed.emit()

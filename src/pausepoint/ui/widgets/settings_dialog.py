"""The settings: how loud, which sounds, desktop notifications; remembered between runs.

OK writes the settings file; a file that cannot be written is one sentence (``problem``),
and the window uses the new settings for this run all the same.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from pausepoint.cues.synth import Cue
from pausepoint.ui import theme
from pausepoint.ui.settings_model import Settings, save_settings
from pausepoint.ui.sound import SoundPlayer
from pausepoint.ui.widgets.common import label

VOLUME_STEPS = 100
"""The slider moves in whole percent."""


def _heading(text: str) -> QLabel:
    heading = label(text)
    heading.setStyleSheet(f"font-size: {theme.BASE_PT + 2}pt; font-weight: 600;")
    return heading


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setObjectName("page")
        self._path = path
        self._player: SoundPlayer | None = None
        self.problem: str | None = None
        """Why the settings could not be saved, after OK; None when they were."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(_heading("Sounds"))
        row = QHBoxLayout()
        row.addWidget(QLabel("Volume"))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, VOLUME_STEPS)
        self.volume.setValue(round(settings.volume * VOLUME_STEPS))
        self.volume.setAccessibleName("Volume")
        self.volume_words = QLabel()
        self.volume_words.setMinimumWidth(44)
        self.volume.valueChanged.connect(self._show_volume)
        self._show_volume(self.volume.value())
        row.addWidget(self.volume, 1)
        row.addWidget(self.volume_words)
        self.try_button = QPushButton("Try it")
        self.try_button.setAccessibleName("Try the pause sound at this volume")
        self.try_button.clicked.connect(self.try_sound)
        row.addWidget(self.try_button)
        layout.addLayout(row)
        self.pause_sound = self._box(
            "Time to pause", "When your body is flooded", settings.pause_sound
        )
        self.ready_sound = self._box(
            "You're ready", "When your body has settled after a break", settings.ready_sound
        )
        self.slow_breath_sound = self._box(
            "Slow your breath",
            "A soft nudge while you are getting stirred up",
            settings.slow_breath_sound,
        )
        self.breathing_tones = self._box(
            "Breathing tones",
            "A rising tone as you breathe in, a falling tone out",
            settings.breathing_tones,
        )
        for box in (
            self.pause_sound,
            self.ready_sound,
            self.slow_breath_sound,
            self.breathing_tones,
        ):
            layout.addWidget(box)
        layout.addWidget(_heading("When the window is behind others"))
        self.notifications = self._box(
            "Desktop notifications",
            "The pause and ready words, where you will see them",
            settings.notifications,
        )
        layout.addWidget(self.notifications)
        self.message = label("", "muted")
        self.message.setAccessibleName("Message")
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("Save the settings")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Close without saving")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _box(self, text: str, when: str, checked: bool) -> QCheckBox:
        box = QCheckBox(f"{text}  ·  {when}")
        box.setChecked(checked)
        box.setAccessibleName(text)
        box.setAccessibleDescription(when)
        return box

    def _show_volume(self, value: int) -> None:
        self.volume_words.setText(f"{value}%")

    def chosen(self) -> Settings:
        return Settings(
            volume=self.volume.value() / VOLUME_STEPS,
            pause_sound=self.pause_sound.isChecked(),
            ready_sound=self.ready_sound.isChecked(),
            slow_breath_sound=self.slow_breath_sound.isChecked(),
            breathing_tones=self.breathing_tones.isChecked(),
            notifications=self.notifications.isChecked(),
        )

    def try_sound(self) -> None:
        """The pause sound at the slider's volume, whether or not it is switched on."""
        if self._player is None:
            self._player = SoundPlayer(self._say, parent=self)
        self._player.set_volume(self.volume.value() / VOLUME_STEPS)
        self._player.play(Cue.PAUSE)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def accept(self) -> None:
        self.problem = save_settings(self._path, self.chosen())
        super().accept()

"""The settings in one place: how loud, which sounds, desktop notifications, the colours
(light, dark or as the computer is set), reduced motion, and the pacer's and the graphs'
defaults; remembered between runs.

OK writes the settings file; a file that cannot be written is one sentence (``problem``),
and the window uses the new settings for this run all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from pausepoint.calibration.breathing import INHALE_FRACTIONS
from pausepoint.cues.synth import Cue
from pausepoint.ui import theme
from pausepoint.ui.settings_model import PACER_RATES_BPM, Settings, save_settings
from pausepoint.ui.sound import SoundPlayer
from pausepoint.ui.view_model import WINDOW_CHOICES_S
from pausepoint.ui.widgets.common import describe, label

VOLUME_STEPS = 100
"""The slider moves in whole percent."""
THEME_WORDS = {"As this computer is set": "system", "Light": "light", "Dark": "dark"}


def _heading(text: str) -> QLabel:
    heading = label(text)
    heading.setStyleSheet(f"font-size: {theme.BASE_PT + 2}pt; font-weight: 600;")
    return heading


def _choice(name: str, items: Mapping[str, object], chosen: object) -> QComboBox:
    """A drop-down of ``items`` (words: value) with ``chosen`` selected."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    for words, value in items.items():
        combo.addItem(words, value)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    return combo


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setObjectName("page")
        self._settings = settings
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
        describe(self.volume, "Volume", "How loud the sounds are")
        self.volume_words = QLabel()
        self.volume_words.setMinimumWidth(44)
        self.volume.valueChanged.connect(self._show_volume)
        self._show_volume(self.volume.value())
        row.addWidget(self.volume, 1)
        row.addWidget(self.volume_words)
        self.try_button = QPushButton("Try it")
        describe(
            self.try_button,
            "Try the pause sound at this volume",
            "Plays the pause sound once, as it will sound",
        )
        self.try_button.clicked.connect(self.try_sound)
        row.addWidget(self.try_button)
        layout.addLayout(row)
        self.pause_sound = self._box(
            "Time to pause", "When your body is flooded", settings.pause_sound
        )
        self.ready_sound = self._box(
            "You're ready",
            "When your body has settled, and when the time you agreed comes",
            settings.ready_sound,
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
        self._add_look(layout, settings)
        self.message = label("", "muted")
        self.message.setAccessibleName("Message")
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        describe(self.ok_button, "Save the settings", "Keeps these settings and uses them now")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        describe(self.cancel_button, "Close without saving", "Nothing changes (Esc)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _add_look(self, layout: QVBoxLayout, settings: Settings) -> None:
        """The colours, the motion, and what the pacer and the graphs start with."""
        layout.addWidget(_heading("How it looks"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        self.theme = _choice("Colours", THEME_WORDS, settings.theme)
        self.theme.setAccessibleDescription("Light, dark, or as this computer is set")
        rates = {f"{rate:g} breaths a minute": rate for rate in PACER_RATES_BPM}
        self.pacer_rate = _choice("Breathing pace", rates, settings.pacer_rate_bpm)
        self.pacer_rate.setAccessibleDescription(
            "The pacer's pace, unless your calibration found your own"
        )
        ratios = {
            f"in {name.replace(':', ' : out ')}": fraction
            for name, fraction in INHALE_FRACTIONS.items()
        }
        self.pacer_ratio = _choice("Breath in and out", ratios, settings.pacer_inhale_fraction)
        self.pacer_ratio.setAccessibleDescription(
            "How long each breath in is, against the breath out"
        )
        windows = {f"{window_s / 60:g} minutes": window_s for window_s in WINDOW_CHOICES_S}
        self.view_window = _choice("Show the last", windows, settings.view_window_s)
        self.view_window.setAccessibleDescription("How much of the session the graphs show")
        rows = (
            ("Colours", self.theme),
            ("Breathing pace", self.pacer_rate),
            ("Breath in and out", self.pacer_ratio),
            ("Graphs show the last", self.view_window),
        )
        for row, (words, combo) in enumerate(rows):
            grid.addWidget(QLabel(words), row, 0)
            grid.addWidget(combo, row, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.reduced_motion = self._box(
            "Reduced motion",
            "The pacer as a steady bar and a count, not a growing circle",
            settings.reduced_motion,
        )
        layout.addWidget(self.reduced_motion)

    def _box(self, text: str, when: str, checked: bool) -> QCheckBox:
        box = QCheckBox(f"{text}  ·  {when}")
        box.setChecked(checked)
        box.setAccessibleName(text)
        box.setAccessibleDescription(when)
        return box

    def _show_volume(self, value: int) -> None:
        self.volume_words.setText(f"{value}%")

    def chosen(self) -> Settings:
        """The settings as the dialog shows them (the window's size as it was given)."""
        return replace(
            self._settings,
            volume=self.volume.value() / VOLUME_STEPS,
            pause_sound=self.pause_sound.isChecked(),
            ready_sound=self.ready_sound.isChecked(),
            slow_breath_sound=self.slow_breath_sound.isChecked(),
            breathing_tones=self.breathing_tones.isChecked(),
            notifications=self.notifications.isChecked(),
            theme=str(self.theme.currentData()),
            reduced_motion=self.reduced_motion.isChecked(),
            pacer_rate_bpm=float(self.pacer_rate.currentData()),
            pacer_inhale_fraction=float(self.pacer_ratio.currentData()),
            view_window_s=float(self.view_window.currentData()),
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

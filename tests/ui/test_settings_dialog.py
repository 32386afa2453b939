"""The settings dialog, over the real window offscreen: OK remembers the choice in the
settings file and the running window uses it at once; Cancel changes nothing; a file that
cannot be written is one sentence, not a crash."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QSlider

from pausepoint.calibration.breathing import EXHALE, INHALE
from pausepoint.cues.synth import Cue
from pausepoint.ui.settings_model import Settings
from pausepoint.ui.sound import UNAVAILABLE
from pausepoint.ui.widgets.settings_dialog import SettingsDialog


def test_ok_remembers_the_choice_and_the_window_uses_it(qtbot, window, settings_file) -> None:
    qtbot.mouseClick(window.start_page.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.pause_sound.isChecked()  # the test session's silent settings
    dialog.pause_sound.setChecked(True)
    dialog.breathing_tones.setChecked(True)
    dialog.notifications.setChecked(True)
    dialog.volume.setValue(25)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    stored = json.loads(settings_file.read_text())
    assert stored["pause_sound"] is True
    assert stored["breathing_tones"] is True
    assert stored["ready_sound"] is False
    assert stored["volume"] == pytest.approx(0.25)
    choice = window.cues.watcher.plan.choice
    assert choice.allows(Cue.PAUSE) and choice.allows(Cue.BREATHE_IN)
    assert not choice.allows(Cue.READY)
    assert window.cues.settings.volume == pytest.approx(0.25)
    assert window.cues.notify


def test_quiet_still_holds_after_new_settings(qtbot, window, settings_file) -> None:
    window.cues.quiet = True
    dialog = window.open_settings()
    dialog.pause_sound.setChecked(True)
    dialog.breathing_tones.setChecked(True)
    dialog.accept()
    assert not window.cues.watcher.plan.choice.wants_sound


def test_cancel_changes_nothing(qtbot, window, settings_file) -> None:
    before_file = settings_file.read_text()
    before = window.cues.settings
    dialog = window.open_settings()
    dialog.pause_sound.setChecked(True)
    dialog.volume.setValue(90)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert settings_file.read_text() == before_file
    assert window.cues.settings == before
    assert not window.cues.watcher.plan.choice.allows(Cue.PAUSE)


def test_escape_closes_without_saving(qtbot, window, settings_file) -> None:
    before_file = settings_file.read_text()
    dialog = window.open_settings()
    dialog.ready_sound.setChecked(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert settings_file.read_text() == before_file


def test_a_file_that_cannot_be_written_is_one_sentence(
    qtbot, window, settings_file, tmp_path, monkeypatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the settings folder should be")
    monkeypatch.setenv("PAUSEPOINT_SETTINGS", str(blocked / "settings.json"))
    dialog = window.open_settings()
    dialog.ready_sound.setChecked(True)
    dialog.accept()
    assert dialog.problem is not None
    assert dialog.problem.startswith("Your settings could not be saved")
    assert window.status.message is not None and dialog.problem in window.status.message
    assert window.cues.watcher.plan.choice.allows(Cue.READY)  # used for this run all the same


def test_every_control_has_a_name(window) -> None:
    dialog = window.open_settings()
    controls = [
        *dialog.findChildren(QAbstractButton),
        *dialog.findChildren(QSlider),
        *dialog.findChildren(QComboBox),
    ]
    assert len(dialog.findChildren(QCheckBox)) == 6
    assert len(dialog.findChildren(QComboBox)) == 4
    assert all(control.accessibleName() for control in controls)
    dialog.reject()


def test_the_look_and_the_defaults_are_kept_with_the_sounds(
    qtbot, window, settings_file, light_again
) -> None:
    dialog = window.open_settings()
    assert dialog.theme.currentData() == "system"  # nothing chosen yet: the defaults
    assert not dialog.reduced_motion.isChecked()
    assert (dialog.pacer_rate.currentData(), dialog.pacer_ratio.currentData()) == (6.0, 0.4)
    assert dialog.view_window.currentData() == 600.0
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.reduced_motion.setChecked(True)
    dialog.pacer_rate.setCurrentIndex(dialog.pacer_rate.findData(5.5))
    dialog.pacer_ratio.setCurrentIndex(dialog.pacer_ratio.findData(0.5))
    dialog.view_window.setCurrentIndex(dialog.view_window.findData(1200.0))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    stored = json.loads(settings_file.read_text())
    assert stored["theme"] == "dark" and stored["reduced_motion"] is True
    assert (stored["pacer_rate_bpm"], stored["pacer_inhale_fraction"]) == (5.5, 0.5)
    assert stored["view_window_s"] == 1200.0
    assert stored["pause_sound"] is False  # the sounds as they were
    again = window.open_settings()
    assert again.theme.currentData() == "dark" and again.reduced_motion.isChecked()
    assert again.view_window.currentData() == 1200.0
    again.reject()


def test_the_live_page_opens_the_settings_too(qtbot, window) -> None:
    window.pages.setCurrentWidget(window.live_page)
    qtbot.mouseClick(window.live_page.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_breathing_tones_follow_the_shown_pacer(window, clock, monkeypatch) -> None:
    played: list[Cue] = []
    monkeypatch.setattr(window.cues.sound, "play", played.append)
    pacer = window.live_page.session_view.pacer
    turns: list[str] = []
    pacer.phase_started.connect(turns.append)
    window.cues.apply(Settings(breathing_tones=True))
    window.pages.setCurrentWidget(window.live_page)
    pacer.setVisible(True)
    for _ in range(110):  # 11 s of frames: in at 0, out at 4, in at 10
        clock.advance(0.1)
        pacer.tick()
    assert turns == [INHALE, EXHALE, INHALE]
    assert played == [Cue.BREATHE_IN, Cue.BREATHE_OUT, Cue.BREATHE_IN]
    pacer.setVisible(False)
    clock.advance(5.0)
    pacer.tick()
    assert len(played) == 3  # a hidden pacer is silent


def test_try_it_sounds_or_says_once_why_not(qtbot, window) -> None:
    dialog = window.open_settings()
    dialog.volume.setValue(30)
    qtbot.mouseClick(dialog.try_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.try_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() in ("", UNAVAILABLE)
    dialog.reject()


def test_a_couples_two_pacers_at_one_pace_sound_one_tone(window, clock, monkeypatch) -> None:
    played: list[Cue] = []
    monkeypatch.setattr(window.cues.sound, "play", played.append)
    window.cues.apply(Settings(breathing_tones=True))
    window.pages.setCurrentWidget(window.couple_page)
    pacers = [lane.pacer for lane in window.couple_page.lanes]
    turns: list[str] = []
    for pacer in pacers:
        pacer.phase_started.connect(turns.append)
        pacer.setVisible(True)
    for _ in range(110):
        clock.advance(0.1)
        for pacer in pacers:
            pacer.tick()
    assert turns == [INHALE, INHALE, EXHALE, EXHALE, INHALE, INHALE]  # both pacers turned
    assert played == [Cue.BREATHE_IN, Cue.BREATHE_OUT, Cue.BREATHE_IN]  # one tone a turn

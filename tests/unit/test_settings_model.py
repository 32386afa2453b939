"""The settings file, without Qt: the new settings' defaults, a round trip, a file written by
an older version, values a person could not have chosen, and the window's size kept without
saving anything else."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pausepoint.calibration.breathing import DEFAULT_INHALE_FRACTION, DEFAULT_RATE_BPM
from pausepoint.ui.settings_model import (
    Settings,
    load_settings,
    remember_window_size,
    save_settings,
)
from pausepoint.ui.view_model import DEFAULT_WINDOW_S

OLD_FILE = {
    "volume": 0.25,
    "pause_sound": True,
    "ready_sound": False,
    "slow_breath_sound": True,
    "breathing_tones": True,
    "notifications": False,
}
"""A settings file as the version before the look and the defaults wrote it."""

CHOSEN = Settings(
    volume=0.7,
    ready_sound=False,
    theme="dark",
    reduced_motion=True,
    window_size=(1024, 700),
    pacer_rate_bpm=5.5,
    pacer_inhale_fraction=0.3,
    view_window_s=300.0,
)


def test_the_new_settings_default_to_what_the_window_did_before(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none-yet.json").settings
    assert settings.theme == "system"
    assert settings.reduced_motion is False
    assert settings.window_size is None
    assert settings.pacer_rate_bpm == DEFAULT_RATE_BPM
    assert settings.pacer_inhale_fraction == DEFAULT_INHALE_FRACTION
    assert settings.view_window_s == DEFAULT_WINDOW_S


def test_every_setting_comes_back_as_it_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    assert save_settings(path, CHOSEN) is None
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings == CHOSEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["theme"] == "dark" and stored["window_size"] == [1024, 700]


def test_an_older_file_keeps_its_choices_and_takes_the_new_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(OLD_FILE))
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings == Settings(**OLD_FILE)
    assert loaded.settings.theme == "system" and loaded.settings.window_size is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("theme", "purple"),
        ("theme", 1),
        ("reduced_motion", "yes"),
        ("window_size", [50, 50]),
        ("window_size", [1024]),
        ("window_size", [1024.5, 700]),
        ("window_size", "1024x700"),
        ("window_size", [True, 700]),
        ("pacer_rate_bpm", 12),
        ("pacer_rate_bpm", "6"),
        ("pacer_inhale_fraction", 0.9),
        ("view_window_s", 7),
        ("view_window_s", None),
    ],
)
def test_a_value_no_one_could_choose_is_left_at_its_default(
    tmp_path: Path, key: str, value: object
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({key: value, "ready_sound": False}))
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings == Settings(ready_sound=False)


def test_whole_numbers_read_as_the_choices_they_are(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"pacer_rate_bpm": 5, "view_window_s": 1200}))
    settings = load_settings(path).settings
    assert (settings.pacer_rate_bpm, settings.view_window_s) == (5.0, 1200.0)


def test_the_window_size_is_kept_with_the_rest_of_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({**OLD_FILE, "theme": "dark"}))
    assert remember_window_size(path, (900, 640)) is None
    kept = load_settings(path).settings
    assert kept == Settings(**OLD_FILE, theme="dark", window_size=(900, 640))
    inode = path.stat().st_ino
    assert remember_window_size(path, (900, 640)) is None
    assert path.stat().st_ino == inode  # the same size: the file is not written again


def test_a_size_that_cannot_be_kept_is_one_sentence(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the settings folder should be")
    problem = remember_window_size(blocked / "settings.json", (900, 640))
    assert problem is not None and problem.startswith("Your settings could not be saved")

"""The person's settings, kept between runs in their config folder, readable by them only:
sounds and notifications, the look (theme, reduced motion, the window's size) and the
defaults of the pacer and the graphs.

A settings file that cannot be read is not a reason to refuse to start: the defaults are used
and the window says so once; the file is rewritten whole the next time a setting changes.
Each key is read on its own, so a file from an older version (fewer keys) or a newer one
(more) keeps what it can.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from pausepoint.calibration.breathing import (
    DEFAULT_INHALE_FRACTION,
    DEFAULT_RATE_BPM,
    INHALE_FRACTIONS,
)
from pausepoint.cues.plan import DEFAULT_VOLUME, CueChoice
from pausepoint.errors import UserError
from pausepoint.sources.files import write_text_atomic
from pausepoint.ui.theme import THEME_CHOICES
from pausepoint.ui.view_model import DEFAULT_WINDOW_S, WINDOW_CHOICES_S

log = logging.getLogger(__name__)

SETTINGS_ENV = "PAUSEPOINT_SETTINGS"
SETTINGS_FILE_NAME = "settings.json"
PACER_RATES_BPM = (4.5, 5.0, 5.5, 6.0, 6.5, 7.0)
"""The pacer's rates on offer, breaths a minute."""
WINDOW_PX = (200, 20000)
"""A remembered window side outside this is not a size a person chose."""


@dataclass(frozen=True)
class Settings:
    volume: float = DEFAULT_VOLUME
    pause_sound: bool = True
    ready_sound: bool = True
    slow_breath_sound: bool = False
    breathing_tones: bool = False
    notifications: bool = True
    theme: str = "system"
    """One of theme.THEME_CHOICES: follow the computer, or light or dark always."""
    reduced_motion: bool = False
    """The pacer as a steady bar and a count instead of a growing circle."""
    window_size: tuple[int, int] | None = None
    """Width and height (px) of the window when it was last closed; None: never yet."""
    pacer_rate_bpm: float = DEFAULT_RATE_BPM
    """Where no calibration profile gives the person's own pace."""
    pacer_inhale_fraction: float = DEFAULT_INHALE_FRACTION
    view_window_s: float = DEFAULT_WINDOW_S
    """How much of the session the graphs show ("Show the last")."""

    def cue_choice(self, quiet: bool = False) -> CueChoice:
        return CueChoice(
            pause=self.pause_sound,
            ready=self.ready_sound,
            slow_breath=self.slow_breath_sound,
            breathing_tones=self.breathing_tones,
            quiet=quiet,
        )


def settings_path() -> Path:
    explicit = os.environ.get(SETTINGS_ENV)
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_config_dir("pausepoint")) / SETTINGS_FILE_NAME


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    problem: str | None = None
    """Why the file was not used, in one sentence for the window."""


def load_settings(path: Path) -> Loaded:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded(Settings())
    except OSError as exc:
        return Loaded(
            Settings(), f"Your settings could not be read ({exc.strerror}); using defaults."
        )
    try:
        stored = json.loads(text)
        if not isinstance(stored, dict):
            raise ValueError("not an object")
        return Loaded(_settings_from(stored))
    except (ValueError, TypeError) as exc:
        log.warning("%s: %s", path, exc)
        return Loaded(Settings(), "Your settings file was damaged; using defaults.")


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _volume(value: object) -> float | None:
    number = _number(value)
    return None if number is None else min(1.0, max(0.0, number))


def _one_of(choices: Collection[object]) -> Callable[[object], object | None]:
    def read(value: object) -> object | None:
        if isinstance(value, str):
            return value if value in choices else None
        number = _number(value)
        return number if number in choices else None

    return read


def _size(value: object) -> tuple[int, int] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    low, high = WINDOW_PX
    if all(isinstance(px, int) and not isinstance(px, bool) and low <= px <= high for px in value):
        return value[0], value[1]
    return None


_READERS: dict[str, Callable[[object], object | None]] = {
    "volume": _volume,
    "theme": _one_of(THEME_CHOICES),
    "window_size": _size,
    "pacer_rate_bpm": _one_of(PACER_RATES_BPM),
    "pacer_inhale_fraction": _one_of(tuple(INHALE_FRACTIONS.values())),
    "view_window_s": _one_of(WINDOW_CHOICES_S),
}
"""How each key is read (the rest are on/off); None: not a value it can have."""


def _settings_from(stored: dict[str, object]) -> Settings:
    """Known keys with a value they can have; anything else (an older or newer version's, or
    a hand-edited mistake) is left at its default."""
    chosen: dict[str, Any] = {}  # each field's own type, as its reader gives it
    for f in fields(Settings):
        if f.name in stored:
            value = _READERS.get(f.name, _flag)(stored[f.name])
            if value is not None:
                chosen[f.name] = value
    return replace(Settings(), **chosen)


def save_settings(path: Path, settings: Settings) -> str | None:
    """Writes the file (0600, its folder 0700); a failure is one sentence, not a crash."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(asdict(settings), indent=2) + "\n")
    except (OSError, UserError) as exc:
        return f"Your settings could not be saved: {exc}"
    return None


def remember_window_size(path: Path, size: tuple[int, int]) -> str | None:
    """Keep the window's size in the file, the rest as the file has it (a setting this run
    changed without OK stays unsaved); a failure is one sentence."""
    kept = load_settings(path).settings
    if kept.window_size == size:
        return None
    return save_settings(path, replace(kept, window_size=size))

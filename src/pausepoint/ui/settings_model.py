"""The person's settings, kept between runs in their config folder, readable by them only.

A settings file that cannot be read is not a reason to refuse to start: the defaults are used
and the window says so once; the file is rewritten whole the next time a setting changes.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from pausepoint.cues.plan import DEFAULT_VOLUME, CueChoice
from pausepoint.errors import UserError
from pausepoint.sources.files import write_text_atomic

log = logging.getLogger(__name__)

SETTINGS_ENV = "PAUSEPOINT_SETTINGS"
SETTINGS_FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Settings:
    volume: float = DEFAULT_VOLUME
    pause_sound: bool = True
    ready_sound: bool = True
    slow_breath_sound: bool = False
    breathing_tones: bool = False
    notifications: bool = True

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


def _settings_from(stored: dict[str, object]) -> Settings:
    """Known keys of the right type; anything else (an older or newer version's) is left out."""
    defaults = Settings()
    chosen: dict[str, Any] = {}  # each field's own type: a bool or a volume
    for f in fields(Settings):
        value = stored.get(f.name)
        default = getattr(defaults, f.name)
        if isinstance(default, bool):
            if isinstance(value, bool):
                chosen[f.name] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            chosen[f.name] = min(1.0, max(0.0, float(value)))
    return replace(defaults, **chosen)


def save_settings(path: Path, settings: Settings) -> str | None:
    """Writes the file (0600, its folder 0700); a failure is one sentence, not a crash."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(asdict(settings), indent=2) + "\n")
    except (OSError, UserError) as exc:
        return f"Your settings could not be saved: {exc}"
    return None

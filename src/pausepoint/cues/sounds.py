"""Where the package keeps its cue sounds."""

from __future__ import annotations

from pathlib import Path

from pausepoint.config import DATA_DIR
from pausepoint.cues.synth import Cue

SOUNDS_DIR = DATA_DIR / "sounds"


def sound_file(cue: Cue) -> Path:
    return SOUNDS_DIR / f"{cue}.wav"

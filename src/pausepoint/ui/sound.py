"""Plays the cue sounds through Qt Multimedia, quietly by default.

No audio device, or one that fails, is not an error: the session goes on, and the window is
told once, in one quiet sentence, that sound is unavailable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

from pausepoint.cues.plan import DEFAULT_VOLUME
from pausepoint.cues.sounds import sound_file
from pausepoint.cues.synth import Cue

log = logging.getLogger(__name__)

UNAVAILABLE = "Sound is unavailable on this computer; the prompts still show here."


class SoundPlayer(QObject):
    def __init__(
        self,
        on_unavailable: Callable[[str], None],
        volume: float = DEFAULT_VOLUME,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_unavailable = on_unavailable
        self._said = False
        self._effects: dict[Cue, QSoundEffect] = {}
        self._volume = min(1.0, max(0.0, volume))
        self._available: bool | None = None

    @property
    def available(self) -> bool:
        """Asked of Qt Multimedia only when a sound is wanted (a quiet run never starts it)."""
        if self._available is None:
            self._available = bool(QMediaDevices.audioOutputs())
        return self._available

    def set_volume(self, volume: float) -> None:
        self._volume = min(1.0, max(0.0, volume))
        for effect in self._effects.values():
            effect.setVolume(self._volume)

    def play(self, cue: Cue) -> None:
        if not self.available:
            self._unavailable()
            return
        effect = self._effect(cue)
        if effect.status() == QSoundEffect.Status.Error:
            self._available = False
            self._unavailable()
            return
        effect.play()

    def _effect(self, cue: Cue) -> QSoundEffect:
        """Loaded on first use and kept: the second time a cue sounds, it sounds at once."""
        effect = self._effects.get(cue)
        if effect is None:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(sound_file(cue))))
            effect.setVolume(self._volume)
            effect.statusChanged.connect(lambda: self._check(effect))
            self._effects[cue] = effect
        return effect

    def preload(self, cues: Iterable[Cue]) -> None:
        """Load these cues before they are needed (or say now that none can sound)."""
        if not self.available:
            self._unavailable()
            return
        for cue in cues:
            self._effect(cue)

    def _check(self, effect: QSoundEffect) -> None:
        if effect.status() == QSoundEffect.Status.Error:
            self._available = False
            self._unavailable()

    def _unavailable(self) -> None:
        if not self._said:
            self._said = True
            log.info("no usable audio output")
            self._on_unavailable(UNAVAILABLE)

"""pausepoint's own sounds, made from code: soft sine notes with a slow attack and a long fade.

Nothing here is alarm-like. A person who is flooded startles easily, so every cue is a few
quiet, low, consonant notes: no square waves, no sirens, no fast repeats. Each cue has its own
melodic shape (pause falls, ready rises, the nudge is one low note) so they can be told apart
without looking. The notes are written down (``NOTES``) so a test can find them again in what a
sound card played.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

RATE_HZ = 22_050
PEAK = 0.5
"""Full-scale fraction of the loudest sample: the player's volume scales it down further."""


class Cue(StrEnum):
    PAUSE = "pause"
    """Flooding noticed: time to pause."""
    READY = "ready"
    """The body has settled after the break, or the agreed time has come."""
    SLOW_BREATH = "slow-breath"
    """The gentle nudge while arousal rises."""
    BREATHE_IN = "breathe-in"
    BREATHE_OUT = "breathe-out"


@dataclass(frozen=True)
class Note:
    start_s: float
    duration_s: float
    f_hz: float
    """Start frequency; a glide moves to ``f_end_hz``."""
    f_end_hz: float | None = None
    level: float = 1.0


NOTES: dict[Cue, tuple[Note, ...]] = {
    # A falling fifth, A4 then D4: a soft "let's stop here".
    Cue.PAUSE: (Note(0.0, 0.55, 440.0), Note(0.45, 0.9, 293.66)),
    # A rising major third and fifth, C5 E5 G5: "you can go back now".
    Cue.READY: (Note(0.0, 0.45, 523.25), Note(0.3, 0.45, 659.26), Note(0.6, 0.9, 783.99)),
    # One low note, G3, quieter: a nudge, not a call.
    Cue.SLOW_BREATH: (Note(0.0, 1.2, 196.0, level=0.6),),
    # The pacer's tones: a slow glide up on the in-breath, down on the out-breath.
    Cue.BREATHE_IN: (Note(0.0, 1.0, 220.0, 277.18, level=0.35),),
    Cue.BREATHE_OUT: (Note(0.0, 1.0, 277.18, 220.0, level=0.35),),
}

_ATTACK_S = 0.04
_HARMONICS = ((1.0, 1.0), (2.0, 0.18), (3.0, 0.05))
"""Partials and their levels: a little warmth above the fundamental, nothing bright."""


def _note(note: Note) -> np.ndarray:
    n = round(note.duration_s * RATE_HZ)
    t_s = np.arange(n) / RATE_HZ
    f_end_hz = note.f_hz if note.f_end_hz is None else note.f_end_hz
    f_hz = note.f_hz + (f_end_hz - note.f_hz) * t_s / note.duration_s
    phase = 2.0 * np.pi * np.cumsum(f_hz) / RATE_HZ
    tone = np.zeros(n)
    for k, level in _HARMONICS:
        tone += level * np.sin(k * phase)
    attack = np.clip(t_s / _ATTACK_S, 0.0, 1.0)
    fade: NDArray[np.float64] = np.cos(0.5 * np.pi * t_s / note.duration_s) ** 2
    return note.level * attack * fade * tone


def synthesize(cue: Cue) -> np.ndarray:
    """The cue as float samples in [-PEAK, PEAK], mono, at ``RATE_HZ``."""
    notes = NOTES[cue]
    end_s = max(n.start_s + n.duration_s for n in notes)
    out = np.zeros(round(end_s * RATE_HZ) + 1)
    for note in notes:
        samples = _note(note)
        i = round(note.start_s * RATE_HZ)
        out[i : i + samples.size] += samples
    peak = float(np.max(np.abs(out)))
    level = max(n.level for n in notes)
    return out * (PEAK * level / peak)


def wav_bytes(samples: np.ndarray) -> bytes:
    """16-bit mono PCM WAV: what every sound back end plays."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE_HZ)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()

"""The values that flow one way through pausepoint, from source to screen.

Frozen dataclasses with units in their names. Times are session seconds on the
host's monotonic clock (``t_s``), never wall-clock time: the pipeline takes its
time from the samples so that a replay is the live session, beat for beat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

RR_QUANTUM_MS = 1000.0 / 1024.0
"""One tick of the Heart Rate Measurement RR field (1/1024 s) in ms."""


@overload
def rr_ms_from_ticks(ticks: int) -> float: ...
@overload
def rr_ms_from_ticks(ticks: NDArray[np.int64]) -> NDArray[np.floating]: ...
def rr_ms_from_ticks(ticks: int | NDArray[np.int64]) -> float | NDArray[np.floating]:
    """Exact ms for an RR value (or an array of them) sent in 1/1024 s (binary fraction, no
    rounding)."""
    return ticks * 1000.0 / 1024.0


def rr_ticks_from_ms(rr_ms: float) -> int:
    """The nearest 1/1024 s tick count a strap would send for an interval."""
    return round(rr_ms * 1024.0 / 1000.0)


@dataclass(frozen=True, slots=True)
class HeartSample:
    """One Heart Rate Measurement notification as it arrived."""

    t_s: float
    hr_bpm: int
    rr_ms: tuple[float, ...] = ()
    contact: bool | None = None
    """True/False when the strap reports skin contact, None when it cannot."""
    energy_kj: int | None = None
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class MotionSample:
    """Movement intensity from an accelerometer (Polar H10 ACC), gravity removed."""

    t_s: float
    motion_g: float


Sample = HeartSample | MotionSample


@dataclass(frozen=True, slots=True)
class Beat:
    """One RR interval placed in time; ``t_s`` is the beat that ends it."""

    t_s: float
    rr_ms: float
    artifact: str | None = None
    """Class of the artifact corrected here (ectopic, missed, extra, long_short), else None."""
    raw_rr_ms: float | None = None
    """What the strap sent when ``rr_ms`` was corrected, else None."""


class State(StrEnum):
    """What the flooding detector thinks of the person right now."""

    CALIBRATING = "calibrating"
    CALM = "calm"
    RISING = "rising"
    FLOODED = "flooded"
    BREAK = "break"
    RECOVERING = "recovering"
    READY = "ready"
    SIGNAL_POOR = "signal_poor"
    SEARCHING = "searching"
    """No beat for a few seconds: nothing is judged until one comes."""


class EventKind(StrEnum):
    FLOODING_START = "flooding_start"
    FLOODING_END = "flooding_end"
    BREAK_START = "break_start"
    BREAK_EXTENDED = "break_extended"
    """The person asked for more time; ``agreed_s`` is the break's new length."""
    BREAK_DUE = "break_due"
    """The agreed time came; ``settled`` says whether the body had (None: no pulse then)."""
    READY = "ready"
    GAP = "gap"
    SIGNAL_POOR = "signal_poor"
    SIGNAL_OK = "signal_ok"
    BASELINE = "baseline"
    RECONNECTED = "reconnected"
    MARKER = "marker"


@dataclass(frozen=True, slots=True)
class Event:
    t_s: float
    kind: EventKind
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"t_s": round(self.t_s, 3), "kind": str(self.kind), **self.detail}


@dataclass(frozen=True, slots=True)
class Baseline:
    """The person's calm level; robust statistics so one odd minute does not move it."""

    hr_bpm: float
    rmssd_ms: float
    hr_sd_bpm: float
    """Robust spread: 1.4826 x median absolute deviation."""
    rmssd_sd_ms: float
    source: str
    """Where it came from: "profile", "window" or "session" (first calm minutes)."""
    window_s: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Update:
    """What the pipeline knows after one sample. None where a window is not yet full."""

    t_s: float
    state: State
    beats: tuple[Beat, ...] = ()
    events: tuple[Event, ...] = ()
    hr_bpm: float | None = None
    """Mean of the last 10 s of beats (60000 / mean NN)."""
    rmssd_ms: float | None = None
    """RMSSD over the last 30 s."""
    rmssd60_ms: float | None = None
    sdnn_ms: float | None = None
    pnn50_pct: float | None = None
    hf_ms2: float | None = None
    resp_rate_bpm: float | None = None
    """Breaths per minute, from the HF peak of the RR spectrum."""
    coherence: float | None = None
    lf_hf: float | None = None
    arousal: float | None = None
    artifact_rate: float | None = None
    motion_g: float | None = None
    baseline: Baseline | None = None
    pulse_lost: bool = False
    """No beat for ``pulse_lost_s``: the numbers above are left out, not guessed."""
    rhythm: str | None = None
    """"extra_beats" or "irregular" when the rhythm is judged by heart rate alone (the
    numbers beat-to-beat variability needs are then left out), else None."""

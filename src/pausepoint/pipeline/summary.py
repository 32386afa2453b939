"""A running summary of a session, kept from its updates: what a monitor and a recording
report at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from pausepoint.model import Event, EventKind, State, Update
from pausepoint.words import clock_text


@dataclass
class Summary:
    start_s: float | None = None
    end_s: float = 0.0
    beats: int = 0
    flooded_s: float = 0.0
    peak_arousal: float | None = None
    peak_hr_bpm: float | None = None
    events: list[Event] = field(default_factory=list)

    def add(self, update: Update, dt_s: float, state: State) -> None:
        if self.start_s is None:
            self.start_s = update.t_s
        self.end_s = update.t_s
        self.beats += len(update.beats)
        if state == State.FLOODED:
            self.flooded_s += dt_s
        if update.arousal is not None:
            self.peak_arousal = max(self.peak_arousal or 0.0, update.arousal)
        if update.hr_bpm is not None:
            self.peak_hr_bpm = max(self.peak_hr_bpm or 0.0, update.hr_bpm)
        self.events += update.events

    @property
    def duration_s(self) -> float:
        return 0.0 if self.start_s is None else self.end_s - self.start_s

    def text(self) -> str:
        floods = sum(e.kind == EventKind.FLOODING_START for e in self.events)
        parts = [
            f"Session {clock_text(self.duration_s)}, {self.beats} beats",
            f"flooded {self.flooded_s / 60:.1f} min ({floods} time{'s' * (floods != 1)})",
        ]
        if self.peak_hr_bpm is not None:
            parts.append(f"peak heart rate {self.peak_hr_bpm:.0f} bpm")
        if self.peak_arousal is not None:
            parts.append(f"peak arousal {self.peak_arousal:.0f}")
        return ", ".join(parts) + "."

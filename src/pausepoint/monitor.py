"""The text monitor: one calm status line per second of session time, events as they happen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from pausepoint.model import Event, EventKind, State, Update

STATE_WORDS = {
    State.CALIBRATING: "learning your calm level",
    State.CALM: "calm",
    State.RISING: "rising - slow your breath",
    State.FLOODED: "flooded - time to pause",
    State.BREAK: "on a break",
    State.RECOVERING: "settling",
    State.READY: "settled - ready to go back",
    State.SIGNAL_POOR: "no clear signal - check the strap",
}

EVENT_WORDS = {
    EventKind.FLOODING_START: "Flooding noticed. Say you need a 20-minute break, and take it.",
    EventKind.FLOODING_END: "Heart rate is coming down from flooding.",
    EventKind.BREAK_START: "Break started. Breathe slowly; don't rehearse the argument.",
    EventKind.READY: "Your body has settled. Speak from 'I', say what you need, listen first.",
    EventKind.GAP: "Some beats were not received.",
    EventKind.SIGNAL_POOR: "The strap signal is unclear: check it is snug and moistened.",
    EventKind.SIGNAL_OK: "Signal is clear again.",
    EventKind.BASELINE: "Calm level learned.",
    EventKind.RECONNECTED: "Strap reconnected.",
    EventKind.MARKER: "Marker.",
}


def clock_text(t_s: float) -> str:
    whole = max(0, int(t_s))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def short_clock_text(t_s: float) -> str:
    """MM:SS under an hour, HH:MM:SS from an hour on: what a timer or a time axis shows."""
    text = clock_text(t_s)
    return text[3:] if text.startswith("00:") else text


def _num(value: float | None, width: int) -> str:
    return f"{value:{width}.0f}" if value is not None else " " * (width - 1) + "-"


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


class TextMonitor:
    """Prints to ``out``; fed every Update, it keeps its own pace of one line a second."""

    def __init__(self, out: TextIO, every_s: float = 1.0) -> None:
        self._out = out
        self._every_s = every_s
        self._next_line_s: float | None = None
        self._last_t_s: float | None = None
        self._state = State.CALIBRATING
        self.summary = Summary()

    def feed(self, update: Update) -> None:
        dt_s = 0.0 if self._last_t_s is None else update.t_s - self._last_t_s
        self.summary.add(update, dt_s, self._state)
        self._last_t_s = update.t_s
        self._state = update.state
        for event in update.events:
            self._out.write(f"{clock_text(event.t_s)}  * {EVENT_WORDS[event.kind]}\n")
        if self._next_line_s is None or update.t_s >= self._next_line_s:
            self._next_line_s = (update.t_s // self._every_s + 1) * self._every_s
            self._out.write(self.line(update) + "\n")
        self._out.flush()

    @staticmethod
    def line(u: Update) -> str:
        return (
            f"{clock_text(u.t_s)}  HR {_num(u.hr_bpm, 3)} bpm  RMSSD {_num(u.rmssd_ms, 3)} ms"
            f"  arousal {_num(u.arousal, 3)}  {STATE_WORDS[u.state]}"
        )

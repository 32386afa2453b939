"""The text monitor: one calm status line per second of session time, events as they happen."""

from __future__ import annotations

from typing import TextIO

from pausepoint.model import EventKind, State, Update
from pausepoint.pipeline.summary import Summary
from pausepoint.words import STATE_WORDS, clock_text, event_words

BELL = "\a"
"""The terminal's own bell: heard by someone looking at their partner, not the screen."""


EARLY_HR_MARK = "(first beats)"
"""Marks a heart rate from the beats so far, before the pipeline's 10-s figure exists."""


def _num(value: float | None, width: int) -> str:
    return f"{value:{width}.0f}" if value is not None else " " * (width - 1) + "-"


class HeartRateSoFar:
    """The heart rate from the first beat on. The pipeline's figure waits for 10 s of beats
    (after the start or a gap) and the detector judges from it; a person looking at the
    screen gets 60000 / mean RR of the beats so far meanwhile, marked as not yet that."""

    def __init__(self) -> None:
        self._rr_sum_ms = 0.0
        self._beats = 0

    def feed(self, update: Update) -> None:
        gaps_s = [event.t_s for event in update.events if event.kind == EventKind.GAP]
        after_s = max(gaps_s, default=None)
        if after_s is not None:
            self._rr_sum_ms, self._beats = 0.0, 0
        if update.hr_bpm is not None:
            return
        for beat in update.beats:
            if after_s is None or beat.t_s > after_s:
                self._rr_sum_ms += beat.rr_ms
                self._beats += 1

    def text(self, update: Update) -> str:
        """The status line's heart rate for ``update``, the last update fed."""
        if update.hr_bpm is not None or not self._beats:
            return f"HR {_num(update.hr_bpm, 3)} bpm"
        return f"HR {_num(60000.0 * self._beats / self._rr_sum_ms, 3)} bpm {EARLY_HR_MARK}"


class TextMonitor:
    """Prints to ``out``; fed every Update, it keeps its own pace of one line a second. Its
    flooding words name ``break_min_s``, the configured break minimum; with ``bell`` the
    terminal rings once when flooding is noticed."""

    def __init__(
        self, out: TextIO, break_min_s: float, every_s: float = 1.0, bell: bool = False
    ) -> None:
        self._out = out
        self._bell = bell
        self._break_min_s = break_min_s
        self._every_s = every_s
        self._next_line_s: float | None = None
        self._last_t_s: float | None = None
        self._state = State.CALIBRATING
        self._hr = HeartRateSoFar()
        self.summary = Summary()

    def feed(self, update: Update) -> None:
        dt_s = 0.0 if self._last_t_s is None else update.t_s - self._last_t_s
        self.summary.add(update, dt_s, self._state)
        self._last_t_s = update.t_s
        self._state = update.state
        self._hr.feed(update)
        for event in update.events:
            words = event_words(event.kind, self._break_min_s, event.detail)
            self._out.write(f"{clock_text(event.t_s)}  * {words}\n")
            if self._bell and event.kind == EventKind.FLOODING_START:
                self._out.write(BELL)
        if self._next_line_s is None or update.t_s >= self._next_line_s:
            self._next_line_s = (update.t_s // self._every_s + 1) * self._every_s
            self._out.write(self.line(update, self._hr) + "\n")
        self._out.flush()

    @staticmethod
    def line(u: Update, hr: HeartRateSoFar) -> str:
        """The status line of ``u``, the last update ``hr`` was fed."""
        return (
            f"{clock_text(u.t_s)}  {hr.text(u)}  RMSSD {_num(u.rmssd_ms, 3)} ms"
            f"  arousal {_num(u.arousal, 3)}  {STATE_WORDS[u.state]}"
        )

"""The couple's text monitor: each partner's status line, and the couple's events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from pausepoint.cli.monitor import BELL, HeartRateSoFar, TextMonitor
from pausepoint.couple.engine import (
    PARTNERS,
    CoupleEvent,
    CoupleEventKind,
    CoupleUpdate,
    couple_event_text,
    shown_state,
)
from pausepoint.model import State
from pausepoint.pipeline.summary import Summary
from pausepoint.words import clock_text, event_words


class CoupleTextMonitor:
    """Two status lines a second of session time, one per partner prefixed by name; each
    partner's events and the couple's as they happen, the pause naming ``break_min_s``;
    with ``bell`` the terminal rings once for the shared pause, not once per partner."""

    def __init__(
        self,
        out: TextIO,
        break_min_s: float,
        names: Sequence[str] = PARTNERS,
        every_s: float = 1.0,
        bell: bool = False,
    ) -> None:
        self._out = out
        self._bell = bell
        self._break_min_s = break_min_s
        self._names = tuple(names)
        self._every_s = every_s
        self._next_line_s: float | None = None
        self._latest: list[CoupleUpdate | None] = [None, None]
        self._last_t_s: list[float | None] = [None, None]
        self._shown = [State.CALIBRATING, State.CALIBRATING]
        self._hr = (HeartRateSoFar(), HeartRateSoFar())
        self.summaries = [Summary(), Summary()]
        self.couple_events: list[CoupleEvent] = []

    def feed(self, cu: CoupleUpdate) -> None:
        p = cu.person
        last_t_s = self._last_t_s[p]
        dt_s = 0.0 if last_t_s is None else cu.t_s - last_t_s
        self.summaries[p].add(cu.update, dt_s, self._shown[p])
        self._last_t_s[p] = cu.t_s
        self._shown[p] = shown_state(cu)
        self._latest[p] = cu
        self._hr[p].feed(cu.update)
        for event in cu.update.events:
            words = event_words(event.kind, self._break_min_s, event.detail)
            self._out.write(f"{clock_text(event.t_s)}  * {self._names[p]}: {words}\n")
        for couple_event in cu.couple_events:
            self.couple_events.append(couple_event)
            text = couple_event_text(couple_event, self._break_min_s, self._names)
            self._out.write(f"{clock_text(couple_event.t_s)}  ** {text}\n")
            if self._bell and couple_event.kind == CoupleEventKind.SHARED_PAUSE_START:
                self._out.write(BELL)
        if self._next_line_s is None or cu.t_s >= self._next_line_s:
            self._next_line_s = (cu.t_s // self._every_s + 1) * self._every_s
            for q, latest in enumerate(self._latest):
                if latest is not None:
                    line = self.line(self._names[q], latest, cu.t_s, self._hr[q])
                    self._out.write(line + "\n")
        self._out.flush()

    @staticmethod
    def line(name: str, cu: CoupleUpdate, t_s: float, hr: HeartRateSoFar) -> str:
        """The one-person status line of the partner's latest update (the last ``hr`` was
        fed), at time t_s."""
        text = TextMonitor.line(replace(cu.update, t_s=t_s, state=shown_state(cu)), hr)
        clock, _, rest = text.partition("  ")
        return f"{clock}  {name}  {rest}"

    def text(self) -> str:
        pauses = sum(e.kind == CoupleEventKind.SHARED_PAUSE_START for e in self.couple_events)
        lines = [f"{name}: {s.text()}" for name, s in zip(self._names, self.summaries, strict=True)]
        lines.append(f"Shared pauses: {pauses}.")
        return "\n".join(lines)

"""When a cue sounds: once when it matters, once more if nobody answered, never more.

Plain Python with no clock: the shell tells it what happened (``moment``), that the person
answered (``acknowledge``) and what time it is now (``tick``), in session seconds. It says
which cues to play; the shell plays them (a sound card, a terminal bell) and shows the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pausepoint.cues.synth import Cue

PAUSE_REPEAT_S = 60.0
"""The pause cue comes back once after this long if the prompt is still unanswered."""
DEFAULT_VOLUME = 0.4
"""Low: a cue should be heard across a table, not startle."""
NUDGE_SPACING_S = 120.0
"""At most one "slow your breath" nudge in this long: a nudge that nags is no nudge."""


class Moment(StrEnum):
    FLOODING = "flooding"
    """Flooding noticed (in couple mode: the shared pause)."""
    RISING = "rising"
    """Arousal is rising: the gentle nudge to slow the breath."""
    READY = "ready"
    """The body has settled after the minimum break."""
    TIME_UP = "time_up"
    """The agreed time has come (settled or not): the ready sound, once for each time
    agreed (asking for more time agrees a new one)."""


@dataclass(frozen=True)
class CueChoice:
    """Which sounds a person wants; ``quiet`` silences everything for one run."""

    pause: bool = True
    ready: bool = True
    slow_breath: bool = False
    breathing_tones: bool = False
    quiet: bool = False

    @property
    def wants_sound(self) -> bool:
        return any(self.allows(cue) for cue in Cue)

    def allows(self, cue: Cue) -> bool:
        if self.quiet:
            return False
        if cue in (Cue.BREATHE_IN, Cue.BREATHE_OUT):
            return self.breathing_tones
        return {Cue.PAUSE: self.pause, Cue.READY: self.ready, Cue.SLOW_BREATH: self.slow_breath}[
            cue
        ]


class CuePlan:
    def __init__(self, choice: CueChoice | None = None) -> None:
        self.choice = choice or CueChoice()
        self._prompt_t_s: float | None = None
        """When the pause prompt went up, while nobody has answered it."""
        self._repeated = False
        self._ready_said = False
        self._last_nudge_t_s: float | None = None

    def moment(self, moment: Moment, t_s: float) -> list[Cue]:
        if moment == Moment.FLOODING:
            if self._prompt_t_s is not None:
                return []  # the prompt is already up: one sound, whoever floods next
            self._prompt_t_s = t_s
            self._repeated = False
            self._ready_said = False
            return self._allowed(Cue.PAUSE)
        if moment == Moment.RISING:
            last = self._last_nudge_t_s
            if last is not None and t_s - last < NUDGE_SPACING_S:
                return []
            self._last_nudge_t_s = t_s
            return self._allowed(Cue.SLOW_BREATH)
        if moment == Moment.TIME_UP:
            return self._allowed(Cue.READY)
        if self._ready_said:
            return []
        self._ready_said = True
        return self._allowed(Cue.READY)

    def acknowledge(self) -> None:
        """The prompt was answered (Start break) or went by itself: no second pause cue."""
        self._prompt_t_s = None

    def new_break(self) -> None:
        """A break began: its ready cue may sound once."""
        self.acknowledge()
        self._ready_said = False

    def tick(self, t_s: float) -> list[Cue]:
        if self._prompt_t_s is None or self._repeated or t_s - self._prompt_t_s < PAUSE_REPEAT_S:
            return []
        self._repeated = True
        return self._allowed(Cue.PAUSE)

    def _allowed(self, cue: Cue) -> list[Cue]:
        return [cue] if self.choice.allows(cue) else []

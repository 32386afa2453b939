"""From what the window shows to the moments that must reach a person who is not looking.

The check-in card is the one place that decides what the person is told; this watches its
kind (one per person, two in couple mode) and turns a change into a moment for the cue plan:
the pause prompt going up, the nudge, the body settled, the agreed time come. The shell plays
the cues and, when the window is not in front, sends the card's words as a desktop
notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pausepoint.cues.plan import CuePlan, Moment
from pausepoint.cues.synth import Cue
from pausepoint.ui.view_model import PromptKind

_MOMENT_OF = {
    PromptKind.FLOODED: Moment.FLOODING,
    PromptKind.RISING: Moment.RISING,
    PromptKind.READY: Moment.READY,
    PromptKind.SETTLING: Moment.TIME_UP,
    PromptKind.TIME_UP: Moment.TIME_UP,
}
NOTIFIED = (Moment.FLOODING, Moment.READY, Moment.TIME_UP)
"""Moments worth a desktop notification; the nudge is too slight for one."""


@dataclass(frozen=True)
class Reached:
    """A moment, who it is about (the person's lane), the cues it sounds now, and whether
    it goes out as a notification (once for a couple, not again for the repeated cue)."""

    moment: Moment
    person: int
    cues: tuple[Cue, ...]
    notify: bool


class CueWatcher:
    def __init__(self, plan: CuePlan) -> None:
        self.plan = plan
        self._kinds: list[PromptKind | None] = []

    def see(self, kinds: Sequence[PromptKind], t_s: float) -> list[Reached]:
        """The cards' kinds now, at session time ``t_s``: what newly happened, and its cues."""
        if len(self._kinds) != len(kinds):
            self._kinds = [None] * len(kinds)
        if PromptKind.FLOODED in self._kinds and PromptKind.FLOODED not in kinds:
            self.plan.acknowledge()  # the pause prompt went by itself: nothing to repeat
        reached: list[Reached] = []
        for person, kind in enumerate(kinds):
            moment = _MOMENT_OF.get(kind)
            if moment is not None and self._kinds[person] != kind:
                cues = tuple(self.plan.moment(moment, t_s))
                told = any(r.moment == moment for r in reached)
                reached.append(Reached(moment, person, cues, moment in NOTIFIED and not told))
            self._kinds[person] = kind
        repeat = self.plan.tick(t_s)
        if repeat:
            reached.append(Reached(Moment.FLOODING, 0, tuple(repeat), notify=False))
        return reached

    def break_started(self) -> None:
        """The prompt was answered: no second pause cue; this break's ready may sound."""
        self.plan.new_break()

"""What the glance view shows (no Qt): one word, a colour and the break timer per person.

During a check-in people look at each other, not at a laptop; the glance view is read from
across a table. It says no more than the check-in card already decided (the card's Prompt is
the one source), in a few words from words.py, each with a tone the theme colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pausepoint.couple.engine import CoupleState
from pausepoint.ui.couple_model import CoupleViewModel
from pausepoint.ui.view_model import Prompt, PromptKind
from pausepoint.words import GLANCE_SETTLED, GLANCE_WORDS


class Tone(StrEnum):
    """A glance colour, by what it means; a Palette's glance_tones give its colours."""

    CALM = "calm"
    RISING = "rising"
    PAUSE = "pause"
    BREAK = "break"
    READY = "ready"
    QUIET = "quiet"


TONES = {
    PromptKind.WAITING: Tone.QUIET,
    PromptKind.CALIBRATING: Tone.QUIET,
    PromptKind.CALM: Tone.CALM,
    PromptKind.CHECKING: Tone.CALM,
    PromptKind.GOOD_MOMENT: Tone.READY,
    PromptKind.NOT_YET: Tone.RISING,
    PromptKind.RISING: Tone.RISING,
    PromptKind.FLOODED: Tone.PAUSE,
    PromptKind.BREAK: Tone.BREAK,
    PromptKind.SETTLING: Tone.BREAK,
    PromptKind.TIME_UP: Tone.READY,
    PromptKind.COMING_DOWN: Tone.BREAK,
    PromptKind.READY: Tone.READY,
    PromptKind.SIGNAL_POOR: Tone.QUIET,
    PromptKind.SEARCHING: Tone.QUIET,
}


@dataclass(frozen=True)
class Glance:
    """One person's column: their name (empty alone), the word, its tone, the break timer."""

    name: str
    word: str
    tone: Tone
    timer_text: str | None = None


def glance_of(prompt: Prompt, name: str = "", *, settled: bool = False) -> Glance:
    """The card's prompt in a word; ``settled``: this partner's body has settled in a pause
    their partner is still settling from (the card says so; the glance says "Settled")."""
    if settled and prompt.kind in (PromptKind.SETTLING, PromptKind.TIME_UP):
        return Glance(name, GLANCE_SETTLED, Tone.READY, prompt.timer_text)
    return Glance(name, GLANCE_WORDS[prompt.kind], TONES[prompt.kind], prompt.timer_text)


def couple_glance(view: CoupleViewModel) -> list[Glance]:
    """Both partners, in lane order, from the prompts the couple's lanes show."""
    paused = view.state == CoupleState.PAUSE
    return [
        glance_of(
            view.prompt(person),
            name,
            settled=paused and view.ready[person] and not view.flooded[person],
        )
        for person, name in enumerate(view.names)
    ]


def pause_up(prompts: Sequence[Prompt]) -> bool:
    """The pause prompt is showing (for anyone): Space may start the break."""
    return any(prompt.kind == PromptKind.FLOODED for prompt in prompts)

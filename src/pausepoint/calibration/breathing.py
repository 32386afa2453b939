"""The breathing pacer: where in a breath the person should be, as a pure function of time.

Slow breathing near 6 breaths a minute (resonance breathing, 4.5-6.5 in adults; Lehrer &
Gevirtz 2014) with a longer breath out than in calms the body fastest. The pacer's phase is a
function of time alone, so the animation, the tests and a screenshot at any moment agree
without waiting for a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INHALE = "inhale"
EXHALE = "exhale"

DEFAULT_RATE_BPM = 6.0
DEFAULT_INHALE_FRACTION = 0.4
"""4 s in, 6 s out at 6 breaths a minute: a longer exhale slows the heart (vagal brake)."""
INHALE_FRACTIONS = {"5:5": 0.5, "4:6": 0.4, "3:7": 0.3}
"""The in:out ratios offered, as the share of a breath spent breathing in."""

COHERENCE_STARTING = 0.5
COHERENCE_WELL = 2.0
"""HeartMath's coherence score guide: 0.5 "basic, good beginner level", 2.0 "very good"
(help.heartmath.com, technical terms glossary); the same 64-s spectral ratio as
``pipeline.estimators.coherence``."""
BREATH_MATCH_BPM = 1.0
"""A breathing rate within one breath a minute of the pacer counts as following it: the
spectral estimate over 60 s of beats resolves about one breath a minute."""


def pacer_phase(
    t_s: float,
    rate_bpm: float = DEFAULT_RATE_BPM,
    inhale_fraction: float = DEFAULT_INHALE_FRACTION,
) -> tuple[str, float]:
    """(INHALE or EXHALE, how far through that phase from 0 to 1) at time ``t_s``.

    A breath starts with the breath in at t_s = 0 and every 60 / rate_bpm seconds after.
    """
    if not rate_bpm > 0:
        raise ValueError(f"rate_bpm must be above zero, got {rate_bpm}")
    if not 0.0 < inhale_fraction < 1.0:
        raise ValueError(f"inhale_fraction must be between 0 and 1, got {inhale_fraction}")
    breath_s = 60.0 / rate_bpm
    into_breath = (t_s % breath_s) / breath_s
    if into_breath < inhale_fraction:
        return INHALE, into_breath / inhale_fraction
    return EXHALE, (into_breath - inhale_fraction) / (1.0 - inhale_fraction)


def phase_count(
    t_s: float,
    rate_bpm: float = DEFAULT_RATE_BPM,
    inhale_fraction: float = DEFAULT_INHALE_FRACTION,
) -> int:
    """How many phases have begun by ``t_s`` (the first breath in, at 0, is phase 1)."""
    breath_s = 60.0 / rate_bpm
    breaths, _rest_s = divmod(t_s, breath_s)
    phase, _fraction = pacer_phase(t_s, rate_bpm, inhale_fraction)
    return 2 * int(breaths) + (1 if phase == INHALE else 2)


class PhaseTurns:
    """Which phase just began, seen frame by frame: for a tone at the start of each breath in
    and each breath out. A late frame still gives its turn once; a frame that skipped whole
    phases gives only the phase now under way, never a burst of stale tones."""

    def __init__(self) -> None:
        self._seen: int | None = None

    def reset(self) -> None:
        """The pacer (re)starts: its first frame is the start of a breath in."""
        self._seen = None

    def see(
        self,
        t_s: float,
        rate_bpm: float = DEFAULT_RATE_BPM,
        inhale_fraction: float = DEFAULT_INHALE_FRACTION,
    ) -> str | None:
        """INHALE or EXHALE if that phase began since the last frame, else None. Time that
        went back (the pacer restarted at a new rate) is a new start."""
        count = phase_count(t_s, rate_bpm, inhale_fraction)
        seen, self._seen = self._seen, count
        if count == seen:
            return None
        return INHALE if count % 2 == 1 else EXHALE


def lung_fill(
    t_s: float,
    rate_bpm: float = DEFAULT_RATE_BPM,
    inhale_fraction: float = DEFAULT_INHALE_FRACTION,
) -> float:
    """How full the pacer's shape is, 0 (empty) to 1 (full): eased, as a breath feels."""
    phase, fraction = pacer_phase(t_s, rate_bpm, inhale_fraction)
    eased = (1.0 - math.cos(math.pi * fraction)) / 2.0
    return eased if phase == INHALE else 1.0 - eased


def seconds_left_in_phase(
    t_s: float,
    rate_bpm: float = DEFAULT_RATE_BPM,
    inhale_fraction: float = DEFAULT_INHALE_FRACTION,
) -> float:
    phase, fraction = pacer_phase(t_s, rate_bpm, inhale_fraction)
    share = inhale_fraction if phase == INHALE else 1.0 - inhale_fraction
    return (1.0 - fraction) * share * 60.0 / rate_bpm


@dataclass(frozen=True, slots=True)
class Following:
    """How well the heart follows the pacer, in words for the person breathing."""

    level: int
    """0 not known yet, 1 not yet, 2 starting to follow, 3 following well."""
    words: str
    breath_words: str | None


def following(
    coherence: float | None, resp_rate_bpm: float | None, rate_bpm: float = DEFAULT_RATE_BPM
) -> Following:
    """Feedback from the pipeline's coherence and breathing rate (never computed here)."""
    breath_words = None
    if resp_rate_bpm is not None and math.isfinite(resp_rate_bpm):
        if abs(resp_rate_bpm - rate_bpm) <= BREATH_MATCH_BPM:
            breath_words = f"You are breathing with the pacer (about {resp_rate_bpm:.0f} a minute)."
        else:
            breath_words = f"You are breathing about {resp_rate_bpm:.0f} times a minute."
    if coherence is None or not math.isfinite(coherence):
        return Following(0, "Your heart's answer shows after about a minute.", breath_words)
    if coherence >= COHERENCE_WELL:
        return Following(3, "Your heart is following the pacer well.", breath_words)
    if coherence >= COHERENCE_STARTING:
        return Following(2, "Your heart is starting to follow.", breath_words)
    return Following(1, "Soft, slow breaths; no need to force them.", breath_words)

"""The catalogue of simulated scenarios: what each one asks of a person, and ``simulate``.

Every other part is tested against the simulator, so it behaves like a person wearing a
strap, not like a sine wave. A scenario is a Plan (physiology.py): when the person is
aroused, talks, walks or breathes with a pacer, and what goes wrong with the strap. The
seed's person lives it (physiology.py), their strap sends it (strap.py), and each recording
carries its ground truth and its noise-free curves. Couples: couples.py. Scenarios and
their truth: docs/scenarios.md.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from pausepoint.errors import BadInput
from pausepoint.model import HeartSample, MotionSample
from pausepoint.protocols import ResonanceProtocol, load_resonance_protocol
from pausepoint.sources.simulated.physiology import (
    Curves,
    Person,
    Plan,
    arousal,
    beats,
    curves,
    draw_person,
    flooded,
    flooding_threshold_bpm,
    rest_plan,
    rhythm,
    slow_physiology,
)
from pausepoint.sources.simulated.strap import (
    ArtifactTruth,
    motion,
    notifications,
    optical_gaps,
)

SCENARIOS: dict[str, str] = {
    "calm": "10 min seated rest, spontaneous breathing",
    "argument": (
        "35 min: 5 calm, 3 escalating in waves, a surge into >= 5 min flooded, "
        "then a 21 min break starting with 5 min paced breathing at 6/min"
    ),
    "paced-breathing": "10 min: 3 rest, 5 paced breathing at 6/min (HRV rises), 2 rest",
    "speech": "10 min: 3 rest, 5 talking (HR +5-8 bpm, RMSSD barely changes), 2 rest",
    "walk": "10 min: 3 seated, 5 walking (HR +15-30 bpm, motion channel), 2 seated",
    "ectopic": "10 min calm with 5 % premature beats",
    "bigeminy": (
        "10 min calm with 30-50 % premature beats in a pattern (every 2nd or 3rd beat, in "
        "episodes of 40-120 s)"
    ),
    "bigeminy-argument": "argument with the bigeminy rhythm throughout",
    "irregular": (
        "10 min calm, every interval irregular with no pattern (as in atrial fibrillation)"
    ),
    "dropouts": "10 min calm with 6 runs of lost notifications and one 30 s contact loss",
    "optical": (
        "argument worn on an optical sensor (arm band, ear clip): beats timed to +-10-20 ms, "
        "none found for 3-9 s at a time (more while talking), no contact flag"
    ),
    "resonance": (
        "resonance-rate assessment (Lehrer) as calibration/resonance.toml schedules it: "
        "rest, then paced breathing at each of its rates with rest between"
    ),
}

_DEFAULT_MINUTES = {
    "calm": 10.0,
    "argument": 35.0,
    "paced-breathing": 10.0,
    "speech": 10.0,
    "walk": 10.0,
    "ectopic": 10.0,
    "bigeminy": 10.0,
    "bigeminy-argument": 35.0,
    "irregular": 10.0,
    "dropouts": 10.0,
    "optical": 35.0,
}
"""Lengths of the scenarios with their own timeline; resonance lasts as its protocol does."""
PACED_RATE_BPM = 6.0
"""The pacer in paced-breathing and in the argument's break, unless overridden."""


_OVERRIDES: dict[str, tuple[float, float]] = {
    "resting_hr_bpm": (35.0, 120.0),
    "resting_rmssd_ms": (5.0, 200.0),
    "resonance_rate_bpm": (3.0, 10.0),
    "breathing_rate_bpm": (6.0, 30.0),
    "arousal_hr_bpm": (0.0, 70.0),
    "paced_rate_bpm": (2.0, 15.0),
    "ectopic_fraction": (0.0, 0.2),
    "missed_fraction": (0.0, 0.2),
    "extra_fraction": (0.0, 0.2),
    "lost_count": (0, 1000),
}
_OVERRIDE_NAMES = (*_OVERRIDES, "contact_lost")


@dataclass(frozen=True, slots=True)
class Truth:
    scenario: str
    seed: int
    duration_s: float
    resting_hr_bpm: float
    resting_rmssd_ms: float
    resonance_rate_bpm: float
    """Breaths per minute at which this person's RSA is largest."""
    breathing_rate_bpm: float
    """The usual (spontaneous) breathing rate."""
    flooded: tuple[tuple[float, float], ...]
    break_start_s: float | None
    artifacts: tuple[ArtifactTruth, ...]
    lost: tuple[tuple[float, float], ...]
    """Host arrival times the first and last lost notification of each run would have had."""
    contact_lost: tuple[tuple[float, float], ...]
    """Spans (session time) when the strap had no skin contact."""
    motion: bool
    phases: tuple[tuple[str, float, float], ...] = ()
    """The scenario's timeline: (name, start_s, end_s)."""
    sensor_gaps: tuple[tuple[float, float], ...] = ()
    """Spans (session time) when an optical sensor found no beats: no RR from them."""
    rr_error_ms: float = 0.0
    """The most a delivered RR differs from the true one, beyond the 1/1024 s tick."""
    rhythm: str = "sinus"
    """"sinus", "bigeminy" (premature beats in a pattern) or "irregular" (no pattern)."""
    premature_share: float = 0.0
    """The share of beats that came early (bigeminy)."""

    def to_dict(self) -> dict[str, object]:
        return {name: jsonable(value) for name, value in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class Recording:
    samples: tuple[HeartSample | MotionSample, ...]
    """Heart and motion samples merged in time order."""
    truth: Truth
    curves: Curves

    def heart_samples(self) -> tuple[HeartSample, ...]:
        return tuple(s for s in self.samples if isinstance(s, HeartSample))

    def motion_samples(self) -> tuple[MotionSample, ...]:
        return tuple(s for s in self.samples if isinstance(s, MotionSample))

    def rr_ms(self) -> tuple[float, ...]:
        """All delivered RR in order: the sequence ArtifactTruth.index points into."""
        return tuple(v for s in self.heart_samples() for v in s.rr_ms)


def simulate(
    scenario: str,
    seed: int = 0,
    minutes: float | None = None,
    **overrides: float | Sequence[tuple[float, float]],
) -> Recording:
    """One seeded recording of a named scenario, with its ground truth.

    The seed is the person (resting HR, RMSSD, resonance, breathing rate...), the
    same in every scenario; ``minutes`` scales the scenario's phases (physiological
    time constants stay as they are). Overrides: see docs/scenarios.md.
    """
    if scenario not in SCENARIOS:
        raise BadInput(f"unknown scenario {scenario!r}: choose one of {', '.join(SCENARIOS)}")
    resonance = load_resonance_protocol() if scenario == "resonance" else None
    default_minutes = resonance.duration_s / 60.0 if resonance else _DEFAULT_MINUTES[scenario]
    seed, duration_s = checked_run(scenario, seed, minutes, default_minutes)
    numbers, contact_lost = _checked_overrides(scenario, overrides)
    person = draw_person(seed, numbers)
    rng = np.random.default_rng([seed, zlib.crc32(scenario.encode())])
    scale = duration_s / (default_minutes * 60.0)
    paced_rate_bpm = float(numbers.get("paced_rate_bpm", PACED_RATE_BPM))
    plan = _plan(scenario, duration_s, scale, person, rng, paced_rate_bpm, resonance)
    _ask_of_strap(plan, numbers, contact_lost)
    return render(scenario, seed, duration_s, person, plan, rng)


def checked_run(
    scenario: str, seed: int, minutes: float | None, default_minutes: float
) -> tuple[int, float]:
    """(seed, duration_s) of a run asked for, or BadInput saying which of the two is wrong."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise BadInput(f"simulated {scenario}: seed {seed!r} must be a whole number, 0 or more")
    if minutes is None:
        minutes = default_minutes
    if not isinstance(minutes, int | float) or not 0.25 <= minutes <= 24 * 60:
        raise BadInput(f"simulated {scenario}: minutes {minutes!r} must be between 0.25 and 1440")
    return int(seed), float(minutes) * 60.0


def render(
    scenario: str,
    seed: int,
    duration_s: float,
    person: Person,
    plan: Plan,
    rng: np.random.Generator,
) -> Recording:
    """A planned scenario made into beats and notifications, with its truth."""
    phys = slow_physiology(plan, person, rng)
    beat_t_s, premature_share = rhythm(beats(phys, rng), plan, rng)
    heart, artifacts, lost, contact_lost = notifications(beat_t_s, plan, duration_s, rng)
    chest: list[MotionSample] = motion(plan, person, duration_s, rng) if plan.walking.any() else []
    both: list[HeartSample | MotionSample] = [*heart, *chest]
    samples = tuple(sorted(both, key=lambda s: s.t_s))
    truth = Truth(
        scenario=scenario,
        seed=seed,
        duration_s=duration_s,
        resting_hr_bpm=person.resting_hr_bpm,
        resting_rmssd_ms=person.resting_rmssd_ms,
        resonance_rate_bpm=person.resonance_rate_bpm,
        breathing_rate_bpm=person.breathing_rate_bpm,
        flooded=flooded(plan.t_s, phys["emotional_hr_bpm"], person, duration_s),
        break_start_s=plan.break_start_s,
        artifacts=artifacts,
        lost=lost,
        contact_lost=contact_lost,
        motion=bool(chest),
        phases=tuple(plan.phases),
        sensor_gaps=plan.sensor_gaps,
        rr_error_ms=2.0 * plan.beat_error_ms,
        rhythm=plan.rhythm,
        premature_share=premature_share,
    )
    return Recording(samples=samples, truth=truth, curves=curves(plan.t_s, phys, duration_s))


def _checked_overrides(
    scenario: str, overrides: dict[str, float | Sequence[tuple[float, float]]]
) -> tuple[dict[str, float], tuple[tuple[float, float], ...] | None]:
    """The overrides checked one by one, in the order given: (numbers, contact_lost spans)."""
    numbers: dict[str, float] = {}
    contact_lost = None
    for name, value in overrides.items():
        where = f"simulated {scenario}: override {name}={value!r}"
        if name == "contact_lost":
            not_pairs = f"{where} must be pairs (start_s, end_s)"
            if isinstance(value, int | float):
                raise BadInput(not_pairs)
            try:
                contact_lost = tuple((float(a), float(b)) for a, b in value)
            except (TypeError, ValueError):
                raise BadInput(not_pairs) from None
            if not all(0.0 <= a < b for a, b in contact_lost):
                raise BadInput(f"{where}: each span needs 0 <= start_s < end_s")
            continue
        if name not in _OVERRIDES:
            raise BadInput(f"{where} is not known: use one of {', '.join(_OVERRIDE_NAMES)}")
        low, high = _OVERRIDES[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise BadInput(f"{where} must be a number between {low:g} and {high:g}")
        if not low <= value <= high or (name == "lost_count" and value != int(value)):
            raise BadInput(f"{where} must be between {low:g} and {high:g}")
        numbers[name] = value
    return numbers, contact_lost


def _window(t_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return ((t_s >= start_s) & (t_s < end_s)).astype(float)


def _plan(
    scenario: str,
    duration_s: float,
    scale: float,
    person: Person,
    rng: np.random.Generator,
    paced_rate_bpm: float,
    resonance: ResonanceProtocol | None,
) -> Plan:
    """The scenario's timeline, its phases scaled by ``scale`` (minutes / default minutes)."""
    plan = rest_plan(duration_s)
    t_s = plan.t_s
    if scenario in ("paced-breathing", "speech", "walk"):
        start_s, end_s = 180.0 * scale, 480.0 * scale
        name = {"paced-breathing": "paced", "speech": "talking", "walk": "walking"}[scenario]
        plan.phases = [("rest", 0.0, start_s), (name, start_s, end_s), ("rest", end_s, duration_s)]
        on = _window(t_s, start_s, end_s)
        if scenario == "paced-breathing":
            plan.paced_rate_bpm = np.where(on > 0, paced_rate_bpm, np.nan)
        elif scenario == "speech":
            plan.talking = on
        else:
            plan.walking = on
    elif scenario in ("argument", "optical", "bigeminy-argument"):
        plan_argument(plan, duration_s, scale, person, rng, paced_rate_bpm)
        if scenario == "optical":
            plan.optical = True
            plan.beat_error_ms = float(rng.uniform(5.0, 10.0))
            plan.sensor_gaps = optical_gaps(plan, duration_s, rng)
    elif resonance is not None:
        _plan_resonance(plan, duration_s, scale, resonance)
    elif scenario == "ectopic":
        plan.ectopic_fraction = 0.05
    elif scenario == "irregular":
        plan.rhythm = "irregular"
    if scenario in ("bigeminy", "bigeminy-argument"):
        plan.rhythm = "bigeminy"
        plan.bigeminy_share = float(rng.uniform())
    elif scenario == "dropouts":
        plan.lost_count = 6
        start_s = float(rng.uniform(0.3, 0.6)) * duration_s
        plan.contact_lost = ((start_s, min(start_s + 30.0, duration_s)),)
    return plan


def _ask_of_strap(
    plan: Plan, numbers: dict[str, float], contact_lost: tuple[tuple[float, float], ...] | None
) -> None:
    """The overrides of artifacts, lost notifications and contact, over the scenario's own."""
    plan.ectopic_fraction = float(numbers.get("ectopic_fraction", plan.ectopic_fraction))
    plan.missed_fraction = float(numbers.get("missed_fraction", plan.missed_fraction))
    plan.extra_fraction = float(numbers.get("extra_fraction", plan.extra_fraction))
    plan.lost_count = int(numbers.get("lost_count", plan.lost_count))
    if contact_lost is not None:
        plan.contact_lost = contact_lost


def plan_argument(
    plan: Plan,
    duration_s: float,
    scale: float,
    person: Person,
    rng: np.random.Generator,
    paced_rate_bpm: float,
    *,
    surge_delay_s: float = 0.0,
    wave_share: tuple[float, float] = (0.55, 0.8),
    heated_swing: bool = True,
    heated_extra_s: float = 0.0,
) -> None:
    """Calm, waves that stay under the flooding line, a surge over it, a long break.

    ``wave_share``: how far towards the flooding line the highest wave goes (drawn);
    ``surge_delay_s`` moves the surge later (a partner who follows); ``heated_swing``: the
    heated minutes rise and fall over ~70 s (off for couples, whose exchange does that);
    ``heated_extra_s`` keeps the argument going that much longer before the break.
    """
    t_s = plan.t_s
    escalation_s, surge_start_s = 300.0 * scale, 480.0 * scale + surge_delay_s
    break_s, paced_end_s = 840.0 * scale + heated_extra_s, 1140.0 * scale + heated_extra_s
    surge_s = float(rng.uniform(20.0, 40.0))
    esc_len_s = surge_start_s - escalation_s
    waves = (
        0.15
        * np.clip((t_s - escalation_s) / esc_len_s, 0.0, 1.0)
        * _window(t_s, escalation_s, surge_start_s)
    )
    for centre, height in zip((0.2, 0.5, 0.8), (0.6, 0.8, 1.0), strict=True):
        centre_s = escalation_s + (centre + rng.uniform(-0.05, 0.05)) * esc_len_s
        half_s = rng.uniform(0.1, 0.14) * esc_len_s
        x = np.clip((t_s - centre_s) / half_s, -1.0, 1.0)
        waves = waves + height * 0.5 * (1.0 + np.cos(np.pi * x))
    before = t_s < surge_start_s
    peak = float(arousal(waves * before)[0][before].max())
    margin_bpm = flooding_threshold_bpm(person.resting_hr_bpm) - person.resting_hr_bpm
    if peak > 0 and person.arousal_hr_bpm > 0:
        waves = waves * rng.uniform(*wave_share) * margin_bpm / (person.arousal_hr_bpm * peak)
    start_level = float(np.interp(surge_start_s, t_s, waves))
    ramp = start_level + (1.0 - start_level) * np.clip((t_s - surge_start_s) / surge_s, 0, 1)
    swing = 0.06 * (1.0 + np.sin(2 * np.pi * t_s / 70.0 + rng.uniform(0, 2 * np.pi)))
    heated = 1.0 - swing if heated_swing else np.ones_like(t_s)
    plan.drive = np.where(before, waves, np.minimum(ramp, heated)) * (t_s < break_s)
    plan.talking = _window(t_s, escalation_s, break_s)
    plan.talk_raises_hr = False
    plan.paced_rate_bpm = np.where(_window(t_s, break_s, paced_end_s) > 0, paced_rate_bpm, np.nan)
    plan.break_start_s = break_s
    plan.phases = [
        ("calm", 0.0, escalation_s),
        ("escalation", escalation_s, surge_start_s),
        ("surge", surge_start_s, surge_start_s + surge_s),
        ("heated", surge_start_s + surge_s, break_s),
        ("break-paced", break_s, paced_end_s),
        ("recovery", paced_end_s, duration_s),
    ]


def _plan_resonance(
    plan: Plan, duration_s: float, scale: float, protocol: ResonanceProtocol
) -> None:
    """Each rate of the assessment for a block, rest between: the person breathes at the
    pacer's rate (the phase of each breath is their own)."""
    start_s = protocol.lead_s * scale
    phases = [("rest", 0.0, start_s)]
    for i, rate_bpm in enumerate(protocol.rates_bpm):
        end_s = start_s + protocol.paced_s * scale
        on = _window(plan.t_s, start_s, end_s) > 0
        plan.paced_rate_bpm = np.where(on, rate_bpm, plan.paced_rate_bpm)
        phases.append((f"paced-{rate_bpm:g}", start_s, end_s))
        if i < len(protocol.rates_bpm) - 1:
            phases.append(("rest", end_s, end_s + protocol.rest_s * scale))
        start_s = end_s + protocol.rest_s * scale
    if end_s < duration_s:
        phases.append(("rest", end_s, duration_s))
    plan.phases = phases


def jsonable(value: object) -> object:
    """Tuples as lists, all the way down, as JSON has them."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value

"""Simulated couples: two seeded persons in one conversation, one arousal following the other.

Each partner is made as ``simulate`` makes a person; what links them is in their arousal
drives: the follower's moment-to-moment arousal is the leader's of a few seconds before plus
their own, and in couple-argument their surge into flooding comes later. The truth says who
leads, by how much, and how strongly (docs/couple.md).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass

import numpy as np

from pausepoint.couple.engine import PARTNERS
from pausepoint.errors import BadInput
from pausepoint.model import HeartSample, MotionSample
from pausepoint.sources.simulated.physiology import (
    CONTROL_DT_S,
    Person,
    Plan,
    draw_person,
    flooding_threshold_bpm,
    rest_plan,
    smooth_noise,
)
from pausepoint.sources.simulated.scenarios import (
    PACED_RATE_BPM,
    Recording,
    checked_run,
    jsonable,
    plan_argument,
    render,
)

COUPLE_SCENARIOS: dict[str, str] = {
    "couple-argument": (
        "45 min, two partners in the argument: one floods first, the other 30-90 s later; "
        "the follower's moment-to-moment arousal is the leader's of 3-8 s before, plus their own"
    ),
    "couple-calm": "10 min, two partners at rest, independent of each other",
    "couple-one-floods": (
        "45 min, two partners in the argument: one floods; the other is stirred (linked, "
        "3-8 s behind) but stays under the flooding line"
    ),
}

_COUPLE_DEFAULT_MINUTES = {"couple-argument": 45.0, "couple-calm": 10.0, "couple-one-floods": 45.0}
_COUPLE_HEATED_EXTRA_S = 300.0
"""Two heated people take longer to stop: the argument runs 5 min longer than alone."""

_LINK_LAG_S = (3.0, 8.0)
"""The follower's moment-to-moment arousal trails the leader's by this much (drawn)."""
_ONSET_LAG_S = (30.0, 90.0)
"""couple-argument: the follower's surge into flooding comes this long after the leader's."""
_COUPLING = 0.9
"""Correlation of the follower's moment-to-moment arousal with the leader's (lagged)."""
_EXCHANGE_CORR_S = 6.0
"""The exchange of a conversation: turns of seconds to tens of seconds."""
_EXCHANGE_SHARE = 0.8
_EXCHANGE_FLOOR = 0.1
"""The exchange moves heart rate by (floor + drive) x share x the flooding margin (SD): a
few bpm while calm, ~8 bpm when heated (the more aroused, the more each word lands)."""
_COUPLE_WAVE_SHARE = (0.4, 0.55)
"""Escalation waves stay lower than alone, leaving room for the exchange under the line."""
_STIRRED_SHARE = (0.3, 0.45)
"""couple-one-floods: the partner who does not flood rises at most this far to the line."""


@dataclass(frozen=True, slots=True)
class CoupleTruth:
    """What links the two partners (A is partner 0 and B partner 1, as in PARTNERS)."""

    scenario: str
    seed: int
    person_seeds: tuple[int, int]
    """The seeds of A's and B's persons (2 x seed and 2 x seed + 1)."""
    duration_s: float
    flooded: tuple[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]]
    """Each partner's flooded spans, as in Truth."""
    leader: int | None
    """0 when A leads, 1 when B does; None for independent partners."""
    lag_s: float | None
    """How many seconds the follower's moment-to-moment arousal trails the leader's."""
    onset_lag_s: float | None
    """How long after the leader's surge into flooding the follower's comes (couple-argument)."""
    coupling: float
    """Correlation of the follower's moment-to-moment arousal with the leader's; 0: none."""
    break_start_s: float | None

    def to_dict(self) -> dict[str, object]:
        return {name: jsonable(value) for name, value in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class CoupleRecording:
    """Partner A's and B's recordings of one session, with what links them."""

    a: Recording
    b: Recording
    truth: CoupleTruth

    def partner(self, person: int) -> Recording:
        return (self.a, self.b)[person]

    def merged(self) -> tuple[tuple[int, HeartSample | MotionSample], ...]:
        """Both partners' samples as one stream in time order (A first at equal times)."""
        tagged = [(s.t_s, 0, i, s) for i, s in enumerate(self.a.samples)]
        tagged += [(s.t_s, 1, i, s) for i, s in enumerate(self.b.samples)]
        tagged.sort(key=lambda item: item[:3])
        return tuple((person, sample) for _, person, _, sample in tagged)


def simulate_couple(scenario: str, seed: int = 0, minutes: float | None = None) -> CoupleRecording:
    """Two partners in one seeded session: the seed is the couple (A: person 2 x seed, B:
    person 2 x seed + 1). Each partner is made as ``simulate`` makes a person; what links
    them is in their arousal drives (docs/couple.md)."""
    if scenario not in COUPLE_SCENARIOS:
        raise BadInput(
            f"unknown couple scenario {scenario!r}: choose one of {', '.join(COUPLE_SCENARIOS)}"
        )
    seed, duration_s = checked_run(scenario, seed, minutes, _COUPLE_DEFAULT_MINUTES[scenario])
    seeds = (2 * seed, 2 * seed + 1)
    persons = (draw_person(seeds[0], {}), draw_person(seeds[1], {}))
    tag = zlib.crc32(scenario.encode())
    rngs = (np.random.default_rng([seeds[0], tag]), np.random.default_rng([seeds[1], tag]))
    couple_rng = np.random.default_rng([seed, tag, len(PARTNERS)])
    leader: int | None = None
    lag_s = onset_lag_s = None
    coupling = 0.0
    plans: tuple[Plan, ...]
    if scenario == "couple-calm":
        plans = (rest_plan(duration_s), rest_plan(duration_s))
    else:
        leader = int(couple_rng.integers(2))
        lag_s = float(couple_rng.uniform(*_LINK_LAG_S))
        if scenario == "couple-argument":
            onset_lag_s = float(couple_rng.uniform(*_ONSET_LAG_S))
        coupling = _COUPLING
        scale = duration_s / (_COUPLE_DEFAULT_MINUTES[scenario] * 60.0)
        plans = tuple(
            _plan_partner(
                duration_s,
                scale,
                persons[p],
                rngs[p],
                onset_lag_s if p != leader else 0.0,
                stirred=scenario == "couple-one-floods" and p != leader,
            )
            for p in (0, 1)
        )
        _link(plans, persons, leader, lag_s, couple_rng)
    a, b = (render(scenario, seeds[p], duration_s, persons[p], plans[p], rngs[p]) for p in (0, 1))
    truth = CoupleTruth(
        scenario=scenario,
        seed=seed,
        person_seeds=seeds,
        duration_s=duration_s,
        flooded=(a.truth.flooded, b.truth.flooded),
        leader=leader,
        lag_s=lag_s,
        onset_lag_s=onset_lag_s,
        coupling=coupling,
        break_start_s=plans[0].break_start_s,
    )
    return CoupleRecording(a=a, b=b, truth=truth)


def _plan_partner(
    duration_s: float,
    scale: float,
    person: Person,
    rng: np.random.Generator,
    surge_delay_s: float | None,
    *,
    stirred: bool,
) -> Plan:
    """One partner's own part of the argument: their waves, surge and heated minutes.

    ``stirred``: the partner never floods; their arousal is held at a share of the way to
    the line (heart-rate arousal settles at the drive's level, so a cap on the drive holds).
    """
    plan = rest_plan(duration_s)
    plan_argument(
        plan,
        duration_s,
        scale,
        person,
        rng,
        PACED_RATE_BPM,
        surge_delay_s=surge_delay_s or 0.0,
        wave_share=_COUPLE_WAVE_SHARE,
        heated_swing=False,
        heated_extra_s=_COUPLE_HEATED_EXTRA_S * scale,
    )
    if stirred:
        margin_bpm = flooding_threshold_bpm(person.resting_hr_bpm) - person.resting_hr_bpm
        cap = rng.uniform(*_STIRRED_SHARE) * margin_bpm / person.arousal_hr_bpm
        plan.drive = np.minimum(plan.drive, cap)
        plan.phases = [(n, a, b) for n, a, b in plan.phases if n != "surge"]
    return plan


def _link(
    plans: tuple[Plan, ...],
    persons: tuple[Person, ...],
    leader: int,
    lag_s: float,
    rng: np.random.Generator,
) -> None:
    """Add the conversation's moment-to-moment arousal while they talk: the leader's own,
    and the follower's, which is the leader's of ``lag_s`` before plus their own part."""
    t_s = plans[0].t_s
    own_lead = smooth_noise(rng, t_s.size, CONTROL_DT_S, _EXCHANGE_CORR_S)
    own_follow = smooth_noise(rng, t_s.size, CONTROL_DT_S, _EXCHANGE_CORR_S)
    follow = (
        _COUPLING * np.interp(t_s - lag_s, t_s, own_lead)
        + math.sqrt(1.0 - _COUPLING**2) * own_follow
    )
    for p, exchange in ((leader, own_lead), (1 - leader, follow)):
        person = persons[p]
        margin_bpm = flooding_threshold_bpm(person.resting_hr_bpm) - person.resting_hr_bpm
        size = _EXCHANGE_SHARE * margin_bpm / person.arousal_hr_bpm
        plans[p].exchange = size * exchange * plans[p].talking * (_EXCHANGE_FLOOR + plans[p].drive)

"""A seeded, physiological heart for tests, demos and the virtual strap.

Every other part is tested against this, so it behaves like a person wearing a
strap, not like a sine wave. A heart period is built on a 0.5 s control grid
(resting level, an arousal drive with a fast sympathetic/vagal part and a slow
adrenaline tail, movement, talking, paced breathing) and on a 0.1 s fine grid
(respiratory sinus arrhythmia with a per-person resonance rate, Mayer waves, 1/f
noise). Beats come from integral pulse frequency modulation (IPFM) of that
period; they are placed on the strap's 1/1024 s clock, edited by artifacts on
demand and packed into ~1 Hz Heart Rate Measurement notifications exactly as a
strap sends them. Each recording carries its ground truth and its noise-free
curves. Scenarios and their truth: docs/scenarios.md.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pausepoint.errors import BadInput
from pausepoint.model import HeartSample, MotionSample, rr_ms_from_ticks
from pausepoint.strap import hrm

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
    "dropouts": "10 min calm with 6 runs of lost notifications and one 30 s contact loss",
    "resonance": (
        "15 min resonance-rate assessment (Lehrer): 1 min rest, then 2 min paced breathing "
        "at each of 6.5, 6, 5.5, 5 and 4.5/min with 1 min rest between"
    ),
}

_DEFAULT_MINUTES = {
    "calm": 10.0,
    "argument": 35.0,
    "paced-breathing": 10.0,
    "speech": 10.0,
    "walk": 10.0,
    "ectopic": 10.0,
    "dropouts": 10.0,
    "resonance": 15.0,
}

RESONANCE_RATES_BPM = (6.5, 6.0, 5.5, 5.0, 4.5)
"""The paced rates of the ``resonance`` scenario, in the order breathed (Lehrer et al. 2000)."""
RESONANCE_LEAD_S = 60.0
RESONANCE_PACED_S = 120.0
RESONANCE_REST_S = 60.0

ARTIFACT_KINDS = ("ectopic", "missed", "extra")

_CONTROL_DT_S = 0.5
_FINE_DT_S = 0.1
_LEAD_S = 6.0
"""Beats start before session time 0, as from a strap that was already on."""
_TICKS_PER_S = 1024
_NOTIFY_PERIOD_S = 1.0
_LATENCY_S = (0.004, 0.030)
_HR_WINDOW_S = 5.0

# Shares of the variability scale k (ms): RSA amplitude is k itself at rest.
_MAYER_SHARE = 0.3
_PINK_SHARE = 0.75
_JITTER_SHARE = 0.04
_RSA_CEILING_SHARE = 0.35
"""RSA amplitude levels off near 35 % of the heart period (strong resonance breathers)."""
_KNEE = 4.0
_RESONANCE_GAIN = 4.0
_RESONANCE_WIDTH_BPM = 1.2
_RATE_CV = 0.08
_DEPTH_CV = 0.15
_MAYER_HZ = 0.1
_INSPIRATION = 0.42
"""Share of a breath spent breathing in."""
# Talking: quick breaths in, long breaths out, irregular rate and depth.
_TALK_INSPIRATION = 0.25
_TALK_RATE_CV = 0.3
_TALK_RATE_LOW = -0.1
_TALK_DEPTH = 1.0
_TALK_DEPTH_CV = 0.3

# Arousal dynamics: a fast neural part n follows the drive, adrenaline h follows n slowly.
_N_TAU_S = (6.0, 40.0)
_H_TAU_S = (100.0, 360.0)
_HR_FROM_N, _HR_FROM_H = 0.7, 0.3
_VAGAL_FROM_N, _VAGAL_FROM_H = 0.8, 0.2
_VAGAL_WITHDRAWAL = 0.62
_WALK_VAGAL_WITHDRAWAL = 0.4
_TALK_VAGAL_WITHDRAWAL = 0.03
_EXCHANGE_TAU_S = (2.0, 4.0)
"""Vagal responses to what a partner says come and go within seconds."""
_AROUSAL_BREATHS_BPM = 4.0
_WALK_BREATHS_BPM = 4.0

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


def flooding_threshold_bpm(resting_hr_bpm: float) -> float:
    """Gottman's flooding line: rest + max(10 bpm, 10 % of rest)."""
    return resting_hr_bpm + max(10.0, 0.1 * resting_hr_bpm)


@dataclass(frozen=True, slots=True)
class ArtifactTruth:
    """Where an artifact sits in the RR values actually sent."""

    index: int
    """Position in all delivered rr_ms concatenated: the first RR the artifact altered."""
    t_s: float
    """True time of the beat that ends that RR (for a missed beat: the beat after the gap)."""
    kind: str


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

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True, slots=True)
class Curves:
    """Noise-free physiology once per second (index i is t = i s), to check the truth."""

    hr_bpm: tuple[float, ...]
    emotional_hr_bpm: tuple[float, ...]
    """hr_bpm without the part due to movement: what the flooding criterion uses."""
    vagal: tuple[float, ...]
    """Vagal level, 1 at rest: scales RSA, so RMSSD follows it."""
    arousal: tuple[float, ...]
    """Emotional arousal 0..1: the share of arousal_hr_bpm added to heart rate."""
    breathing_rate_bpm: tuple[float, ...]


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


@dataclass(frozen=True, slots=True)
class _Person:
    resting_hr_bpm: float
    resting_rmssd_ms: float
    resonance_rate_bpm: float
    breathing_rate_bpm: float
    arousal_hr_bpm: float
    walk_hr_bpm: float
    talk_hr_bpm: float
    paced_drop_bpm: float
    walk_motion_g: float


@dataclass(slots=True)
class _Plan:
    """Schedules on the control grid, plus what the scenario asks of the strap."""

    t_s: np.ndarray
    drive: np.ndarray
    walking: np.ndarray
    talking: np.ndarray
    paced_rate_bpm: np.ndarray
    """NaN where breathing is spontaneous."""
    phases: list[tuple[str, float, float]]
    break_start_s: float | None = None
    talk_raises_hr: bool = True
    """False in argument, where the arousal waves already hold what talking adds."""
    ectopic_fraction: float = 0.0
    missed_fraction: float = 0.0
    extra_fraction: float = 0.0
    lost_count: int = 0
    contact_lost: tuple[tuple[float, float], ...] = ()
    exchange: np.ndarray | None = None
    """Moment-to-moment arousal of a conversation (couples), felt within seconds."""


def simulate(
    scenario: str, seed: int = 0, minutes: float | None = None, **overrides: Any
) -> Recording:
    """One seeded recording of a named scenario, with its ground truth.

    The seed is the person (resting HR, RMSSD, resonance, breathing rate...), the
    same in every scenario; ``minutes`` scales the scenario's phases (physiological
    time constants stay as they are). Overrides: see docs/scenarios.md.
    """
    if scenario not in SCENARIOS:
        raise BadInput(f"unknown scenario {scenario!r}: choose one of {', '.join(SCENARIOS)}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise BadInput(f"simulated {scenario}: seed {seed!r} must be a whole number, 0 or more")
    if minutes is None:
        minutes = _DEFAULT_MINUTES[scenario]
    if not isinstance(minutes, int | float) or not 0.25 <= minutes <= 24 * 60:
        raise BadInput(f"simulated {scenario}: minutes {minutes!r} must be between 0.25 and 1440")
    _check_overrides(scenario, overrides)
    duration_s = float(minutes) * 60.0
    seed = int(seed)
    person = _person(seed, overrides)
    rng = np.random.default_rng([seed, zlib.crc32(scenario.encode())])
    plan = _plan(scenario, duration_s, person, rng, overrides)
    return _render(scenario, seed, duration_s, person, plan, rng)


def _render(
    scenario: str,
    seed: int,
    duration_s: float,
    person: _Person,
    plan: _Plan,
    rng: np.random.Generator,
) -> Recording:
    """A planned scenario made into beats and notifications, with its truth."""
    phys = _physiology(plan, person, rng)
    beat_t_s = _beats(phys, rng)
    heart, artifacts, lost, contact_lost = _strap(beat_t_s, plan, duration_s, rng)
    motion = _motion(plan, person, duration_s, rng) if plan.walking.any() else []
    samples = tuple(sorted([*heart, *motion], key=lambda s: s.t_s))
    truth = Truth(
        scenario=scenario,
        seed=seed,
        duration_s=duration_s,
        resting_hr_bpm=person.resting_hr_bpm,
        resting_rmssd_ms=person.resting_rmssd_ms,
        resonance_rate_bpm=person.resonance_rate_bpm,
        breathing_rate_bpm=person.breathing_rate_bpm,
        flooded=_flooded(plan.t_s, phys["emotional_hr_bpm"], person, duration_s),
        break_start_s=plan.break_start_s,
        artifacts=artifacts,
        lost=lost,
        contact_lost=contact_lost,
        motion=bool(motion),
        phases=tuple(plan.phases),
    )
    return Recording(samples=samples, truth=truth, curves=_curves(plan.t_s, phys, duration_s))


def _check_overrides(scenario: str, overrides: dict[str, Any]) -> None:
    for name, value in overrides.items():
        where = f"simulated {scenario}: override {name}={value!r}"
        if name == "contact_lost":
            try:
                spans = [(float(a), float(b)) for a, b in value]
            except (TypeError, ValueError):
                raise BadInput(f"{where} must be pairs (start_s, end_s)") from None
            if not all(0.0 <= a < b for a, b in spans):
                raise BadInput(f"{where}: each span needs 0 <= start_s < end_s")
            continue
        if name not in _OVERRIDES:
            raise BadInput(f"{where} is not known: use one of {', '.join(_OVERRIDE_NAMES)}")
        low, high = _OVERRIDES[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise BadInput(f"{where} must be a number between {low:g} and {high:g}")
        if not low <= value <= high or (name == "lost_count" and value != int(value)):
            raise BadInput(f"{where} must be between {low:g} and {high:g}")


def _person(seed: int, overrides: dict[str, Any]) -> _Person:
    """The seed's person: every draw is made, then overrides replace, so nothing else moves."""
    rng = np.random.default_rng([seed, 0])
    u_hr, u_rmssd, u_res, u_breath, u_arousal, u_walk, u_talk, u_drop, u_g = rng.uniform(size=9)
    fitness = float(np.clip(0.6 * (1.0 - u_hr) + 0.4 * u_rmssd, 0.0, 1.0))
    values = {
        "resting_hr_bpm": 55.0 + 25.0 * u_hr,
        "resting_rmssd_ms": 25.0 * (70.0 / 25.0) ** fitness,
        "resonance_rate_bpm": 4.5 + 2.0 * u_res,
        "breathing_rate_bpm": 11.0 + 6.0 * u_breath,
        "arousal_hr_bpm": 36.0 + 14.0 * u_arousal,
        "walk_hr_bpm": 17.0 + 11.0 * u_walk,
        "talk_hr_bpm": 5.5 + 2.0 * u_talk,
        "paced_drop_bpm": 2.0 + 2.0 * u_drop,
        "walk_motion_g": 0.2 + 0.15 * u_g,
    }
    values.update({k: float(v) for k, v in overrides.items() if k in values})
    return _Person(**values)


def _window(t_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return ((t_s >= start_s) & (t_s < end_s)).astype(float)


def _rest_plan(duration_s: float) -> _Plan:
    t_s = np.arange(-_LEAD_S - 2.0, duration_s + 3.0, _CONTROL_DT_S)
    zeros = np.zeros_like(t_s)
    return _Plan(
        t_s=t_s,
        drive=zeros,
        walking=zeros,
        talking=zeros,
        paced_rate_bpm=np.full_like(t_s, np.nan),
        phases=[("rest", 0.0, duration_s)],
    )


def _plan(
    scenario: str,
    duration_s: float,
    person: _Person,
    rng: np.random.Generator,
    overrides: dict[str, Any],
) -> _Plan:
    scale = duration_s / (_DEFAULT_MINUTES[scenario] * 60.0)
    paced_rate_bpm = float(overrides.get("paced_rate_bpm", 6.0))
    plan = _rest_plan(duration_s)
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
    elif scenario == "argument":
        _plan_argument(plan, duration_s, scale, person, rng, paced_rate_bpm)
    elif scenario == "resonance":
        _plan_resonance(plan, duration_s, scale)
    elif scenario == "ectopic":
        plan.ectopic_fraction = 0.05
    elif scenario == "dropouts":
        plan.lost_count = 6
        start_s = float(rng.uniform(0.3, 0.6)) * duration_s
        plan.contact_lost = ((start_s, min(start_s + 30.0, duration_s)),)
    for name in ("ectopic_fraction", "missed_fraction", "extra_fraction"):
        if name in overrides:
            setattr(plan, name, float(overrides[name]))
    if "lost_count" in overrides:
        plan.lost_count = int(overrides["lost_count"])
    if "contact_lost" in overrides:
        plan.contact_lost = tuple((float(a), float(b)) for a, b in overrides["contact_lost"])
    return plan


def _plan_argument(
    plan: _Plan,
    duration_s: float,
    scale: float,
    person: _Person,
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
    peak = float(_arousal(waves * before)[0][before].max())
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


def _plan_resonance(plan: _Plan, duration_s: float, scale: float) -> None:
    """Each rate of the assessment for a block, rest between: the person breathes at the
    pacer's rate (the phase of each breath is their own)."""
    start_s = RESONANCE_LEAD_S * scale
    phases = [("rest", 0.0, start_s)]
    for i, rate_bpm in enumerate(RESONANCE_RATES_BPM):
        end_s = start_s + RESONANCE_PACED_S * scale
        on = _window(plan.t_s, start_s, end_s) > 0
        plan.paced_rate_bpm = np.where(on, rate_bpm, plan.paced_rate_bpm)
        phases.append((f"paced-{rate_bpm:g}", start_s, end_s))
        if i < len(RESONANCE_RATES_BPM) - 1:
            phases.append(("rest", end_s, end_s + RESONANCE_REST_S * scale))
        start_s = end_s + RESONANCE_REST_S * scale
    if end_s < duration_s:
        phases.append(("rest", end_s, duration_s))
    plan.phases = phases


def _lag(x: np.ndarray, tau_up_s: float, tau_down_s: float) -> np.ndarray:
    """First-order response on the control grid, rising and falling at different speeds."""
    if not x.any() or np.all(x == x[0]):
        return x.astype(float).copy()
    a_up = 1.0 - math.exp(-_CONTROL_DT_S / tau_up_s)
    a_down = 1.0 - math.exp(-_CONTROL_DT_S / tau_down_s)
    y = float(x[0])
    out = []
    for u in x.tolist():
        y += (u - y) * (a_up if u > y else a_down)
        out.append(y)
    return np.array(out)


def _arousal(drive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(heart-rate arousal, vagal-withdrawal arousal), both 0..1."""
    n = _lag(drive, *_N_TAU_S)
    h = _lag(n, *_H_TAU_S)
    return _HR_FROM_N * n + _HR_FROM_H * h, _VAGAL_FROM_N * n + _VAGAL_FROM_H * h


def _smooth_noise(rng: np.random.Generator, n: int, dt_s: float, corr_s: float) -> np.ndarray:
    """Unit-variance Gaussian noise correlated over about corr_s."""
    f_hz = np.fft.rfftfreq(n, dt_s)
    x = np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) * np.exp(-((f_hz * corr_s) ** 2)), n)
    return x / x.std()


def _pink_gain(f_hz: np.ndarray) -> np.ndarray:
    """Amplitude gain of the 1/f noise: 1/f power from 1/300 Hz, fading above 0.3 Hz."""
    gain = np.exp(-((f_hz / 0.3) ** 2)) / np.sqrt(np.maximum(f_hz, 1.0 / 300.0))
    return np.where(f_hz > 0, gain, 0.0)


def _pink_noise(rng: np.random.Generator, n: int, dt_s: float) -> np.ndarray:
    x = np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) * _pink_gain(np.fft.rfftfreq(n, dt_s)), n)
    return x / x.std()


def _resonance_gain(rate_bpm: np.ndarray | float, resonance_bpm: float) -> np.ndarray:
    """RSA amplitude gain: 1 at ordinary rates, 5 at the person's resonance rate."""
    z = (np.asarray(rate_bpm) - resonance_bpm) / _RESONANCE_WIDTH_BPM
    return 1.0 + _RESONANCE_GAIN * np.exp(-0.5 * z * z)


def _saturate(rsa_ms: Any, ceiling_ms: Any) -> Any:
    """Linear at ordinary amplitudes, levelling off at the ceiling (a soft knee)."""
    return rsa_ms / (1.0 + (rsa_ms / ceiling_ms) ** _KNEE) ** (1.0 / _KNEE)


def _variability_scale_ms(person: _Person) -> float:
    """The k that makes resting RMSSD the person's resting_rmssd_ms.

    RMSSD comes from the spectra of the parts: a component of amplitude A at f Hz,
    averaged over a beat by IPFM and sampled once a beat (T s), gives successive
    differences of variance 2 (A sinc fT)^2 sin^2(pi f T). RSA saturates, so k is
    found by bisection.
    """
    period_ms = 60000.0 / person.resting_hr_bpm
    beat_s = period_ms / 1000.0

    def diff_var(f_hz: np.ndarray | float) -> Any:
        return 4.0 * np.sinc(np.asarray(f_hz) * beat_s) ** 2 * np.sin(np.pi * f_hz * beat_s) ** 2

    f_hz = np.linspace(0.0, 1.0 / (2 * _CONTROL_DT_S), 4000)
    power = _pink_gain(f_hz) ** 2
    per_k2 = (
        0.5 * _MAYER_SHARE**2 * 1.09 * diff_var(_MAYER_HZ)
        + _PINK_SHARE**2 * float(np.sum(power * diff_var(f_hz)) / np.sum(power))
        + 6.0 * _JITTER_SHARE**2
    )
    rsa_per_amp2 = 0.5 * (1.0 + _DEPTH_CV**2) * diff_var(person.breathing_rate_bpm / 60.0)
    quantisation = 0.5 * (1000.0 / _TICKS_PER_S) ** 2
    gain = float(_resonance_gain(person.breathing_rate_bpm, person.resonance_rate_bpm))
    ceiling_ms = _RSA_CEILING_SHARE * period_ms
    target = person.resting_rmssd_ms**2
    low, high = 0.0, 1000.0
    for _ in range(50):
        k_ms = 0.5 * (low + high)
        rsa_ms = _saturate(k_ms * gain, ceiling_ms)
        if rsa_ms**2 * rsa_per_amp2 + k_ms**2 * per_k2 + quantisation < target:
            low = k_ms
        else:
            high = k_ms
    return 0.5 * (low + high)


def _physiology(plan: _Plan, person: _Person, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Slow quantities on the control grid: noise-free HR, vagal level, breathing, RSA."""
    t_s = plan.t_s
    n = t_s.size
    a_hr, a_vagal = _arousal(plan.drive)
    if plan.exchange is not None:
        fast = _lag(plan.exchange, *_EXCHANGE_TAU_S)
        a_hr, a_vagal = np.maximum(a_hr + fast, 0.0), np.maximum(a_vagal + fast, 0.0)
    walk = _lag(plan.walking, 30.0, 60.0)
    talk = _lag(plan.talking, 10.0, 20.0)
    talk_hr = talk * plan.talk_raises_hr
    paced = _lag(np.isfinite(plan.paced_rate_bpm).astype(float), 20.0, 20.0)
    emotional_hr_bpm = (
        person.resting_hr_bpm
        + person.arousal_hr_bpm * a_hr
        + person.talk_hr_bpm * talk_hr
        - person.paced_drop_bpm * paced
    )
    hr_bpm = emotional_hr_bpm + person.walk_hr_bpm * walk
    vagal = np.clip(
        1.0
        - _VAGAL_WITHDRAWAL * a_vagal
        - _WALK_VAGAL_WITHDRAWAL * walk
        - _TALK_VAGAL_WITHDRAWAL * talk_hr,
        0.1,
        None,
    )
    talking = plan.talking > 0
    rate_noise = np.where(
        talking,
        np.clip(_TALK_RATE_CV * _smooth_noise(rng, n, _CONTROL_DT_S, 3.0), _TALK_RATE_LOW, 0.6),
        _RATE_CV * _smooth_noise(rng, n, _CONTROL_DT_S, 8.0),
    )
    spontaneous_bpm = (
        person.breathing_rate_bpm * (1.0 + rate_noise)
        + _AROUSAL_BREATHS_BPM * a_vagal
        + _WALK_BREATHS_BPM * walk
    )
    pacer_bpm = plan.paced_rate_bpm * (1.0 + 0.02 * _smooth_noise(rng, n, _CONTROL_DT_S, 8.0))
    breathing_bpm = np.maximum(np.where(np.isfinite(pacer_bpm), pacer_bpm, spontaneous_bpm), 2.0)
    depth = np.maximum(
        np.where(talking, _TALK_DEPTH, 1.0)
        + np.where(talking, _TALK_DEPTH_CV, _DEPTH_CV) * _smooth_noise(rng, n, _CONTROL_DT_S, 6.0),
        0.2,
    )
    gain = _lag(_resonance_gain(breathing_bpm, person.resonance_rate_bpm), 10.0, 10.0)
    period_ms = 60000.0 / hr_bpm
    k_ms = _variability_scale_ms(person)
    ceiling_ms = _RSA_CEILING_SHARE * period_ms
    rsa_ms = _saturate(k_ms * vagal * gain * depth, ceiling_ms)
    linear = period_ms * person.resting_hr_bpm / 60000.0
    mayer_ms = k_ms * _MAYER_SHARE * linear * (1 + 0.3 * _smooth_noise(rng, n, _CONTROL_DT_S, 20.0))
    pink_sd_ms = k_ms * _PINK_SHARE * linear
    # Beats follow 1/period, whose mean exceeds 1/mean period (Jensen): centre the period
    # so that the mean beat rate is the noise-free heart rate.
    centre_ms = np.sqrt(period_ms**2 + rsa_ms**2 + mayer_ms**2 + 2 * pink_sd_ms**2)
    return {
        "t_s": t_s,
        "hr_bpm": hr_bpm,
        "emotional_hr_bpm": emotional_hr_bpm,
        "arousal": a_hr,
        "vagal": vagal,
        "breathing_bpm": breathing_bpm,
        "inspiration": _INSPIRATION - (_INSPIRATION - _TALK_INSPIRATION) * talk,
        "rsa_ms": rsa_ms,
        "period_ms": centre_ms,
        "mayer_ms": mayer_ms,
        "mayer_hz": _MAYER_HZ * (1 + 0.05 * _smooth_noise(rng, n, _CONTROL_DT_S, 30.0)),
        "pink_ms": pink_sd_ms * _pink_noise(rng, n, _CONTROL_DT_S),
        "jitter_ms": k_ms * _JITTER_SHARE * vagal,
    }


def _lung(cycle: np.ndarray, inspiration: np.ndarray) -> np.ndarray:
    """Lung volume -1..1 over a breath (cycle 0..1): a quicker inhalation, a longer exhalation."""
    inhaling = cycle < inspiration
    rise = -np.cos(np.pi * cycle / inspiration)
    fall = np.cos(np.pi * (cycle - inspiration) / (1.0 - inspiration))
    return np.where(inhaling, rise, fall)


def _beats(phys: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """True beat times: IPFM of the heart period, built on the fine grid."""
    t_c = phys["t_s"]
    t_f = np.arange(t_c[0], t_c[-1], _FINE_DT_S)

    def fine(name: str) -> np.ndarray:
        return np.interp(t_f, t_c, phys[name])

    breaths = np.cumsum(fine("breathing_bpm")) * (_FINE_DT_S / 60.0) + rng.uniform()
    lung = _lung(breaths % 1.0, fine("inspiration"))
    mayer = 2 * np.pi * np.cumsum(fine("mayer_hz")) * _FINE_DT_S + rng.uniform(0, 2 * np.pi)
    period_ms = (
        fine("period_ms")
        - fine("rsa_ms") * lung
        + fine("mayer_ms") * np.sin(mayer)
        + fine("pink_ms")
    )
    rate_hz = 1000.0 / np.maximum(period_ms, 250.0)
    pulses = np.concatenate(([0.0], np.cumsum(0.5 * (rate_hz[1:] + rate_hz[:-1]) * _FINE_DT_S)))
    beat_t_s = np.interp(np.arange(rng.uniform(), pulses[-1], 1.0), pulses, t_f)
    jitter_ms = np.interp(beat_t_s, t_c, phys["jitter_ms"])
    return beat_t_s + rng.standard_normal(beat_t_s.size) * jitter_ms / 1000.0


def _with_artifacts(
    beat_t_s: np.ndarray, plan: _Plan, duration_s: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Beat times as the strap detects them, and per beat the artifact (1-based kind) it starts.

    Ectopic: the beat comes early (50-70 % of its RR) and the next one keeps its time
    (full compensatory pause). Missed: a beat is not detected (two RR merge). Extra: a
    spurious detection splits an RR (40-60 %). Artifacts are at least 3 beats apart.
    """
    kinds = np.zeros(beat_t_s.size, np.int8)
    fractions = (plan.ectopic_fraction, plan.missed_fraction, plan.extra_fraction)
    eligible = np.flatnonzero((beat_t_s > 2.0) & (beat_t_s < duration_s - 3.0))
    counts = [round(f * eligible.size) for f in fractions]
    total = min(sum(counts), (eligible.size + 2) // 3)
    if total <= 0:
        return beat_t_s, kinds
    labels = rng.permutation(np.repeat(np.arange(1, 4, dtype=np.int8), counts))[:total]
    slots = eligible.size - 2 * (total - 1)
    chosen = eligible[np.sort(rng.choice(slots, total, replace=False)) + 2 * np.arange(total)]
    times = beat_t_s.copy()
    ectopic = chosen[labels == 1]
    coupling = rng.uniform(0.5, 0.7, ectopic.size)
    times[ectopic] = times[ectopic - 1] + coupling * (times[ectopic] - times[ectopic - 1])
    kinds[ectopic] = 1
    missed = chosen[labels == 2]
    kinds[missed + 1] = 2
    keep = np.ones(times.size, bool)
    keep[missed] = False
    extra = chosen[labels == 3]
    split = rng.uniform(0.4, 0.6, extra.size)
    extra_t_s = times[extra - 1] + split * (times[extra] - times[extra - 1])
    all_t_s = np.concatenate((times[keep], extra_t_s))
    all_kinds = np.concatenate((kinds[keep], np.full(extra.size, 3, np.int8)))
    order = np.argsort(all_t_s, kind="stable")
    return all_t_s[order], all_kinds[order]


def _lost_runs(eligible: np.ndarray, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """count runs of 1-3 consecutive notifications, at least 3 delivered between runs."""
    count = min(count, eligible.size // 6)
    if count <= 0:
        return []
    slots = eligible.size - 5 * (count - 1) - 2
    starts = np.sort(rng.choice(slots, count, replace=False)) + 5 * np.arange(count)
    runs = []
    for start, length in zip(starts.tolist(), rng.integers(1, 4, count).tolist(), strict=True):
        run = eligible[start : start + length]
        runs.append(run[run - run[0] == np.arange(run.size)])
    return runs


def _strap(
    beat_t_s: np.ndarray, plan: _Plan, duration_s: float, rng: np.random.Generator
) -> tuple[
    list[HeartSample],
    tuple[ArtifactTruth, ...],
    tuple[tuple[float, float], ...],
    tuple[tuple[float, float], ...],
]:
    """Notifications as a strap sends them: ~1 Hz, the RR completed since the last one."""
    period_s = _NOTIFY_PERIOD_S * (1.0 + rng.uniform(-0.002, 0.002))
    notify_s = np.arange(rng.uniform(0.05, 1.0), duration_s, period_s)
    arrive_s = notify_s + rng.uniform(*_LATENCY_S, notify_s.size)
    times_s, kinds = _with_artifacts(beat_t_s, plan, duration_s, rng)
    ticks = np.round(times_s * _TICKS_PER_S).astype(np.int64)
    beat_q_s = ticks / _TICKS_PER_S
    contact_lost = tuple((a, min(b, duration_s)) for a, b in plan.contact_lost if a < duration_s)
    detected = np.ones(times_s.size, bool)
    contact = np.ones(notify_s.size, bool)
    for start_s, end_s in contact_lost:
        detected &= ~((times_s >= start_s) & (times_s <= end_s))
        contact &= ~((notify_s >= start_s) & (notify_s <= end_s))
    has_rr = detected.copy()
    has_rr[0] = False
    has_rr[1:] &= detected[:-1]
    rr_ticks = np.diff(ticks, prepend=ticks[0])
    notice = np.searchsorted(notify_s, beat_q_s, side="left")
    streamed = (beat_q_s > notify_s[0] - period_s) & (notice < notify_s.size)
    lost = np.zeros(notify_s.size, bool)
    eligible = np.flatnonzero(contact)
    eligible = eligible[(eligible >= 3) & (eligible < notify_s.size - 3)]
    runs = _lost_runs(eligible, plan.lost_count, rng)
    for run in runs:
        lost[run] = True
    notice_ok = np.zeros(notify_s.size + 1, bool)
    notice_ok[:-1] = contact & ~lost
    delivered = has_rr & streamed & notice_ok[np.minimum(notice, notify_s.size)]

    valid = np.flatnonzero(has_rr)
    hr_bpm = np.zeros(notify_s.size, np.int64)
    if valid.size:
        rr_valid_ms = rr_ms_from_ticks(rr_ticks[valid])
        padded = np.concatenate((np.repeat(rr_valid_ms[:1], 4), rr_valid_ms))
        estimate = 60000.0 / np.median(np.lib.stride_tricks.sliding_window_view(padded, 5), 1)
        last = np.searchsorted(beat_q_s[valid], notify_s, side="right") - 1
        fresh = (last >= 0) & (beat_q_s[valid][np.maximum(last, 0)] > notify_s - _HR_WINDOW_S)
        hr_bpm = np.where(fresh & contact, np.round(estimate[np.maximum(last, 0)]), 0).astype(int)

    sent = np.flatnonzero(delivered)
    rr_sent_ms = rr_ms_from_ticks(rr_ticks[sent]).tolist()
    bounds = np.searchsorted(notice[sent], np.arange(notify_s.size + 1))
    samples = []
    for i in np.flatnonzero(~lost).tolist():
        rr_ms = tuple(rr_sent_ms[bounds[i] : bounds[i + 1]])
        hr = int(hr_bpm[i])
        on = bool(contact[i])
        raw = hrm.encode_heart_rate(hr, rr_ms, on, None)
        samples.append(HeartSample(float(arrive_s[i]), hr, rr_ms, on, None, raw))

    position = np.cumsum(delivered) - 1
    marked = np.flatnonzero((kinds > 0) & delivered)
    artifacts = tuple(
        ArtifactTruth(int(position[j]), float(times_s[j]), ARTIFACT_KINDS[kinds[j] - 1])
        for j in marked.tolist()
    )
    lost_spans = tuple((float(arrive_s[r[0]]), float(arrive_s[r[-1]])) for r in runs)
    return samples, artifacts, lost_spans, contact_lost


def _motion(
    plan: _Plan, person: _Person, duration_s: float, rng: np.random.Generator
) -> list[MotionSample]:
    """1 Hz dynamic acceleration (g, gravity removed) as a chest accelerometer gives it."""
    n = int(duration_s)
    t_s = np.arange(n) + 0.5 + rng.uniform(0.002, 0.02, n)
    walking = np.interp(t_s, plan.t_s, _lag(plan.walking, 1.5, 1.5))
    still_g = 0.01 * (1.0 + 0.3 * np.abs(rng.standard_normal(n)))
    stride_g = person.walk_motion_g * (1.0 + 0.15 * rng.standard_normal(n))
    motion_g = np.maximum(still_g + walking * stride_g, 0.0)
    return [MotionSample(t, g) for t, g in zip(t_s.tolist(), motion_g.tolist(), strict=True)]


def _flooded(
    t_s: np.ndarray, emotional_hr_bpm: np.ndarray, person: _Person, duration_s: float
) -> tuple[tuple[float, float], ...]:
    """Spans where the noise-free, non-movement HR is at or over the flooding line."""
    excess = emotional_hr_bpm - flooding_threshold_bpm(person.resting_hr_bpm)
    inside = (t_s >= 0.0) & (t_s <= duration_s)
    t_s, excess = t_s[inside], excess[inside]
    above = excess >= 0
    edges = np.flatnonzero(above[1:] != above[:-1])
    crossings = t_s[edges] + excess[edges] / (excess[edges] - excess[edges + 1]) * _CONTROL_DT_S
    marks = crossings.tolist()
    if above[0]:
        marks.insert(0, 0.0)
    if above[-1]:
        marks.append(duration_s)
    return tuple((float(a), float(b)) for a, b in zip(marks[::2], marks[1::2], strict=True))


def _curves(t_s: np.ndarray, phys: dict[str, np.ndarray], duration_s: float) -> Curves:
    seconds = np.arange(int(duration_s) + 1, dtype=float)

    def at(name: str) -> tuple[float, ...]:
        return tuple(np.interp(seconds, t_s, phys[name]).tolist())

    return Curves(
        hr_bpm=at("hr_bpm"),
        emotional_hr_bpm=at("emotional_hr_bpm"),
        vagal=at("vagal"),
        arousal=at("arousal"),
        breathing_rate_bpm=at("breathing_bpm"),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --- couples -------------------------------------------------------------------------------

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

PARTNERS = ("A", "B")
"""Partner 0 is A, partner 1 is B; in a couple of seed s, A is person 2s and B person 2s + 1."""

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

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True, slots=True)
class CoupleRecording:
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
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise BadInput(f"simulated {scenario}: seed {seed!r} must be a whole number, 0 or more")
    if minutes is None:
        minutes = _COUPLE_DEFAULT_MINUTES[scenario]
    if not isinstance(minutes, int | float) or not 0.25 <= minutes <= 24 * 60:
        raise BadInput(f"simulated {scenario}: minutes {minutes!r} must be between 0.25 and 1440")
    duration_s = float(minutes) * 60.0
    seed = int(seed)
    seeds = (2 * seed, 2 * seed + 1)
    persons = (_person(seeds[0], {}), _person(seeds[1], {}))
    tag = zlib.crc32(scenario.encode())
    rngs = (np.random.default_rng([seeds[0], tag]), np.random.default_rng([seeds[1], tag]))
    couple_rng = np.random.default_rng([seed, tag, len(PARTNERS)])
    leader: int | None = None
    lag_s = onset_lag_s = None
    coupling = 0.0
    if scenario == "couple-calm":
        plans = (_rest_plan(duration_s), _rest_plan(duration_s))
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
    a, b = (_render(scenario, seeds[p], duration_s, persons[p], plans[p], rngs[p]) for p in (0, 1))
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
    person: _Person,
    rng: np.random.Generator,
    surge_delay_s: float | None,
    *,
    stirred: bool,
) -> _Plan:
    """One partner's own part of the argument: their waves, surge and heated minutes.

    ``stirred``: the partner never floods; their arousal is held at a share of the way to
    the line (heart-rate arousal settles at the drive's level, so a cap on the drive holds).
    """
    plan = _rest_plan(duration_s)
    _plan_argument(
        plan,
        duration_s,
        scale,
        person,
        rng,
        6.0,
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
    plans: tuple[_Plan, ...],
    persons: tuple[_Person, ...],
    leader: int,
    lag_s: float,
    rng: np.random.Generator,
) -> None:
    """Add the conversation's moment-to-moment arousal while they talk: the leader's own,
    and the follower's, which is the leader's of ``lag_s`` before plus their own part."""
    t_s = plans[0].t_s
    own_lead = _smooth_noise(rng, t_s.size, _CONTROL_DT_S, _EXCHANGE_CORR_S)
    own_follow = _smooth_noise(rng, t_s.size, _CONTROL_DT_S, _EXCHANGE_CORR_S)
    follow = (
        _COUPLING * np.interp(t_s - lag_s, t_s, own_lead)
        + math.sqrt(1.0 - _COUPLING**2) * own_follow
    )
    for p, exchange in ((leader, own_lead), (1 - leader, follow)):
        person = persons[p]
        margin_bpm = flooding_threshold_bpm(person.resting_hr_bpm) - person.resting_hr_bpm
        size = _EXCHANGE_SHARE * margin_bpm / person.arousal_hr_bpm
        plans[p].exchange = size * exchange * plans[p].talking * (_EXCHANGE_FLOOR + plans[p].drive)

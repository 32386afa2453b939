"""A simulated person's heart: who they are, what moves their heart, and its beats.

A heart period is built on a 0.5 s control grid (resting level, an arousal drive with a fast
sympathetic/vagal part and a slow adrenaline tail, movement, talking, paced breathing) and on
a 0.1 s fine grid (respiratory sinus arrhythmia with a per-person resonance rate, Mayer waves,
1/f noise). Beats come from integral pulse frequency modulation (IPFM) of that period. What
the person does comes in as a Plan; the strap that sees the beats is strap.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from pausepoint.model import RR_QUANTUM_MS

CONTROL_DT_S = 0.5
_FINE_DT_S = 0.1
_LEAD_S = 6.0
"""Beats start before session time 0, as from a strap that was already on."""


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


def flooding_threshold_bpm(resting_hr_bpm: float) -> float:
    """Gottman's flooding line: rest + max(10 bpm, 10 % of rest)."""
    return resting_hr_bpm + max(10.0, 0.1 * resting_hr_bpm)


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
class Person:
    """One seed's physiology: the same person in every scenario."""

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
class Plan:
    """What a scenario asks: schedules on the control grid for the body, and of the strap."""

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
    optical: bool = False
    """An optical sensor (arm band, ear clip): no contact flag, heart rate held through gaps."""
    sensor_gaps: tuple[tuple[float, float], ...] = ()
    """Spans (session time) when an optical sensor finds no beats."""
    beat_error_ms: float = 0.0
    """Largest error in a detected beat's time: each RR is off by up to twice this."""
    rhythm: str = "sinus"
    bigeminy_share: float = 0.5
    """With rhythm "bigeminy": the share of episodes every 2nd beat is premature (else
    every 3rd)."""
    """"bigeminy": premature beats in a pattern (every 2nd or 3rd beat, in episodes);
    "irregular": every interval irregular, with no pattern (as in atrial fibrillation)."""


def draw_person(seed: int, overrides: Mapping[str, float]) -> Person:
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
    return Person(**values)


def rest_plan(duration_s: float) -> Plan:
    """A person sitting still and breathing as usual: what every scenario starts from."""
    t_s = np.arange(-_LEAD_S - 2.0, duration_s + 3.0, CONTROL_DT_S)
    zeros = np.zeros_like(t_s)
    return Plan(
        t_s=t_s,
        drive=zeros,
        walking=zeros,
        talking=zeros,
        paced_rate_bpm=np.full_like(t_s, np.nan),
        phases=[("rest", 0.0, duration_s)],
    )


def lag(x: np.ndarray, tau_up_s: float, tau_down_s: float) -> np.ndarray:
    """First-order response on the control grid, rising and falling at different speeds."""
    if not x.any() or np.all(x == x[0]):
        return x.astype(float).copy()
    a_up = 1.0 - math.exp(-CONTROL_DT_S / tau_up_s)
    a_down = 1.0 - math.exp(-CONTROL_DT_S / tau_down_s)
    y = float(x[0])
    out = []
    for u in x.tolist():
        y += (u - y) * (a_up if u > y else a_down)
        out.append(y)
    return np.array(out)


def arousal(drive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(heart-rate arousal, vagal-withdrawal arousal), both 0..1."""
    n = lag(drive, *_N_TAU_S)
    h = lag(n, *_H_TAU_S)
    return _HR_FROM_N * n + _HR_FROM_H * h, _VAGAL_FROM_N * n + _VAGAL_FROM_H * h


def smooth_noise(rng: np.random.Generator, n: int, dt_s: float, corr_s: float) -> np.ndarray:
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


_Amplitude = TypeVar("_Amplitude", float, np.ndarray)


def _saturate(rsa_ms: _Amplitude, ceiling_ms: _Amplitude) -> _Amplitude:
    """Linear at ordinary amplitudes, levelling off at the ceiling (a soft knee)."""
    return rsa_ms / (1.0 + (rsa_ms / ceiling_ms) ** _KNEE) ** (1.0 / _KNEE)


def _variability_scale_ms(person: Person) -> float:
    """The k that makes resting RMSSD the person's resting_rmssd_ms.

    RMSSD comes from the spectra of the parts: a component of amplitude A at f Hz,
    averaged over a beat by IPFM and sampled once a beat (T s), gives successive
    differences of variance 2 (A sinc fT)^2 sin^2(pi f T). RSA saturates, so k is
    found by bisection.
    """
    period_ms = 60000.0 / person.resting_hr_bpm
    beat_s = period_ms / 1000.0

    def diff_var(f_hz: np.ndarray | float) -> np.ndarray | float:
        return 4.0 * np.sinc(np.asarray(f_hz) * beat_s) ** 2 * np.sin(np.pi * f_hz * beat_s) ** 2

    f_hz = np.linspace(0.0, 1.0 / (2 * CONTROL_DT_S), 4000)
    power = _pink_gain(f_hz) ** 2
    per_k2 = (
        0.5 * _MAYER_SHARE**2 * 1.09 * diff_var(_MAYER_HZ)
        + _PINK_SHARE**2 * float(np.sum(power * diff_var(f_hz)) / np.sum(power))
        + 6.0 * _JITTER_SHARE**2
    )
    rsa_per_amp2 = 0.5 * (1.0 + _DEPTH_CV**2) * diff_var(person.breathing_rate_bpm / 60.0)
    quantisation = 0.5 * RR_QUANTUM_MS**2
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


def slow_physiology(plan: Plan, person: Person, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Slow quantities on the control grid: noise-free HR, vagal level, breathing, RSA."""
    t_s = plan.t_s
    n = t_s.size
    a_hr, a_vagal = arousal(plan.drive)
    if plan.exchange is not None:
        fast = lag(plan.exchange, *_EXCHANGE_TAU_S)
        a_hr, a_vagal = np.maximum(a_hr + fast, 0.0), np.maximum(a_vagal + fast, 0.0)
    walk = lag(plan.walking, 30.0, 60.0)
    talk = lag(plan.talking, 10.0, 20.0)
    talk_hr = talk * plan.talk_raises_hr
    paced = lag(np.isfinite(plan.paced_rate_bpm).astype(float), 20.0, 20.0)
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
        np.clip(_TALK_RATE_CV * smooth_noise(rng, n, CONTROL_DT_S, 3.0), _TALK_RATE_LOW, 0.6),
        _RATE_CV * smooth_noise(rng, n, CONTROL_DT_S, 8.0),
    )
    spontaneous_bpm = (
        person.breathing_rate_bpm * (1.0 + rate_noise)
        + _AROUSAL_BREATHS_BPM * a_vagal
        + _WALK_BREATHS_BPM * walk
    )
    pacer_bpm = plan.paced_rate_bpm * (1.0 + 0.02 * smooth_noise(rng, n, CONTROL_DT_S, 8.0))
    breathing_bpm = np.maximum(np.where(np.isfinite(pacer_bpm), pacer_bpm, spontaneous_bpm), 2.0)
    depth = np.maximum(
        np.where(talking, _TALK_DEPTH, 1.0)
        + np.where(talking, _TALK_DEPTH_CV, _DEPTH_CV) * smooth_noise(rng, n, CONTROL_DT_S, 6.0),
        0.2,
    )
    gain = lag(_resonance_gain(breathing_bpm, person.resonance_rate_bpm), 10.0, 10.0)
    period_ms = 60000.0 / hr_bpm
    k_ms = _variability_scale_ms(person)
    ceiling_ms = _RSA_CEILING_SHARE * period_ms
    rsa_ms = _saturate(k_ms * vagal * gain * depth, ceiling_ms)
    linear = period_ms * person.resting_hr_bpm / 60000.0
    mayer_ms = k_ms * _MAYER_SHARE * linear * (1 + 0.3 * smooth_noise(rng, n, CONTROL_DT_S, 20.0))
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
        "mayer_hz": _MAYER_HZ * (1 + 0.05 * smooth_noise(rng, n, CONTROL_DT_S, 30.0)),
        "pink_ms": pink_sd_ms * _pink_noise(rng, n, CONTROL_DT_S),
        "jitter_ms": k_ms * _JITTER_SHARE * vagal,
    }


def _lung(cycle: np.ndarray, inspiration: np.ndarray) -> np.ndarray:
    """Lung volume -1..1 over a breath (cycle 0..1): a quicker inhalation, a longer exhalation."""
    inhaling = cycle < inspiration
    rise = -np.cos(np.pi * cycle / inspiration)
    fall = np.cos(np.pi * (cycle - inspiration) / (1.0 - inspiration))
    return np.where(inhaling, rise, fall)


def beats(phys: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
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


_EPISODE_S = (40.0, 120.0)
"""Premature beats come in episodes of bigeminy or trigeminy, each lasting this long."""
_COUPLING = (0.55, 0.70)
"""A premature beat comes this early in its interval; the next keeps its time."""
_IRREGULAR_SD = 0.18
"""Spread of log RR in an irregular rhythm: a coefficient of variation near 18 %, as
atrial fibrillation's RR at rest has (15-25 %)."""


def rhythm(beat_t_s: np.ndarray, plan: Plan, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The heart's rhythm over its sinus beats: the beat times it gives, and the share of
    beats that are premature (0 for sinus and irregular rhythms)."""
    if plan.rhythm == "irregular":
        rr_s = np.diff(beat_t_s)
        spread = rng.lognormal(-0.5 * _IRREGULAR_SD**2, _IRREGULAR_SD, rr_s.size)
        return beat_t_s[0] + np.concatenate(([0.0], np.cumsum(rr_s * spread))), 0.0
    if plan.rhythm != "bigeminy":
        return beat_t_s, 0.0
    times = beat_t_s.copy()
    coupling = rng.uniform(*_COUPLING)
    premature = np.zeros(times.size, bool)
    start_s = float(beat_t_s[0])
    while start_s < beat_t_s[-1]:
        end_s = start_s + rng.uniform(*_EPISODE_S)
        every = 2 if rng.uniform() < plan.bigeminy_share else 3
        inside = np.flatnonzero((beat_t_s >= start_s) & (beat_t_s < end_s))
        premature[inside[inside % every == 0]] = True
        start_s = end_s
    premature[:2] = False
    early = np.flatnonzero(premature)
    jitter = rng.uniform(-0.02, 0.02, early.size)
    times[early] = times[early - 1] + (coupling + jitter) * (times[early] - times[early - 1])
    return times, float(premature.mean())


def flooded(
    t_s: np.ndarray, emotional_hr_bpm: np.ndarray, person: Person, duration_s: float
) -> tuple[tuple[float, float], ...]:
    """Spans where the noise-free, non-movement HR is at or over the flooding line."""
    excess = emotional_hr_bpm - flooding_threshold_bpm(person.resting_hr_bpm)
    inside = (t_s >= 0.0) & (t_s <= duration_s)
    t_s, excess = t_s[inside], excess[inside]
    above = excess >= 0
    edges = np.flatnonzero(above[1:] != above[:-1])
    crossings = t_s[edges] + excess[edges] / (excess[edges] - excess[edges + 1]) * CONTROL_DT_S
    marks = crossings.tolist()
    if above[0]:
        marks.insert(0, 0.0)
    if above[-1]:
        marks.append(duration_s)
    return tuple((float(a), float(b)) for a, b in zip(marks[::2], marks[1::2], strict=True))


def curves(t_s: np.ndarray, phys: dict[str, np.ndarray], duration_s: float) -> Curves:
    """The noise-free quantities once per second, for the recording's truth."""
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

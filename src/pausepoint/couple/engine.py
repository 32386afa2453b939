"""Couple mode: two people, two pipelines, one shared pause.

A check-in involves two nervous systems. When either partner floods, the conversation is
over for now, whoever is "right": the engine starts a shared pause at the first flood
(a break on both pipelines at that moment), runs one break timer for both, and calls the
couple ready only when both bodies have settled. Like the pipeline it is plain Python
with no clock of its own: it is fed one merged stream of ``(person, sample)`` in time
order (``push``), and time comes from the samples, so a replay is the live session.

Each partner's flooding is judged all the time, also during the pause: a pipeline makes
no flooding decisions in a break, so the engine runs a second flooding detector per
partner on the same judgements, never paused. A partner who floods after the pause began
is seen (their ``flooding_start``), and one who floods again after settling is sent back
to the pause (a new break on their pipeline).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from pausepoint.config import Config
from pausepoint.couple.linkage import LinkageConfig, LinkageWindow, hr_per_second, leader, linkage
from pausepoint.model import Baseline, Beat, Event, EventKind, Sample, State, Update
from pausepoint.pipeline.detector import FloodingDetector
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.words import break_length_text

PARTNERS = ("A", "B")
FLOODING_KINDS = (EventKind.FLOODING_START, EventKind.FLOODING_END)


class CoupleState(StrEnum):
    TOGETHER = "together"
    """Talking; nobody is flooded."""
    PAUSE = "pause"
    """Someone flooded: a shared pause runs until both bodies have settled."""
    READY = "ready"
    """Both have settled after the pause: a good moment to go back to the conversation."""


class CoupleEventKind(StrEnum):
    SHARED_PAUSE_START = "shared_pause_start"
    SHARED_READY = "shared_ready"


@dataclass(frozen=True, slots=True)
class CoupleEvent:
    t_s: float
    kind: CoupleEventKind
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"t_s": round(self.t_s, 3), "kind": str(self.kind), **self.detail}


@dataclass(frozen=True, slots=True)
class CoupleUpdate:
    """What the engine knows after one partner's sample."""

    person: int
    update: Update
    """That partner's Update; its events are theirs (flooding judged through the pause)."""
    couple_events: tuple[CoupleEvent, ...] = ()
    state: CoupleState = CoupleState.TOGETHER
    flooded: tuple[bool, bool] = (False, False)
    breaks: tuple[int, ...] = ()
    """Partners the engine itself put on a break at this moment (a pause it started, or a
    partner sent back), for the recorder to keep as actions. A pause the couple started
    is their own action, recorded as such."""

    @property
    def t_s(self) -> float:
        return self.update.t_s


class _Partner:
    """One partner: their pipeline, and a flooding detector that is never put on a break."""

    def __init__(
        self,
        config: Config,
        baseline: Baseline | None,
        baseline_window_s: tuple[float, float] | None,
        spectral: bool,
    ) -> None:
        self.config = config
        self.pipeline = Pipeline(
            config, baseline=baseline, baseline_window_s=baseline_window_s, spectral=spectral
        )
        self.watch = FloodingDetector(config.flooding, config.break_, config.signal)
        self.flooded = False
        self.ready = False
        self.last_t_s: float | None = None

    def judge(self) -> list[Event]:
        """The judgement the pipeline's own detector was just given, handed to the watcher;
        only its flooding events are kept (the pipeline reports the rest)."""
        assert self.pipeline.judgement is not None
        events = [e for e in self.watch.step(self.pipeline.judgement) if e.kind in FLOODING_KINDS]
        for event in events:
            self.flooded = event.kind == EventKind.FLOODING_START
        return events


class CoupleEngine:
    """Two pipelines fed from one merged stream; a shared pause; ready when both are.

    ``configs``: each partner's thresholds (a profile's overrides applied); ``baselines``:
    each partner's calm level from their profile, else learnt from the session (or from
    their ``baseline_windows_s``).
    """

    def __init__(
        self,
        configs: Sequence[Config],
        *,
        baselines: Sequence[Baseline | None] = (None, None),
        baseline_windows_s: Sequence[tuple[float, float] | None] = (None, None),
        spectral: bool = True,
    ) -> None:
        if not len(configs) == len(baselines) == len(baseline_windows_s) == len(PARTNERS):
            raise ValueError("a couple is two partners: give two of each")
        self._partners = [
            _Partner(configs[p], baselines[p], baseline_windows_s[p], spectral)
            for p in range(len(PARTNERS))
        ]
        self.state = CoupleState.TOGETHER
        self.pause_start_s: float | None = None
        self._pending: list[CoupleEvent] = []
        self._pending_breaks: list[int] = []

    def pipeline(self, person: int) -> Pipeline:
        return self._partners[person].pipeline

    @property
    def flooded(self) -> tuple[bool, bool]:
        a, b = self._partners
        return (a.flooded, b.flooded)

    def start_pause(self, t_s: float, by: str = "you") -> None:
        """The couple chose to pause (the events come out with the next update)."""
        self._pending += self._pause(t_s, by, engine=False)

    def push(self, person: int, sample: Sample) -> CoupleUpdate:
        return self._after(person, self._partners[person].pipeline.push(sample))

    def tick(self, person: int, t_s: float) -> CoupleUpdate | None:
        """Time passes with nothing from one partner's strap: once no beat has come for a
        while their state says it is looking for the pulse. Nothing else is judged, so a
        replay without ticks has the same events."""
        update = self._partners[person].pipeline.tick(t_s)
        if update is None:
            return None
        return CoupleUpdate(person, update, state=self.state, flooded=self.flooded)

    def finish(self) -> list[CoupleUpdate]:
        """End of stream: each partner's last update (beats held for look-ahead released)."""
        return [
            self._after(p, partner.pipeline.finish(partner.last_t_s))
            for p, partner in enumerate(self._partners)
            if partner.last_t_s is not None
        ]

    def _after(self, person: int, update: Update) -> CoupleUpdate:
        partner = self._partners[person]
        partner.last_t_s = update.t_s
        floods = partner.judge()
        events = [e for e in update.events if e.kind not in FLOODING_KINDS] + floods
        couple_events, self._pending = self._pending, []
        if any(e.kind == EventKind.READY for e in events) and self.state == CoupleState.PAUSE:
            partner.ready = True
        for event in floods:
            if event.kind != EventKind.FLOODING_START:
                continue
            if self.state != CoupleState.PAUSE:
                couple_events += self._pause(update.t_s, PARTNERS[person])
            elif partner.ready:
                partner.ready = False
                partner.pipeline.start_break(update.t_s)
                self._pending_breaks.append(person)
        if (
            self.state == CoupleState.PAUSE
            and self.pause_start_s is not None
            and all(p.ready and not p.flooded for p in self._partners)
        ):
            self.state = CoupleState.READY
            couple_events.append(
                CoupleEvent(
                    update.t_s,
                    CoupleEventKind.SHARED_READY,
                    {"pause_s": round(update.t_s - self.pause_start_s, 1)},
                )
            )
        breaks, self._pending_breaks = tuple(self._pending_breaks), []
        return CoupleUpdate(
            person=person,
            update=replace(update, events=tuple(events)),
            couple_events=tuple(couple_events),
            state=self.state,
            flooded=self.flooded,
            breaks=breaks,
        )

    def _pause(self, t_s: float, by: str, *, engine: bool = True) -> list[CoupleEvent]:
        if self.state == CoupleState.PAUSE:
            return []
        self.state = CoupleState.PAUSE
        self.pause_start_s = t_s
        for p, partner in enumerate(self._partners):
            partner.ready = False
            partner.pipeline.start_break(t_s)
            if engine:
                self._pending_breaks.append(p)
        return [CoupleEvent(t_s, CoupleEventKind.SHARED_PAUSE_START, {"by": by})]


def merge(a: Sequence[Sample], b: Sequence[Sample]) -> list[tuple[int, Sample]]:
    """Two partners' samples as one stream in time order (A first at equal times)."""
    tagged = [(s.t_s, 0, i, s) for i, s in enumerate(a)]
    tagged += [(s.t_s, 1, i, s) for i, s in enumerate(b)]
    tagged.sort(key=lambda item: item[:3])
    return [(person, sample) for _, person, _, sample in tagged]


def run_couple(engine: CoupleEngine, stream: Sequence[tuple[int, Sample]]) -> list[CoupleUpdate]:
    """Every update of a whole merged stream, the partners' last ones at the end."""
    updates = [engine.push(person, sample) for person, sample in stream]
    return updates + engine.finish()


# --- linkage, offline ----------------------------------------------------------------------


def chance_bound(n_windows: int, alpha: float) -> int:
    """The most linked windows two unrelated people give with probability 1 - alpha: the
    binomial (1 - alpha) quantile for n_windows at rate alpha. Overlapping windows are not
    independent, which widens the real spread, so as a test of "nothing stands out" this
    bound is strict, not lenient."""
    total = 0.0
    for k in range(n_windows + 1):
        total += math.comb(n_windows, k) * alpha**k * (1.0 - alpha) ** (n_windows - k)
        if total >= 1.0 - alpha:
            return k
    return n_windows


@dataclass(frozen=True)
class LinkageReport:
    """Windowed linkage of two heart rates over the seconds both were measured."""

    windows: tuple[LinkageWindow, ...]
    leader: int | None
    """0 when A's changes mostly came first, 1 when B's did, None when neither did."""
    lag_s: float | None
    """Median lag of the linked windows that agree with the leader, in seconds."""
    alpha: float

    @property
    def linked(self) -> int:
        return sum(w.linked for w in self.windows)

    @property
    def chance_bound(self) -> int:
        return chance_bound(len(self.windows), self.alpha)

    @property
    def stands_out(self) -> bool:
        """More windows linked than chance would give (see chance_bound)."""
        return bool(self.windows) and self.linked > self.chance_bound

    def to_dict(self, names: Sequence[str] = PARTNERS) -> dict[str, Any]:
        return {
            "exploratory": True,
            "windows": [w.to_dict() for w in self.windows],
            "linked_windows": self.linked,
            "chance_bound": self.chance_bound,
            "stands_out": self.stands_out,
            "leader": None if self.leader is None else names[self.leader],
            "lag_s": self.lag_s,
            "summary": linkage_summary(self, names),
        }


def partner_names(profiles: Sequence[str | None] = (None, None)) -> tuple[str, str]:
    """Each partner is named by their profile, else "Partner A" / "Partner B"."""
    a, b = (name or f"Partner {PARTNERS[p]}" for p, name in enumerate(profiles))
    return a, b


def updates_linkage(updates: Sequence[CoupleUpdate], config: LinkageConfig) -> LinkageReport:
    """couple_linkage of the beats in a couple engine's updates (a session replayed)."""
    a, b = ([b for cu in updates if cu.person == p for b in cu.update.beats] for p in (0, 1))
    return couple_linkage(a, b, config)


def couple_linkage(
    beats_a: Sequence[Beat], beats_b: Sequence[Beat], config: LinkageConfig, *, seed: int = 0
) -> LinkageReport:
    """Linkage of the partners' beat-to-beat heart rates, once a second, over the span both
    were measured (a positive lag: A's change came first)."""
    windows: list[LinkageWindow] = []
    if beats_a and beats_b:
        start_s = max(beats_a[0].t_s, beats_b[0].t_s)
        end_s = min(beats_a[-1].t_s, beats_b[-1].t_s)
        if end_s - start_s >= config.window_s:
            windows = linkage(
                hr_per_second(beats_a, start_s, end_s),
                hr_per_second(beats_b, start_s, end_s),
                config,
                start_s=math.ceil(start_s),
                seed=seed,
            )
    sign = leader(windows)
    lags = [abs(w.lag_s) for w in windows if w.linked and w.lag_s * sign > 0]
    return LinkageReport(
        windows=tuple(windows),
        leader={1: 0, -1: 1}.get(sign),
        lag_s=float(statistics.median(lags)) if lags else None,
        alpha=config.alpha,
    )


def linkage_summary(report: LinkageReport, names: Sequence[str] = PARTNERS) -> str:
    """Plain words and no verdict: heart rates that move together are common between people
    who are close, and say nothing about who is right or who caused what."""
    n = len(report.windows)
    note = "Exploratory: heart rates moving together says nothing about who is right."
    if not n:
        return "Too short to look at linkage: it needs a few minutes of both heart rates."
    if not report.stands_out:
        return (
            f"Your heart rates moved together in {report.linked} of {n} windows, about as "
            f"often as two unrelated people's would; nothing stands out. {note}"
        )
    text = (
        f"Your heart rates moved together in {report.linked} of {n} windows, more often "
        "than chance alone would give."
    )
    if report.leader is None or report.lag_s is None:
        text += " Neither of you consistently changed first."
    else:
        first, second = names[report.leader], names[1 - report.leader]
        text += (
            f" When they did, {first}'s changes tended to come first and {second}'s "
            f"about {report.lag_s:g} s later."
        )
    return f"{text} {note}"


def analyze_couple(
    samples: Sequence[Sequence[Sample]],
    configs: Sequence[Config],
    *,
    inputs: Sequence[str],
    names: Sequence[str] = PARTNERS,
    baselines: Sequence[Baseline | None] = (None, None),
    baseline_windows_s: Sequence[tuple[float, float] | None] = (None, None),
) -> dict[str, Any]:
    """The `analyze A B --json` object: each partner's events and summary, the couple's
    events, and the linkage of their heart rates."""
    engine = CoupleEngine(
        configs, baselines=baselines, baseline_windows_s=baseline_windows_s, spectral=False
    )
    updates = run_couple(engine, merge(samples[0], samples[1]))
    partners = []
    beats: list[list[Beat]] = []
    for p in range(len(PARTNERS)):
        mine = [u for u in updates if u.person == p]
        beats.append([b for u in mine for b in u.update.beats])
        base = engine.pipeline(p).baseline
        partners.append(_partner_json(names[p], inputs[p], samples[p], mine, beats[p], base))
    report = couple_linkage(beats[0], beats[1], configs[0].linkage)
    return {
        "inputs": list(inputs),
        "partners": partners,
        "couple_events": [e.to_dict() for u in updates for e in u.couple_events],
        "linkage": report.to_dict(names),
    }


def _partner_json(
    name: str,
    input_name: str,
    samples: Sequence[Sample],
    updates: Sequence[CoupleUpdate],
    beats: Sequence[Beat],
    base: Baseline | None,
) -> dict[str, Any]:
    flooded_s = sum(
        cur.t_s - prev.t_s for prev, cur in itertools.pairwise(updates) if prev.flooded[prev.person]
    )
    arousals = [u.update.arousal for u in updates if u.update.arousal is not None]
    nn_ms = [b.rr_ms for b in beats]
    return {
        "name": name,
        "input": input_name,
        "beats": len(beats),
        "duration_s": round(samples[-1].t_s - samples[0].t_s, 3) if samples else 0.0,
        "baseline": None
        if base is None
        else {
            "hr_bpm": round(base.hr_bpm, 1),
            "rmssd_ms": round(base.rmssd_ms, 1),
            "from": base.source,
        },
        "summary": {
            "mean_hr_bpm": round(60000.0 * len(nn_ms) / sum(nn_ms), 1) if nn_ms else None,
            "flooded_s": round(flooded_s, 1),
            "peak_arousal": round(max(arousals), 1) if arousals else None,
        },
        "events": [e.to_dict() for u in updates for e in u.update.events],
    }


# --- the text monitor --------------------------------------------------------------------

COUPLE_READY_WORDS = (
    "Both of you have settled. Come back together when you are ready: speak from 'I', listen first."
)


def shown_state(cu: CoupleUpdate) -> State:
    """A partner flooded during the pause is shown flooded, whatever their break says."""
    return State.FLOODED if cu.flooded[cu.person] else cu.update.state


def couple_event_text(
    event: CoupleEvent, break_min_s: float, names: Sequence[str] = PARTNERS
) -> str:
    """A couple's event in words, the pause naming the configured break minimum."""
    if event.kind == CoupleEventKind.SHARED_READY:
        return COUPLE_READY_WORDS
    length = break_length_text(break_min_s)
    by = event.detail.get("by", "")
    if by not in PARTNERS:
        return f"Let's pause. Take a {length} break, each on your own, and breathe slowly."
    return (
        f"Let's pause: {names[PARTNERS.index(by)]} is flooded. Take a {length} break, each on "
        "your own; this is about two bodies, not about who is right."
    )

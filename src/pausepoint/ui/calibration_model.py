"""The calibration wizard's steps as plain Python (no Qt): who, what to do, the measuring
moment by moment, and the result in words a person can act on.

Calibration makes pausepoint judge each person against themselves: their own calm heart
rate (the baseline protocol) and the breathing pace their heart follows best (the resonance
protocol). The judging is calibration.assess_baseline / assess_resonance; this module only
collects the samples, says where in the protocol the person is at a session time, and puts
the assessment into words. Time is session time from the samples (or a session clock the
caller passes), so a test can feed a whole protocol and look at any moment of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pausepoint.calibration.assessment import (
    BaselineAssessment,
    ResonanceAssessment,
    assess_baseline,
    assess_resonance,
)
from pausepoint.calibration.profiles import (
    DEFAULT_PROFILE,
    RECALIBRATE_AFTER_DAYS,
    Profile,
    check_profile_name,
    choose_profile,
    read_profiles,
    save_calibration,
)
from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.model import HeartSample, Sample
from pausepoint.protocols import (
    BaselineProtocol,
    ResonanceProtocol,
    load_baseline_protocol,
    load_resonance_protocol,
)

if TYPE_CHECKING:
    from pausepoint.sessions.store import Store

END_SLACK_S = 2.0
"""A source that ends this close to the protocol's end has finished it: notifications come
about once a second, so the last one can fall just short of the end."""


class Step(StrEnum):
    PERSON = "person"
    INSTRUCTIONS = "instructions"
    MEASURING = "measuring"
    RESULT = "result"


class Kind(StrEnum):
    BASELINE = "baseline"
    RESONANCE = "resonance"


def countdown_text(t_s: float) -> str:
    """Whole seconds as m:ss, rounded up (a countdown never shows 0:00 before the end)."""
    whole = max(0, math.ceil(t_s - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def _rate_text(rate_bpm: float) -> str:
    return f"{rate_bpm:g}"


# --- who ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """One profile as the wizard lists it."""

    name: str
    active: bool
    summary: str
    reminder: str | None
    """Set when the calm level is due to be measured (again)."""


def reminder(profile: Profile, now_utc: datetime) -> str | None:
    """Words for a calm level that is due, or None while it is fresh."""
    if not profile.recalibration_due(now_utc):
        return None
    if profile.baseline_utc is None:
        return f"{profile.name} has no calm level yet: measure it once, 5 minutes."
    days = (now_utc - profile.baseline_utc).days
    return (
        f"{profile.name}'s calm level was measured {days} days ago. Bodies change with "
        f"fitness, sleep and season: measuring it again every {RECALIBRATE_AFTER_DAYS} days "
        "keeps the comparison fair."
    )


def person_rows(profiles: Sequence[Profile], now_utc: datetime) -> list[PersonRow]:
    rows = []
    for p in profiles:
        parts = []
        if p.baseline is not None:
            parts.append(f"calm {p.baseline.hr_bpm:.0f} bpm")
        if p.resonance_rate_bpm is not None:
            parts.append(f"breathes {_rate_text(p.resonance_rate_bpm)} a minute")
        if p.baseline_utc is not None:
            days = (now_utc - p.baseline_utc).days
            parts.append("measured today" if days < 1 else f"measured {days} days ago")
        summary = " · ".join(parts) or "not measured yet"
        rows.append(PersonRow(p.name, p.active, summary, reminder(p, now_utc)))
    return rows


def default_name(profiles: Sequence[Profile]) -> str:
    """The active profile's name, else the first one's, else DEFAULT_PROFILE."""
    active = next((p for p in profiles if p.active), None)
    if active is not None:
        return active.name
    return profiles[0].name if profiles else DEFAULT_PROFILE


# --- what to do --------------------------------------------------------------------------


@dataclass(frozen=True)
class Instructions:
    title: str
    intro: str
    steps: tuple[str, ...]


# --- the measuring, moment by moment -----------------------------------------------------


@dataclass(frozen=True)
class Moment:
    """What the measuring step shows at one session time. Only the numbers change from
    second to second; the words change with the part of the protocol."""

    started: bool
    """False until the first heartbeat arrives (a strap still connecting)."""
    elapsed_s: float
    progress: float
    """0..1 of the whole protocol."""
    title: str
    detail: str
    left_s: float
    """Time left of the whole protocol."""
    part_left_s: float
    """Time left of this part: the settling, the rest, this pace, the pause before the next."""
    part_caption: str
    """What part_left_s counts down to, e.g. "left at this pace"."""
    pacing: bool = False
    rate_bpm: float | None = None
    """The pacer's rate while pacing; the next rate during a rest."""
    pacer_t_s: float | None = None
    """Time into the current rate's breathing: the pacer's phase is pacer_phase of it
    (negative in a rest: the time until the next rate)."""
    block: int | None = None
    can_finish: bool = False
    """The baseline holds enough (3 minutes after settling) to finish early."""


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One breathing rate in the ranking chart."""

    rate_bpm: float
    strength: float | None
    """How strongly heart rate swung with the breath, 1 for the strongest; None when the
    heart did not follow the pacer at this rate."""
    rank: int | None
    chosen: bool


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    accepted: bool
    title: str
    lines: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    """Why it was not accepted; shown after the first line."""
    figures: tuple[tuple[str, str, str], ...] = ()
    """Big numbers to show: (value, unit, caption)."""
    bars: tuple[Bar, ...] = ()
    chosen_rate_bpm: float | None = None
    saved: Profile | None = None


class CalibrationFlow:
    """The wizard's state: choose a person and a protocol, feed samples, finish, save."""

    def __init__(
        self,
        config: Config,
        baseline: BaselineProtocol | None = None,
        resonance: ResonanceProtocol | None = None,
    ) -> None:
        self.config = config
        self.baseline = baseline or load_baseline_protocol()
        self.resonance = resonance or load_resonance_protocol()
        self.step = Step.PERSON
        self.kind = Kind.BASELINE
        self.name = DEFAULT_PROFILE
        self.samples: list[Sample] = []
        self.start_s: float | None = None
        self.t_s: float | None = None
        self.hr_bpm: float | None = None
        self.assessment: BaselineAssessment | ResonanceAssessment | None = None
        self.outcome: Outcome | None = None

    # ------------------------------------------------------------------ steps

    def choose(self, name: str, kind: Kind | str) -> None:
        """Who and what; a name that cannot be a profile is a BadInput saying why."""
        self.name = check_profile_name(name.strip())
        self.kind = Kind(kind)
        self.step = Step.INSTRUCTIONS

    def back_to_person(self) -> None:
        self.step = Step.PERSON

    def again(self) -> None:
        """Back to the instructions, same person and protocol (to repeat, or after a stop)."""
        self.step = Step.INSTRUCTIONS

    @property
    def duration_s(self) -> float:
        if self.kind == Kind.BASELINE:
            return self.baseline.duration_s
        return self.resonance.duration_s

    def instructions(self) -> Instructions:
        if self.kind == Kind.BASELINE:
            p = self.baseline
            return Instructions(
                title=f"Your calm level, {self.name}",
                intro=(
                    f"For {p.duration_s / 60:g} minutes pausepoint listens to your heart at rest "
                    "(3 minutes at the least). There is nothing to do well or badly: just rest."
                ),
                steps=(
                    "Put the strap on, its electrodes moistened.",
                    "Sit comfortably, your back supported and your feet flat on the floor.",
                    "Breathe as you normally do; there is no need to slow it down.",
                    "Please don't talk, and keep still; your hands can rest in your lap.",
                    f"The first {p.settle_s:g} seconds are not counted: time to settle in.",
                ),
            )
        r = self.resonance
        rates = ", ".join(_rate_text(rate_bpm) for rate_bpm in r.rates_bpm)
        return Instructions(
            title=f"Your breathing pace, {self.name}",
            intro=(
                f"A circle shows you how to breathe at {len(r.rates_bpm)} slow paces ({rates} "
                f"breaths a minute), {r.paced_s / 60:g} minutes each with a minute of rest "
                f"between: about {r.duration_s / 60:.0f} minutes in all. pausepoint notes at "
                "which pace your heart follows your breath best."
            ),
            steps=(
                "Sit comfortably, feet on the floor, the strap on and moistened.",
                "Breathe in as the circle grows and out as it shrinks, gently, through the nose "
                "if you can.",
                "Never force a breath: soft and easy is right. If you feel light-headed, "
                "breathe less deeply.",
                "Please don't talk. In the rests, breathe as you like.",
            ),
        )

    def begin(self, start_s: float | None = None) -> None:
        """Measuring begins at session time ``start_s`` (None: at the first heartbeat)."""
        self.samples = []
        self.start_s = start_s
        self.t_s = None
        self.hr_bpm = None
        self.assessment = None
        self.outcome = None
        self.step = Step.MEASURING

    def feed(self, sample: Sample, hr_bpm: float | None = None) -> bool:
        """Keep one sample (``hr_bpm``: the engine's heart rate now, if known); True once the
        protocol's time is over."""
        if self.step != Step.MEASURING:
            return False
        self.samples.append(sample)
        if isinstance(sample, HeartSample):
            if self.start_s is None and sample.rr_ms and sample.contact is not False:
                self.start_s = sample.t_s
            if hr_bpm is None and sample.hr_bpm > 0 and sample.contact is not False:
                hr_bpm = float(sample.hr_bpm)
            if hr_bpm is not None:
                self.hr_bpm = hr_bpm
        self.t_s = sample.t_s if self.t_s is None else max(self.t_s, sample.t_s)
        return self.elapsed_s() >= self.duration_s

    def elapsed_s(self, now_s: float | None = None) -> float:
        """Protocol time at session time ``now_s`` (default: the latest sample's)."""
        now_s = self.t_s if now_s is None else now_s
        if self.start_s is None or now_s is None:
            return 0.0
        return max(0.0, now_s - self.start_s)

    def moment(self, now_s: float | None = None) -> Moment:
        """Where the person is at session time ``now_s`` (default: the latest sample's)."""
        if self.start_s is None:
            return Moment(
                started=False,
                elapsed_s=0.0,
                progress=0.0,
                title="Waiting for your heartbeat…",
                detail="The measuring starts with the first heartbeat from the strap.",
                left_s=self.duration_s,
                part_left_s=self.duration_s,
                part_caption="waiting for the strap",
            )
        elapsed_s = min(self.elapsed_s(now_s), self.duration_s)
        if self.kind == Kind.BASELINE:
            return self._baseline_moment(elapsed_s)
        return self._resonance_moment(elapsed_s)

    def _baseline_moment(self, elapsed_s: float) -> Moment:
        p = self.baseline
        left_s = p.duration_s - elapsed_s
        can_finish = elapsed_s >= p.settle_s + p.min_duration_s
        title = "Resting, measuring your calm"
        caption = "left of the rest"
        if elapsed_s < p.settle_s:
            title = "Settling in"
            caption = "settling in"
            detail = (
                f"The first {p.settle_s:g} seconds are not counted. Sit back, feet on the floor, "
                "and breathe as usual."
            )
        elif can_finish:
            detail = (
                "You can finish now; staying to the end makes the measurement steadier. "
                "Keep breathing as usual."
            )
        else:
            detail = "Breathe as usual. No need to do anything else; just rest."
        return Moment(
            True,
            elapsed_s,
            elapsed_s / p.duration_s,
            title,
            detail,
            left_s,
            left_s,
            caption,
            can_finish=can_finish,
        )

    def _resonance_moment(self, elapsed_s: float) -> Moment:
        p = self.resonance
        blocks = p.blocks()
        progress = elapsed_s / p.duration_s
        left_s = p.duration_s - elapsed_s
        for i, block in enumerate(blocks):
            rate = _rate_text(block.rate_bpm)
            if elapsed_s < block.start_s:
                return Moment(
                    True,
                    elapsed_s,
                    progress,
                    "Rest first, for a minute" if i == 0 else "Rest: breathe as you like",
                    f"Breathe as you like. Next: {rate} breaths a minute.",
                    left_s,
                    block.start_s - elapsed_s,
                    f"until {rate} breaths a minute",
                    rate_bpm=block.rate_bpm,
                    pacer_t_s=elapsed_s - block.start_s,
                    block=i,
                )
            if elapsed_s < block.end_s:
                return Moment(
                    True,
                    elapsed_s,
                    progress,
                    f"Pace {i + 1} of {len(blocks)}: {rate} breaths a minute",
                    "In as the circle grows, out as it shrinks: soft, easy breaths.",
                    left_s,
                    block.end_s - elapsed_s,
                    "left at this pace",
                    pacing=True,
                    rate_bpm=block.rate_bpm,
                    pacer_t_s=elapsed_s - block.start_s,
                    block=i,
                )
        return Moment(True, elapsed_s, 1.0, "Done. Thank you.", "", 0.0, 0.0, "")

    # ------------------------------------------------------------------ results

    def finish(self, measured_utc: datetime | None, stopped: str | None = None) -> Outcome:
        """Judge what was measured. ``stopped``: why the source ended early, if it did."""
        self.step = Step.RESULT
        elapsed_s = self.elapsed_s()
        short = elapsed_s < self.duration_s - END_SLACK_S
        if self.kind == Kind.BASELINE:
            enough_s = self.baseline.settle_s + self.baseline.min_duration_s
            if short and elapsed_s < enough_s:
                self.outcome = self._stopped_outcome(elapsed_s, stopped)
                return self.outcome
            start_s = self.start_s if self.start_s is not None else 0.0
            self.assessment = assess_baseline(
                self.samples,
                self.baseline,
                self.config,
                start_s=start_s,
                measured_utc=measured_utc,
            )
            self.outcome = self._baseline_outcome(self.assessment)
        else:
            if short:
                self.outcome = self._stopped_outcome(elapsed_s, stopped)
                return self.outcome
            self.assessment = assess_resonance(
                self.samples,
                self.resonance,
                self.config,
                start_s=self.start_s if self.start_s is not None else 0.0,
                measured_utc=measured_utc,
            )
            self.outcome = self._resonance_outcome(self.assessment)
        return self.outcome

    def _stopped_outcome(self, elapsed_s: float, stopped: str | None) -> Outcome:
        why = f" ({stopped[0].lower()}{stopped[1:].rstrip('.')})" if stopped else ""
        return Outcome(
            kind=self.kind,
            accepted=False,
            title="The measuring stopped early",
            lines=(
                f"It stopped after {countdown_text(elapsed_s)} of "
                f"{countdown_text(self.duration_s)}{why}.",
                "Nothing was saved. When you are ready, start it again.",
            ),
        )

    def _baseline_outcome(self, a: BaselineAssessment) -> Outcome:
        if not a.accepted or a.baseline is None:
            return Outcome(
                kind=self.kind,
                accepted=False,
                title="Let's measure that once more",
                lines=(
                    "The measurement was not steady enough to rely on. That happens, and it "
                    "says nothing about you. Nothing was saved.",
                    a.advice,
                ),
                reasons=a.reasons,
            )
        b = a.baseline
        steady = "Your heart rate held steady"
        if a.drift_bpm is not None:
            steady += f" (it moved {abs(a.drift_bpm):.1f} bpm from the first to the last minute)"
        corrected = (
            "no heartbeat needed correcting"
            if a.artifact_rate == 0
            else f"{a.artifact_rate * 100:.1f} % of heartbeats needed correcting"
        )
        return Outcome(
            kind=self.kind,
            accepted=True,
            title="Your calm level",
            lines=(
                f"Your calm heart rate is {b.hr_bpm:.0f} beats a minute, and the variation "
                f"between your heartbeats (RMSSD) is {b.rmssd_ms:.0f} ms at rest.",
                f"{steady}, and {corrected}: a measurement to rely on.",
            ),
            figures=(
                (f"{b.hr_bpm:.0f}", "bpm", "calm heart rate"),
                (f"{b.rmssd_ms:.0f}", "ms", "variation between heartbeats (RMSSD)"),
            ),
        )

    def _resonance_outcome(self, a: ResonanceAssessment) -> Outcome:
        bars = _bars(a)
        if not a.accepted or a.rate_bpm is None:
            return Outcome(
                kind=self.kind,
                accepted=False,
                title="Let's try the breathing once more",
                lines=(
                    "Your heart did not follow the circle clearly enough to choose a pace. "
                    "Slow breathing takes practice; softer breaths often work better than "
                    "deeper ones. Nothing was saved.",
                    a.advice,
                ),
                reasons=a.reasons,
                bars=bars,
            )
        lines = [
            f"Breathe at {_rate_text(a.rate_bpm)} breaths a minute when you pause: at this pace "
            "your heart follows your breath most strongly, and that calms the body fastest."
        ]
        if a.best_tested_bpm is not None and a.best_tested_bpm != a.rate_bpm:
            lines.append(
                f"It lies between the paces you breathed; of those, "
                f"{_rate_text(a.best_tested_bpm)} a minute came out best."
            )
        lines.append(
            "The bars show how strongly your heart rate rose and fell with each breath at each "
            "pace. The ranks come from the curve through all of them, so one restless two "
            "minutes does not decide alone."
        )
        return Outcome(
            kind=self.kind,
            accepted=True,
            title="Your breathing pace",
            lines=tuple(lines),
            figures=((_rate_text(a.rate_bpm), "breaths a minute", "your breathing pace"),),
            bars=bars,
            chosen_rate_bpm=a.rate_bpm,
        )

    def save(self, store: Store) -> Profile:
        """Keep an accepted result in the person's profile and make it the active one."""
        outcome, assessment = self.outcome, self.assessment
        if outcome is None or assessment is None or not outcome.accepted:
            raise ValueError("only an accepted calibration is saved")
        profile = save_calibration(store, self.name, assessment)
        choose_profile(store, self.name)
        profile = next(p for p in read_profiles(store) if p.name == self.name)
        self.outcome = _with_saved(outcome, profile, self.config)
        return profile

    def not_saved(self, error: UserError | str) -> None:
        """Say that an accepted result could not be kept, and why."""
        if self.outcome is None:
            return
        lines = (*self.outcome.lines, f"It could not be saved: {error}")
        self.outcome = replace(self.outcome, lines=lines)


def _with_saved(outcome: Outcome, profile: Profile, config: Config) -> Outcome:
    from pausepoint.pipeline.arousal import flooding_rise_bpm

    lines = list(outcome.lines)
    cfg = profile.config(config)
    if outcome.kind == Kind.BASELINE and profile.baseline is not None:
        line_bpm = profile.baseline.hr_bpm + flooding_rise_bpm(
            profile.baseline.hr_bpm, cfg.flooding
        )
        lines.append(
            "From now on pausepoint compares you with yourself: it suggests a pause when your "
            f"heart rate goes above {line_bpm:.0f} while the variation drops, or above "
            f"{cfg.flooding.ceiling_hr_bpm:.0f} whatever it does."
        )
        due = profile.recalibrate_by_utc
        by = "" if due is None else f" (by {due.astimezone():%B} {due.astimezone().day})"
        lines.append(
            f"Saved for {profile.name}, now the profile pausepoint uses. Measure it again in "
            f"{RECALIBRATE_AFTER_DAYS} days{by}, or after a change in fitness, sleep or "
            "medication."
        )
    else:
        lines.append(
            f"The pacer now uses {_rate_text(profile.resonance_rate_bpm or 0.0)} a minute. "
            f"Saved for {profile.name}, now the profile pausepoint uses."
        )
    return replace(outcome, lines=tuple(lines), saved=profile)


def _bars(a: ResonanceAssessment) -> tuple[Bar, ...]:
    scores = [r.score for r in a.rates if r.followed and r.score is not None]
    top = max(scores, default=None)
    bars = []
    for r in sorted(a.rates, key=lambda r: -r.rate_bpm):
        strength = None
        if top is not None and r.followed and r.score is not None:
            strength = math.exp(r.score - top)
        bars.append(Bar(r.rate_bpm, strength, r.rank, a.accepted and r.rank == 1))
    return tuple(bars)

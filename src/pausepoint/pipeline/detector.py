"""Flooding detector: a state machine over the estimates, judged once per notification.

Every transition needs its condition to hold for a while (sustain times) and leaves
by a different, lower level than it entered by (hysteresis), so the state never
flickers around a threshold. No decision is made on a poor signal, nor without a pulse.
"""

from __future__ import annotations

from dataclasses import dataclass

from pausepoint.config import BreakConfig, FloodingConfig, SignalConfig
from pausepoint.model import Baseline, Event, EventKind, State
from pausepoint.pipeline.arousal import flooding_rise_bpm


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the detector is given at one moment."""

    t_s: float
    hr_bpm: float | None
    """10-s heart rate less the rise movement explains."""
    rmssd_ms: float | None
    arousal: float | None
    signal_ok: bool
    baseline: Baseline | None
    pulse: bool = True
    """A beat came within ``pulse_lost_s``."""
    hr_only: bool = False
    """A rhythm where RMSSD may be missing: heart rate alone judges then."""


class _Timer:
    """Since when a condition has held; None while it does not."""

    __slots__ = ("since_s",)

    def __init__(self) -> None:
        self.since_s: float | None = None

    def held(self, condition: bool, t_s: float, for_s: float) -> bool:
        if not condition:
            self.since_s = None
            return False
        if self.since_s is None:
            self.since_s = t_s
        return t_s - self.since_s >= for_s

    def clear(self) -> None:
        self.since_s = None


class FloodingDetector:
    def __init__(
        self,
        flooding: FloodingConfig,
        break_: BreakConfig,
        signal: SignalConfig,
        *,
        auto_break: bool = False,
    ) -> None:
        self._cfg = flooding
        self._break_cfg = break_
        self._signal_cfg = signal
        self._auto_break = auto_break
        self.state = State.CALIBRATING
        self._judged = State.CALIBRATING
        """The state under signal_poor or searching: where to return to."""
        self._flooded = False
        self._break_start_s: float | None = None
        self._flood = _Timer()
        self._exit = _Timer()
        self._rising = _Timer()
        self._calming = _Timer()
        self._settled = _Timer()
        self._signal_back = _Timer()

    def start_break(self, t_s: float, agreed_s: float | None = None) -> list[Event]:
        """The person has chosen to pause (the UI's Start break, or --auto-break), for
        ``agreed_s`` when they said how long (kept in the event; the body is judged alike)."""
        if self._break_start_s is not None:
            return []
        self._break_start_s = t_s
        self._settled.clear()
        if self.state != State.SIGNAL_POOR:
            self.state = State.BREAK
        self._judged = State.BREAK
        detail = {} if agreed_s is None else {"agreed_s": round(agreed_s, 1)}
        return [Event(t_s, EventKind.BREAK_START, detail)]

    def lose_pulse(self) -> None:
        """No beat for a while: say so rather than show a judgement nobody measured. A flood
        found and a break taken stay (the pause still stands); the timers wait for beats."""
        if self.state in (State.FLOODED, State.BREAK, State.SEARCHING, State.SIGNAL_POOR):
            return
        self._judged = self.state
        self.state = State.SEARCHING

    def step(self, j: Judgement) -> list[Event]:
        if not j.signal_ok:
            self._signal_back.clear()
            for timer in (self._flood, self._exit, self._rising, self._calming, self._settled):
                timer.clear()
            if self.state == State.SIGNAL_POOR:
                return []
            if self.state != State.SEARCHING:
                self._judged = self.state
            self.state = State.SIGNAL_POOR
            return [Event(j.t_s, EventKind.SIGNAL_POOR)]
        events: list[Event] = []
        if self.state == State.SIGNAL_POOR:
            if not self._signal_back.held(True, j.t_s, self._signal_cfg.recover_s):
                return []
            self.state = self._judged
            events.append(Event(j.t_s, EventKind.SIGNAL_OK))
        if not j.pulse:
            self.lose_pulse()
            return events
        if self.state == State.SEARCHING:
            self.state = self._judged
        no_rmssd = j.rmssd_ms is None and not j.hr_only
        if j.baseline is None or j.hr_bpm is None or no_rmssd or j.arousal is None:
            if self.state == State.CALIBRATING or j.baseline is None:
                self.state = State.CALIBRATING
            return events
        events += self._judge(j, j.baseline)
        return events

    def _judge(self, j: Judgement, base: Baseline) -> list[Event]:
        assert j.hr_bpm is not None and j.arousal is not None
        cfg = self._cfg
        rise_bpm = flooding_rise_bpm(base.hr_bpm, cfg)
        if j.rmssd_ms is None:
            # A rhythm of extra beats, or an irregular one: the rise alone, held, as for the
            # ceiling; with no RMSSD to confirm it, it must also clear the calm wander.
            rise_bpm += cfg.hr_only_margin_sd * base.hr_sd_bpm
            withdrawn = True
        else:
            withdrawn = j.rmssd_ms <= base.rmssd_ms - cfg.rmssd_drop_sd * base.rmssd_sd_ms
        entry_hr_bpm = min(cfg.ceiling_hr_bpm, base.hr_bpm + rise_bpm)
        criterion = j.hr_bpm >= cfg.ceiling_hr_bpm or (
            j.hr_bpm >= base.hr_bpm + rise_bpm and withdrawn
        )
        events: list[Event] = []
        if self._flooded:
            # Out of flooding when heart rate is well under the entry level, or when vagal
            # tone is back at baseline (one robust SD above where it had to fall) with heart
            # rate under the ceiling: each a margin away from what let the state in.
            settled_hr = j.hr_bpm < entry_hr_bpm - cfg.exit_margin_bpm
            vagal_back = (
                j.rmssd_ms is not None
                and j.rmssd_ms >= base.rmssd_ms
                and j.hr_bpm < cfg.ceiling_hr_bpm - cfg.exit_margin_bpm
            )
            if self._exit.held(settled_hr or vagal_back, j.t_s, cfg.exit_sustain_s):
                self._flooded = False
                self._exit.clear()
                events.append(Event(j.t_s, EventKind.FLOODING_END))
                if self._break_start_s is None:
                    self.state = State.RECOVERING
                    if self._auto_break:
                        events += self.start_break(j.t_s)
        elif self._break_start_s is None and self._flood.held(criterion, j.t_s, cfg.sustain_s):
            self._flooded = True
            self.state = State.FLOODED
            onset_s = self._flood.since_s
            self._flood.clear()
            events.append(
                Event(
                    j.t_s,
                    EventKind.FLOODING_START,
                    {"onset_t_s": round(onset_s or j.t_s, 3), "hr_bpm": round(j.hr_bpm, 1)},
                )
            )
            return events
        if self._flooded:
            return events
        if self._break_start_s is not None:
            return events + self._judge_break(j, base)
        if self.state == State.RECOVERING:
            if self._settled_for(j, base):
                self.state = State.CALM
            return events
        self._judge_rising(j)
        return events

    def _settled_for(self, j: Judgement, base: Baseline) -> bool:
        b = self._break_cfg
        assert j.hr_bpm is not None
        settled = j.hr_bpm <= base.hr_bpm + b.ready_hr_margin_bpm and (
            j.rmssd_ms is None or j.rmssd_ms >= base.rmssd_ms - b.ready_rmssd_sd * base.rmssd_sd_ms
        )
        return self._settled.held(settled, j.t_s, b.ready_sustain_s)

    def _judge_break(self, j: Judgement, base: Baseline) -> list[Event]:
        assert self._break_start_s is not None
        settled = self._settled_for(j, base)
        if j.t_s - self._break_start_s < self._break_cfg.min_s:
            self.state = State.BREAK
            return []
        if not settled:
            self.state = State.RECOVERING
            return []
        took_s = j.t_s - self._break_start_s
        self._break_start_s = None
        self._settled.clear()
        self.state = State.READY
        return [Event(j.t_s, EventKind.READY, {"break_s": round(took_s, 1)})]

    def _judge_rising(self, j: Judgement) -> None:
        assert j.arousal is not None
        cfg = self._cfg
        if self.state == State.RISING:
            if self._calming.held(j.arousal < cfg.rising_exit, j.t_s, cfg.rising_sustain_s * 2):
                self.state = State.CALM
                self._calming.clear()
        elif self._rising.held(j.arousal >= cfg.rising_enter, j.t_s, cfg.rising_sustain_s):
            self.state = State.RISING
            self._rising.clear()
        elif self.state not in (State.READY, State.CALM):
            self.state = State.CALM

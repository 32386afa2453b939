"""What the dashboard shows, as plain Python fed with the pipeline's Updates (no Qt here).

The dashboard is a thin shell: every number and state comes from an Update; this module
only keeps what is on screen (numpy ring buffers for the graphs, the check-in prompt, the
status line) so widgets can draw it at their own pace. Time is session time from the
Updates, never a clock, so a test can feed a whole session and look at any moment of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np

from pausepoint.config import Config, SignalConfig
from pausepoint.model import Event, EventKind, State, Update
from pausepoint.pipeline.arousal import flooding_arousal
from pausepoint.ui.break_model import AgreedBreak
from pausepoint.words import (
    BREAK_WORDS,
    RHYTHM_WORDS,
    STATE_WORDS,
    break_due_words,
    break_length_text,
    break_minutes_text,
    clock_text,
    event_words,
    short_clock_text,
)

WINDOW_CHOICES_S = (120.0, 300.0, 600.0, 1200.0, 1800.0)
DEFAULT_WINDOW_S = 600.0
MAX_WINDOW_S = max(WINDOW_CHOICES_S)
POINT_EVERY_S = 0.5
"""Arousal and heart rate are kept at most twice a second: a 30-minute graph is 3600 points."""
MAX_BEATS_PER_S = 4.0
"""Room in the tachogram ring for 240 bpm over the longest window."""
READINESS_S = 60.0
"""The readiness check before a talk lasts one minute of settled signal."""
PULSE_LOST_S = 5.0
"""No update for this long (the strap out of range in another room): nothing is measured."""


class RingSeries:
    """A preallocated (t_s, value) ring; ``view()`` gives contiguous arrays without copying.

    Every value is written twice, at i and i + capacity, so the last n values always sit
    in one contiguous slice of the doubled buffer.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._t_s = np.full(2 * capacity, np.nan)
        self._values = np.full(2 * capacity, np.nan)
        self._head = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def clear(self) -> None:
        self._head = 0
        self._size = 0

    def append(self, t_s: float, value: float) -> None:
        i = self._head
        self._t_s[i] = self._t_s[i + self.capacity] = t_s
        self._values[i] = self._values[i + self.capacity] = value
        self._head = (i + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    @property
    def last_t_s(self) -> float | None:
        if not self._size:
            return None
        return float(self._t_s[(self._head - 1) % self.capacity])

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        start = (self._head - self._size) % self.capacity
        end = start + self._size
        return self._t_s[start:end], self._values[start:end]

    def since(self, from_t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """The points at or after ``from_t_s`` (times only grow, so a binary search)."""
        t_s, values = self.view()
        first = int(np.searchsorted(t_s, from_t_s, side="left"))
        return t_s[first:], values[first:]


class Action(StrEnum):
    START_BREAK = "start_break"
    MORE_TIME = "more_time"
    OPEN_PACER = "open_pacer"
    CHECK_READINESS = "check_readiness"


class PromptKind(StrEnum):
    WAITING = "waiting"
    CALIBRATING = "calibrating"
    CALM = "calm"
    CHECKING = "checking"
    GOOD_MOMENT = "good_moment"
    NOT_YET = "not_yet"
    RISING = "rising"
    FLOODED = "flooded"
    BREAK = "break"
    SETTLING = "settling"
    """The agreed time is up and the body is still settling (or out of the strap's reach)."""
    TIME_UP = "time_up"
    """The agreed time is up and the body has settled: time to go back."""
    COMING_DOWN = "coming_down"
    READY = "ready"
    SIGNAL_POOR = "signal_poor"
    SEARCHING = "searching"
    """No beat for a few seconds: nothing is judged until one comes."""


@dataclass(frozen=True)
class Prompt:
    """One check-in card: what to read, what to say, what can be done now."""

    kind: PromptKind
    title: str
    body: str
    say: str | None = None
    actions: tuple[Action, ...] = ()
    tips: tuple[str, ...] = ()
    timer_text: str | None = None
    timer_caption: str | None = None
    progress: float | None = None
    emphasis: bool = False
    """The flooded prompt: larger and on a deep ground, so it cannot be missed."""
    pacer: bool = False
    """Show the breathing pacer with this prompt."""
    action_labels: dict[Action, str] = field(default_factory=dict)


ACTION_LABELS = {
    Action.START_BREAK: "Start break",
    Action.MORE_TIME: "I need more time",
    Action.OPEN_PACER: "Breathe with the pacer",
    Action.CHECK_READINESS: "Check if I'm ready",
}

GO_BACK_TIPS = (
    "Speak from “I”: “I felt…”, not “You always…”.",
    "Say what you need.",
    "Listen first, then answer.",
)

# The break prompts' words, for one person and for a couple alike; the minimum is the
# configured one ([break] min_s).
FLOODED_WHY = "Your body is flooded. It happens to everyone, and it makes listening hard."
STILL_SETTLING = "Your body is still settling. Keep breathing slowly; there is no rush."
BREAK_SO_FAR = "on a break so far"
COME_BACK_SETTLING = "Come back and ask for a little more time, or breathe a few more minutes."
COME_BACK_UNKNOWN = "Come back, even if only to ask for more time."
OUT_OF_REACH = (
    "The strap is out of reach: the timer keeps running, and the strap reconnects when you "
    "come back."
)
NO_PULSE = "No heartbeat has come through for a few seconds: the timer keeps running."


def hormones_text(break_min_s: float) -> str:
    return f"the stress hormones take at least {break_minutes_text(break_min_s)} to clear."


def more_time_label(extend_s: float) -> str:
    return f"I need more time (+{round(extend_s / 60)} min)"


@dataclass
class _Readiness:
    asked_t_s: float
    start_t_s: float | None = None
    stirred: bool = False
    result: bool | None = None


class CheckIn:
    """The check-in flow, driven by the detector's states and events.

    Before talking, a one-minute readiness check; rising, a nudge to breathe; flooded, the
    prompt to pause with the words to say; a break with its timer; ready, how to go back in.
    """

    def __init__(self, config: Config) -> None:
        self._cfg = config
        self.break_min_s = config.break_.min_s
        self.calibration_s = config.baseline.settle_s + config.baseline.window_s
        self.started_at: datetime | None = None
        """The wall-clock moment of session time 0, to say the agreed time as a clock time
        (kept through a reset: a replay rebuilt from its start is the same session)."""
        self.reset()

    def reset(self) -> None:
        self.state: State | None = None
        self.beatless = False
        """The last update came without a beat for a while (the sensor unsure, or loose)."""
        self.t_s: float | None = None
        """The last update's time."""
        self.now_t_s: float | None = None
        """Session time now: the last update's, or the clock's while no update comes."""
        self.first_t_s: float | None = None
        self.arousal: float | None = None
        self.agreed: AgreedBreak | None = None
        """The break being taken, until its time is up and the body has settled."""
        self.back_in_talk = False
        """The agreed time came with the body settled: the card says to go back."""
        self.break_spans: list[list[float | None]] = []
        """[start, end] of each break; end None while it lasts."""
        self.told: list[Event] = []
        """The time-up events this check-in has seen come, for the live shell to record."""
        self._readiness: _Readiness | None = None

    @property
    def break_start_t_s(self) -> float | None:
        return None if self.agreed is None else self.agreed.start_t_s

    def feed(self, u: Update) -> None:
        if self.first_t_s is None:
            self.first_t_s = u.t_s
        self.t_s = u.t_s
        self.now_t_s = max(u.t_s, self.now_t_s or u.t_s)
        self.state = u.state
        self.beatless = u.pulse_lost
        self.arousal = u.arousal
        if u.state in (State.RISING, State.FLOODED):
            self.back_in_talk = False
        for event in u.events:
            if event.kind == EventKind.BREAK_START:
                agreed_s = event.detail.get("agreed_s")
                self._break_started(event.t_s, agreed_s)
            elif event.kind == EventKind.READY and self.agreed is not None:
                self.agreed.settled_t_s = event.t_s
        self._judge_readiness(u)
        self._keep_time()

    def tick(self, now_t_s: float) -> None:
        """Session time passes though no update comes (the strap out of range): the break
        timer runs on, and the agreed time comes when it comes."""
        if self.now_t_s is None or now_t_s <= self.now_t_s:
            return
        self.now_t_s = now_t_s
        self._keep_time()

    def start_break(self, t_s: float, agreed_s: float | None = None) -> None:
        """The person pressed Start break: show the break at once (its event follows)."""
        self._break_started(t_s, agreed_s)

    def _break_started(self, t_s: float, agreed_s: float | None) -> None:
        if self.agreed is not None:
            return
        self.agreed = AgreedBreak(t_s, agreed_s or self.break_min_s)
        self.back_in_talk = False
        self.break_spans.append([t_s, None])
        self._readiness = None

    def more_time(self, t_s: float) -> Event | None:
        """ "I need more time": the event that says so (None when no break is on); it takes
        effect when it comes back through ``add_event``, as a replayed one does."""
        if self.agreed is None:
            return None
        b = self._cfg.break_
        probe = AgreedBreak(self.agreed.start_t_s, self.agreed.agreed_s)
        agreed_s = probe.more_time(t_s, b.extend_s, b.longest_s)
        return Event(t_s, EventKind.BREAK_EXTENDED, {"agreed_s": agreed_s, "asked_s": b.extend_s})

    def add_event(self, event: Event) -> None:
        """An event from outside the pipeline: more time asked for moves the agreed time."""
        agreed_s = event.detail.get("agreed_s")
        if event.kind == EventKind.BREAK_EXTENDED and self.agreed is not None and agreed_s:
            self.agreed.agreed_s = float(agreed_s)
            self.agreed.due_told = False
            self._keep_time()

    @property
    def pulse_lost(self) -> bool:
        """Nothing measured for a while: the strap is out of range or off, or sends no beats."""
        if self.t_s is None or self.now_t_s is None:
            return False
        lost = self.beatless or self.state == State.SIGNAL_POOR
        return lost or self.now_t_s - self.t_s >= PULSE_LOST_S

    def _keep_time(self) -> None:
        """The agreed time come: told once (settled or not, or unknown without a pulse);
        the break ends then if the body has settled, else when it does."""
        brk, now_t_s = self.agreed, self.now_t_s
        if brk is None or now_t_s is None:
            return
        settled = brk.settled_t_s is not None and self.state in (State.READY, State.CALM)
        if not brk.due_told and now_t_s >= brk.due_t_s:
            brk.due_told = True
            judged = None if self.pulse_lost else settled
            detail = {"agreed_s": round(brk.agreed_s, 1), "settled": judged}
            self.told.append(Event(brk.due_t_s, EventKind.BREAK_DUE, detail))
        if brk.due_told and settled and not self.pulse_lost:
            settled_t_s = brk.settled_t_s or brk.due_t_s
            self.break_spans[-1][1] = max(brk.due_t_s, settled_t_s)
            self.agreed = None
            self.back_in_talk = settled_t_s <= brk.due_t_s  # else the ready card says it

    def begin_readiness(self) -> None:
        self._readiness = _Readiness(asked_t_s=self.t_s or 0.0)
        self.back_in_talk = False

    @property
    def readiness(self) -> bool | None:
        """The last readiness check: True settled, False not, None none or still running."""
        return None if self._readiness is None else self._readiness.result

    def _judge_readiness(self, u: Update) -> None:
        check = self._readiness
        if check is None or check.result is not None:
            return
        if u.state in (State.RISING, State.FLOODED):
            check.result = False
            return
        if u.state in (State.CALIBRATING, State.SIGNAL_POOR, State.SEARCHING) or u.arousal is None:
            check.start_t_s = None
            check.stirred = False
            return
        if check.start_t_s is None:
            check.start_t_s = u.t_s
        if u.state not in (State.CALM, State.READY) or (
            u.arousal >= self._cfg.flooding.rising_enter
        ):
            check.stirred = True
        if u.t_s - check.start_t_s >= READINESS_S:
            check.result = not check.stirred

    def prompt(self) -> Prompt:
        state = self.state
        if state is None or self.t_s is None:
            return Prompt(
                PromptKind.WAITING,
                "Waiting for your heartbeat…",
                "Put the strap on, with its electrodes moistened. The first beats show here.",
            )
        if self.agreed is not None:
            return self._on_break(state, self.agreed)
        if state == State.FLOODED:
            return self._flooded()
        if state == State.SIGNAL_POOR:
            return Prompt(
                PromptKind.SIGNAL_POOR,
                "The strap signal is unclear.",
                "Check that the strap is snug and its electrodes are moist. Nothing is judged "
                "until the signal is clear again.",
            )
        if state == State.SEARCHING:
            return Prompt(
                PromptKind.SEARCHING,
                "Looking for your pulse…",
                "No heartbeat has come through for a few seconds, so nothing is judged just "
                "now. It comes back with the next beats; if it lasts, check that the strap sits "
                "snug against your skin.",
            )
        if self.back_in_talk and state in (State.READY, State.CALM):
            return Prompt(
                PromptKind.TIME_UP,
                break_due_words(True),
                "It is time to go back to the conversation. When you do:",
                tips=GO_BACK_TIPS,
            )
        if state == State.READY:
            return Prompt(
                PromptKind.READY,
                "Your body has settled.",
                "It is a good time to go back to the conversation. When you do:",
                tips=GO_BACK_TIPS,
            )
        if state == State.RECOVERING:
            return Prompt(
                PromptKind.COMING_DOWN,
                "Your heart rate is coming down.",
                f"A real break still helps: at least {break_minutes_text(self.break_min_s)}, "
                "so your body can clear the stress hormones.",
                actions=(Action.START_BREAK, Action.OPEN_PACER),
            )
        if state == State.RISING:
            return Prompt(
                PromptKind.RISING,
                "Your body is getting stirred up.",
                "Slow your breathing down: breathe out a little longer than you breathe in.",
                actions=(Action.OPEN_PACER,),
            )
        if state == State.CALIBRATING:
            elapsed_s = self.t_s - (self.first_t_s or self.t_s)
            return Prompt(
                PromptKind.CALIBRATING,
                "Getting to know your calm",
                "Sit comfortably and breathe as usual. pausepoint is learning your calm "
                f"level; this takes about {math.ceil(self.calibration_s / 60)} minutes.",
                progress=min(0.95, elapsed_s / self.calibration_s),
            )
        return self._calm()

    def _calm(self) -> Prompt:
        check = self._readiness
        if check is not None and check.result is None:
            done_s = 0.0 if check.start_t_s is None else (self.t_s or 0.0) - check.start_t_s
            return Prompt(
                PromptKind.CHECKING,
                "Checking if this is a good moment…",
                "Sit back and breathe as usual for a minute.",
                progress=min(1.0, done_s / READINESS_S),
            )
        if check is not None and check.result:
            return Prompt(
                PromptKind.GOOD_MOMENT,
                "This is a good moment.",
                "Your body is settled. When you talk:",
                tips=GO_BACK_TIPS,
                actions=(Action.CHECK_READINESS,),
                action_labels={Action.CHECK_READINESS: "Check again"},
            )
        if check is not None:
            return Prompt(
                PromptKind.NOT_YET,
                "Not quite settled yet.",
                "That's all right. Breathe slowly with the pacer for a few minutes, "
                "then check again.",
                actions=(Action.CHECK_READINESS,),
                action_labels={Action.CHECK_READINESS: "Check again"},
                pacer=True,
            )
        return Prompt(
            PromptKind.CALM,
            "You are calm.",
            "Before you talk, you can check that this is a good moment. It takes a minute.",
            actions=(Action.CHECK_READINESS, Action.OPEN_PACER),
        )

    def _flooded(self) -> Prompt:
        return Prompt(
            PromptKind.FLOODED,
            "Time to pause.",
            f"{FLOODED_WHY} Say this, then take a break:",
            say=f"“I'm flooded. I need a {break_length_text(self.break_min_s)} break. "
            "I'll come back.”",
            actions=(Action.START_BREAK,),
            emphasis=True,
        )

    def back_at_text(self, brk: AgreedBreak) -> str:
        """When the person said they would come back: "at 21:40", or "in 20 minutes"
        where the session's wall-clock start is not known."""
        if self.started_at is None:
            return f"in {break_minutes_text(brk.agreed_s)}"
        back = self.started_at + timedelta(seconds=brk.due_t_s)
        return f"at {back.strftime('%H:%M')}"

    def _on_break(self, state: State, brk: AgreedBreak) -> Prompt:
        assert self.now_t_s is not None
        elapsed_s = max(0.0, self.now_t_s - brk.start_t_s)
        left_s = max(0.0, brk.due_t_s - self.now_t_s)
        back_at = self.back_at_text(brk)
        tips: tuple[str, ...] = BREAK_WORDS
        if self.pulse_lost and state != State.SIGNAL_POOR:
            tips = (NO_PULSE if self.beatless else OUT_OF_REACH, *tips)
        elif state == State.SIGNAL_POOR:
            tips = ("The strap signal is unclear: check it is snug and moist.", *tips)
        more = {Action.MORE_TIME: more_time_label(self._cfg.break_.extend_s)}
        if brk.due_told:
            settled = None if self.pulse_lost else False
            return Prompt(
                PromptKind.SETTLING,
                break_due_words(settled),
                COME_BACK_UNKNOWN if settled is None else COME_BACK_SETTLING,
                tips=tips[:1] if self.pulse_lost else (),
                timer_text=short_clock_text(elapsed_s),
                timer_caption=BREAK_SO_FAR,
                progress=1.0,
                actions=(Action.MORE_TIME,),
                action_labels=more,
                pacer=True,
            )
        timer_text = short_clock_text(math.ceil(round(left_s, 3)))
        caption = "left of your break" if self.started_at is None else f"until {back_at[3:]}"
        progress = elapsed_s / brk.agreed_s
        if brk.settled_t_s is not None and state in (State.READY, State.CALM):
            return Prompt(
                PromptKind.READY,
                "Your body has settled.",
                f"You agreed to come back {back_at}; you can go back sooner if you both "
                "want to. When you do:",
                tips=GO_BACK_TIPS,
                timer_text=timer_text,
                timer_caption=caption,
                progress=progress,
            )
        return Prompt(
            PromptKind.BREAK,
            "You are on a break.",
            f"You agreed to come back {back_at}. Give your body time: "
            f"{hormones_text(self.break_min_s)}",
            tips=tips,
            timer_text=timer_text,
            timer_caption=caption,
            progress=progress,
            actions=(Action.MORE_TIME,),
            action_labels=more,
            pacer=True,
        )


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A line of the events list: something that happened, in words."""

    t_s: float
    text: str
    kind: str


def event_entry(event: Event, break_min_s: float) -> TimelineEntry:
    """An event as a line of the events list (flooding names the break minimum)."""
    text = event_words(event.kind, break_min_s, event.detail)
    if event.kind == EventKind.GAP and event.detail.get("reason") == "link lost":
        text = "The strap connection dropped; reconnecting."
    return TimelineEntry(event.t_s, text, str(event.kind))


def marker_entry(t_s: float, text: str) -> TimelineEntry:
    return TimelineEntry(t_s, f"You noted: {text}", "marker")


class SessionViewModel:
    """Everything the session view draws: the graphs' ring buffers, numbers, prompt, events."""

    def __init__(
        self,
        config: Config,
        *,
        capacity_s: float = MAX_WINDOW_S,
        point_every_s: float = POINT_EVERY_S,
    ) -> None:
        self.config = config
        self.point_every_s = point_every_s
        points = int(capacity_s / point_every_s) + 16
        self.arousal = RingSeries(points)
        self.hr = RingSeries(points)
        self.rr = RingSeries(int(capacity_s * MAX_BEATS_PER_S) + 16)
        self.checkin = CheckIn(config)
        self.flooding_line = flooding_arousal(config.arousal)
        self.rising_line = config.flooding.rising_enter
        self.reset()

    def reset(self) -> None:
        self.arousal.clear()
        self.hr.clear()
        self.rr.clear()
        self.checkin.reset()
        self.latest: Update | None = None
        self.entries: list[TimelineEntry] = []
        self.markers: list[tuple[float, str]] = []
        self.ended = False
        self.revision = 0
        """Grows with every change: the renderer draws only when it moved."""
        self._last_point_t_s: float | None = None
        self._last_state: State | None = None

    @property
    def t_s(self) -> float:
        """Session time now: the last update's, or the clock's while none comes."""
        return self.checkin.now_t_s or 0.0

    @property
    def started_at(self) -> datetime | None:
        return self.checkin.started_at

    @started_at.setter
    def started_at(self, moment: datetime | None) -> None:
        """The wall-clock moment of session time 0 (the agreed time is said as a clock)."""
        self.checkin.started_at = moment

    @property
    def state(self) -> State | None:
        return None if self.latest is None else self.latest.state

    def feed(self, u: Update) -> None:
        self.latest = u
        self.checkin.feed(u)
        for beat in u.beats:
            self.rr.append(beat.t_s, beat.rr_ms)
        due = self._last_point_t_s is None or u.t_s - self._last_point_t_s >= self.point_every_s
        if due or u.state != self._last_state:
            self.arousal.append(u.t_s, np.nan if u.arousal is None else u.arousal)
            self.hr.append(u.t_s, np.nan if u.hr_bpm is None else u.hr_bpm)
            self._last_point_t_s = u.t_s
            self._last_state = u.state
        self.entries += [event_entry(e, self.config.break_.min_s) for e in u.events]
        self.revision += 1

    def tick(self, now_t_s: float) -> None:
        """Session time passes without updates (the strap away): the break timer runs on."""
        before = self.checkin.now_t_s
        self.checkin.tick(now_t_s)
        if self.checkin.now_t_s != before:
            self.revision += 1

    def take_told(self) -> list[Event]:
        """The break's time-up events come since last asked (a live session records them)."""
        told, self.checkin.told = self.checkin.told, []
        return told

    def add_event(self, event: Event) -> None:
        """An event from outside the pipeline (strap lost, reconnected; more time asked
        for, the agreed time come)."""
        self.checkin.add_event(event)
        self.entries.append(event_entry(event, self.config.break_.min_s))
        self.revision += 1

    def add_marker(self, t_s: float, text: str) -> None:
        self.markers.append((t_s, text))
        self.entries.append(marker_entry(t_s, text))
        self.revision += 1

    def add_note(self, text: str) -> None:
        """A word about the session itself (an optical sensor), in the events list, where
        the person looks while it runs."""
        self.entries.append(TimelineEntry(self.t_s, text, "note"))
        self.revision += 1

    def start_break(self, t_s: float, agreed_s: float | None = None) -> None:
        self.checkin.start_break(t_s, agreed_s)
        self.revision += 1

    def begin_readiness(self) -> None:
        self.checkin.begin_readiness()
        self.revision += 1

    def end(self) -> None:
        self.ended = True
        self.revision += 1

    def prompt(self) -> Prompt:
        return self.checkin.prompt()

    def state_words(self) -> str:
        state = self.state
        return "waiting for the strap" if state is None else STATE_WORDS[state]

    def break_spans(self) -> list[tuple[float, float]]:
        return [
            (start, self.t_s if end is None else end)
            for start, end in self.checkin.break_spans
            if start is not None
        ]

    def hr_text(self) -> tuple[str, str]:
        """(current heart rate, how it compares with the calm level)."""
        u = self.latest
        if u is None or u.hr_bpm is None:
            return "–", "heart rate, beats a minute"
        if u.baseline is None:
            return f"{u.hr_bpm:.0f}", "learning your calm level"
        diff = round(u.hr_bpm - u.baseline.hr_bpm)
        how = "the same" if diff == 0 else f"{abs(diff)} {'above' if diff > 0 else 'below'}"
        return f"{u.hr_bpm:.0f}", f"your calm: {u.baseline.hr_bpm:.0f}\n{how}"

    def rhythm_text(self) -> str | None:
        """What a rhythm of many extra beats (or an irregular one) means for the judging."""
        u = self.latest
        return None if u is None or u.rhythm is None else RHYTHM_WORDS[u.rhythm]

    def rmssd_text(self) -> tuple[str, str]:
        u = self.latest
        if u is not None and u.rhythm is not None and u.rmssd_ms is None:
            return "–", "left out: judging by heart rate alone"
        if u is None or u.rmssd_ms is None:
            return "–", "after 30 s of beats"
        if u.baseline is None:
            return f"{u.rmssd_ms:.0f}", "learning your calm level"
        return f"{u.rmssd_ms:.0f}", f"your calm: {u.baseline.rmssd_ms:.0f}"


LINK_WORDS = {
    "scanning": "Looking for the strap…",
    "connecting": "Connecting…",
    "streaming": "Connected",
    "reconnecting": "Reconnecting…",
    "lost": "Strap lost",
    "stopped": "Not connected",
    "simulated": "Simulated",
    "ended": "Session ended",
    "replay": "Replay",
}


def partner_links_text(names: Sequence[str], links: Sequence[str]) -> str:
    """Each partner's strap link in words, e.g. "Sam: Connected · Alex: Reconnecting…"."""
    return "  ·  ".join(
        f"{name}: {LINK_WORDS.get(link, link)}" for name, link in zip(names, links, strict=True)
    )


@dataclass
class StatusModel:
    """The status line: which strap, its link, battery, signal, recording and elapsed time."""

    source_label: str = "No strap"
    link: str = "stopped"
    battery_pct: int | None = None
    recording: bool = False
    session_id: int | None = None
    message: str | None = None
    elapsed_s: float = 0.0
    signal: str = "–"
    revision: int = 0

    def feed(self, u: Update, signal: SignalConfig) -> None:
        """The update's time and its signal, judged by the configured artifact rates."""
        self.elapsed_s = u.t_s
        if u.state == State.SIGNAL_POOR:
            self.signal = "poor"
        elif u.artifact_rate is None:
            self.signal = "checking"
        elif u.artifact_rate <= signal.good_artifact_rate:
            self.signal = "good"
        elif u.artifact_rate < signal.poor_artifact_rate:
            self.signal = "fair"
        else:
            self.signal = "poor"
        self.revision += 1

    def set_link(self, link: str) -> None:
        self.link = str(link)
        self.revision += 1

    def set_strap(self, name: str | None, address: str | None, battery_pct: int | None) -> None:
        self.source_label = name or address or "Heart-rate strap"
        self.battery_pct = battery_pct
        self.revision += 1

    def set_message(self, message: str | None) -> None:
        self.message = message
        self.revision += 1

    def link_text(self) -> str:
        return LINK_WORDS.get(self.link, self.link)

    def battery_text(self) -> str:
        return "" if self.battery_pct is None else f"Battery {self.battery_pct} %"

    def signal_text(self) -> str:
        return f"Signal {self.signal}"

    def recording_text(self) -> str:
        if not self.recording:
            return "Not recording"
        where = f" (session {self.session_id})" if self.session_id is not None else ""
        return f"● Recording{where}"

    def elapsed_text(self) -> str:
        return clock_text(self.elapsed_s)

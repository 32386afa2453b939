"""What the couple view shows, as plain Python fed with the couple engine's updates (no Qt);
live (CoupleLiveSession) or replayed from the store (CoupleReplayModel).

Each partner has a lane: their own SessionViewModel (graphs, numbers, state in words, their
own check-in prompts while the two of them talk). The pause is shared: when either floods,
both lanes say "Let's pause" with one Start break for both; the break timer is one timer,
from the moment the pause began; "ready" comes only when both have settled, and until then
each lane says kindly who is still settling. Through the shared pause each lane's state
words and its graph's break band tell the couple's story, as the card does. Time is session
time, never a clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pausepoint.config import Config
from pausepoint.couple.engine import (
    PARTNERS,
    CoupleEngine,
    CoupleEvent,
    CoupleEventKind,
    CoupleState,
    CoupleUpdate,
    LinkageReport,
    couple_event_text,
    linkage_summary,
    partner_names,
    shown_state,
)
from pausepoint.couple.linkage import LinkageWindow
from pausepoint.model import Beat, Event, EventKind, Sample, State
from pausepoint.strap.catalogue import sensor_note
from pausepoint.ui.break_model import AgreedBreak
from pausepoint.ui.replay_model import (
    Playback,
    ReplayInfo,
    ReplayModel,
    source_words,
    strap_words,
)
from pausepoint.ui.session_model import RecordingShell, StrapHandlers, play_paced
from pausepoint.ui.view_model import (
    BREAK_SO_FAR,
    COME_BACK_SETTLING,
    COME_BACK_UNKNOWN,
    FLOODED_WHY,
    GO_BACK_TIPS,
    OUT_OF_REACH,
    Action,
    Prompt,
    PromptKind,
    SessionViewModel,
    StatusModel,
    TimelineEntry,
    event_entry,
    marker_entry,
    more_time_label,
    partner_links_text,
)
from pausepoint.words import STATE_WORDS, break_due_words, break_length_text, short_clock_text

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.reports.inputs import CoupleReportInput
    from pausepoint.sessions.recorder import CoupleRecorder
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import ConnectedStrap, LinkState

START_BOTH = "Start break for both"
BREAK_TIPS = ("Each on your own: walk or sit somewhere quiet, and breathe slowly.",)
OWN_STATES = (State.RISING, State.FLOODED, State.SIGNAL_POOR, State.SEARCHING)
"""After both settled, a lane shows its own prompt again when its partner stirs."""

TIME_TO_PAUSE = "time to pause"
ON_A_BREAK = STATE_WORDS[State.BREAK]
STILL_STIRRED_UP = f"{ON_A_BREAK} - still stirred up"
"""A body flooded during the shared break: a quiet note, the break being already taken."""
SETTLED_ON_BREAK = f"{ON_A_BREAK} - settled"


@dataclass(frozen=True)
class Chip:
    """The state words under a lane's card, and the state whose colour they wear."""

    state: State | None
    words: str


class LaneViewModel(SessionViewModel):
    """One partner's lane: their session view, with the prompt the couple agrees on; its
    ``state`` and ``state_words()`` are the chip's, which follows that prompt, and
    ``body_state`` is what the partner's own body says."""

    def __init__(self, config: Config, couple: CoupleViewModel, person: int) -> None:
        self.couple = couple
        self.person = person
        super().__init__(config)

    @property
    def body_state(self) -> State | None:
        """The partner's own state, shown flooded whenever their body is (couple.engine)."""
        return None if self.latest is None else self.latest.state

    @property
    def state(self) -> State | None:
        return self.couple.chip(self.person).state

    def state_words(self) -> str:
        return self.couple.chip(self.person).words

    def body_words(self) -> str:
        state = self.body_state
        return "waiting for the strap" if state is None else STATE_WORDS[state]

    def own_prompt(self) -> Prompt:
        return super().prompt()

    def prompt(self) -> Prompt:
        return self.couple.prompt(self.person)

    def break_spans(self) -> list[tuple[float, float]]:
        """The couple's breaks, the same band in both lanes (see CoupleViewModel)."""
        return self.couple.break_spans()

    @property
    def states_only(self) -> bool:
        return self.couple.states_only[self.person]


class CoupleViewModel:
    """Both lanes, the couple's state and events, and the shared prompts."""

    def __init__(self, configs: Sequence[Config], names: Sequence[str] = partner_names()) -> None:
        self.names = tuple(names)
        self.lanes = tuple(LaneViewModel(configs[p], self, p) for p in range(len(PARTNERS)))
        self.states_only = [False, False]
        """A partner who chose to show only their state: their lane has the state chip and
        words, no numbers and no graph (their profile's ``partner_sees``)."""
        self.break_min_s = configs[0].break_.min_s
        self.extend_s = configs[0].break_.extend_s
        self.reset()

    def reset(self) -> None:
        for lane in self.lanes:
            lane.reset()
        self.state = CoupleState.TOGETHER
        self.flooded = (False, False)
        self.ready = [False, False]
        self.pause_start_s: float | None = None
        self.agreed: AgreedBreak | None = None
        """The time the couple agreed to come back, from the pause's start."""
        self.paused_by: str | None = None
        self.break_taken = False
        """Start break pressed for this pause (or the pause was theirs from the start)."""
        self.breaks: list[list[float | None]] = []
        """[start, end] of each shared pause taken as a break: from the pause's start, where
        its one timer starts, to both settled (end None while it lasts)."""
        self.couple_events: list[CoupleEvent] = []
        self.entries: list[TimelineEntry] = []
        self.notes: list[str] = []
        """Words about the session itself (a partner's optical sensor), under the title."""
        self.linkage_text: str | None = None
        self.ended = False
        self.revision = 0

    @property
    def t_s(self) -> float:
        return max(lane.t_s for lane in self.lanes)

    def set_states_only(self, person: int, states_only: bool) -> None:
        if self.states_only[person] != states_only:
            self.states_only[person] = states_only
            self.revision += 1

    def set_started_at(self, moment: datetime) -> None:
        """The wall-clock moment of session time 0 (the agreed time is said as a clock)."""
        for lane in self.lanes:
            lane.started_at = moment

    def feed(self, cu: CoupleUpdate) -> None:
        lane = self.lanes[cu.person]
        lane.feed(replace(cu.update, state=shown_state(cu)))
        for event in cu.update.events:
            if event.kind == EventKind.READY and cu.state != CoupleState.TOGETHER:
                self.ready[cu.person] = True
            elif event.kind == EventKind.FLOODING_START:
                self.ready[cu.person] = False
        for event in cu.update.events:
            entry = event_entry(event, self.break_min_s)
            name = self.names[cu.person]
            self.entries.append(replace(entry, text=f"{name}: {entry.text}"))
        for couple_event in cu.couple_events:
            self._couple_event(couple_event)
        self.state = cu.state
        self.flooded = cu.flooded
        self.revision += 1

    def _couple_event(self, event: CoupleEvent) -> None:
        self.couple_events.append(event)
        text = couple_event_text(event, self.break_min_s, self.names)
        self.entries.append(TimelineEntry(event.t_s, text, str(event.kind)))
        if event.kind == CoupleEventKind.SHARED_PAUSE_START:
            self.pause_start_s = event.t_s
            by = event.detail.get("by", "")
            self.paused_by = by if by in PARTNERS else None
            self.break_taken = self.paused_by is None
            self.ready = [False, False]
            if self.break_taken:
                self.breaks.append([event.t_s, None])
        elif event.kind == CoupleEventKind.SHARED_READY:
            for span in self.breaks:
                if span[1] is None:
                    span[1] = event.t_s

    def start_break(self, t_s: float, agreed_s: float | None = None) -> None:
        """Start break for both was pressed (for ``agreed_s``, from the pause's start): both
        lanes show the shared break at once."""
        if self._paused() and not self.break_taken:
            self.breaks.append([self.pause_start_s, None])
        self.break_taken = True
        if self.pause_start_s is None or self.state != CoupleState.PAUSE:
            self.pause_start_s = t_s
        self.agreed = AgreedBreak(self.pause_start_s, agreed_s or self.break_min_s)
        for lane in self.lanes:
            lane.start_break(self.pause_start_s, self.agreed.agreed_s)
        self.revision += 1

    def more_time(self, t_s: float) -> Event | None:
        """ "We need more time": the event that says so, for both partners (None without a
        break); it takes effect through ``add_event``."""
        return self.lanes[0].checkin.more_time(t_s)

    def add_event(self, person: int, event: Event) -> None:
        """An event from outside the engine, one partner's (a strap lost or back, the agreed
        time come for them) or both's (more time asked for, added to each)."""
        self.lanes[person].add_event(event)
        agreed_s = event.detail.get("agreed_s")
        if event.kind == EventKind.BREAK_EXTENDED and self.agreed is not None and agreed_s:
            self.agreed.agreed_s = float(agreed_s)
        entry = event_entry(event, self.break_min_s)
        self.entries.append(replace(entry, text=f"{self.names[person]}: {entry.text}"))
        self.revision += 1

    def add_note(self, text: str) -> None:
        self.notes.append(text)
        self.entries.append(TimelineEntry(self.t_s, text, "note"))
        self.revision += 1

    def tick(self, now_t_s: float) -> None:
        for lane in self.lanes:
            lane.tick(now_t_s)
        self.revision += 1

    def take_told(self) -> list[tuple[int, Event]]:
        """Each partner's time-up since last asked: whether their body had settled."""
        return [(p, event) for p, lane in enumerate(self.lanes) for event in lane.take_told()]

    def add_marker(self, t_s: float, text: str) -> None:
        for lane in self.lanes:
            lane.add_marker(t_s, text)
        self.revision += 1

    def end(self) -> None:
        self.ended = True
        for lane in self.lanes:
            lane.end()
        self.revision += 1

    def set_linkage(self, text: str | None) -> None:
        self.linkage_text = text
        self.revision += 1

    # ------------------------------------------------------------------ words

    def state_words(self) -> str:
        if self.state == CoupleState.PAUSE:
            return "Pausing together" if self.break_taken else "Time to pause together"
        if self.state == CoupleState.READY:
            return "Both settled"
        return "Talking"

    def break_spans(self) -> list[tuple[float, float]]:
        """The shared breaks, as a lane's graph shows them: a pause shows once taken (its
        band then starts with the pause, as its timer does) and ends when both settled."""
        return [
            (start, self.t_s if end is None else end)
            for start, end in self.breaks
            if start is not None
        ]

    def _paused(self) -> bool:
        """The shared pause is on: both lanes show its card, not their own."""
        return self.state == CoupleState.PAUSE and self.pause_start_s is not None

    def _ready_together(self, person: int) -> bool:
        """Both settled, and this partner not stirred again: the lane shows the shared ready."""
        return self.state == CoupleState.READY and self.lanes[person].body_state not in OWN_STATES

    def chip(self, person: int) -> Chip:
        """A lane's state words, telling what its card tells: the pause and the break are the
        couple's, whatever one body says; a body flooded or settled in the break adds a
        quiet note to "on a break", never a second call to pause."""
        lane = self.lanes[person]
        if self._paused():
            if not self.break_taken:
                return Chip(State.FLOODED, TIME_TO_PAUSE)
            if self.flooded[person]:
                return Chip(State.BREAK, STILL_STIRRED_UP)
            if self.ready[person]:
                return Chip(State.BREAK, SETTLED_ON_BREAK)
            return Chip(State.BREAK, ON_A_BREAK)
        if self._ready_together(person):
            return Chip(State.READY, STATE_WORDS[State.READY])
        return Chip(lane.body_state, lane.body_words())

    def still_settling(self) -> list[str]:
        """Who is still settling in a pause (names), in lane order."""
        if self.state != CoupleState.PAUSE:
            return []
        return [
            name
            for name, ready, flooded in zip(self.names, self.ready, self.flooded, strict=True)
            if flooded or not ready
        ]

    def prompt(self, person: int) -> Prompt:
        if self._paused():
            return self._on_break(person) if self.break_taken else self._lets_pause(person)
        if self._ready_together(person):
            return Prompt(
                PromptKind.READY,
                "You have both settled.",
                "It is a good time to come back together. When you do:",
                tips=GO_BACK_TIPS,
            )
        return self.lanes[person].own_prompt()

    def _lets_pause(self, person: int) -> Prompt:
        if self.flooded[person]:
            why = FLOODED_WHY
        else:
            flooded = [n for n, f in zip(self.names, self.flooded, strict=True) if f]
            who = " and ".join(flooded) or "One of you"
            why = (
                f"{who} is flooded. It happens to everyone; pausing together is "
                "about two bodies, not about who is right."
            )
        return Prompt(
            PromptKind.FLOODED,
            "Let's pause.",
            f"{why} Say this, then both take a break:",
            say=f"“Let's pause. We need a {break_length_text(self.break_min_s)} break. "
            "We'll come back.”",
            actions=(Action.START_BREAK,),
            action_labels={Action.START_BREAK: START_BOTH},
            emphasis=True,
        )

    def _on_break(self, person: int) -> Prompt:
        assert self.pause_start_s is not None
        agreed = self.agreed or AgreedBreak(self.pause_start_s, self.break_min_s)
        lane = self.lanes[person]
        now_t_s = self.t_s
        elapsed_s = max(0.0, now_t_s - self.pause_start_s)
        left_s = max(0.0, agreed.due_t_s - now_t_s)
        other = self.names[1 - person]
        back_at = lane.checkin.back_at_text(agreed)
        away = lane.checkin.pulse_lost
        tips = (OUT_OF_REACH, *BREAK_TIPS) if away else BREAK_TIPS
        more = {Action.MORE_TIME: more_time_label(self.extend_s)}
        if left_s > 0.0:
            return Prompt(
                PromptKind.BREAK,
                "You are both on a break.",
                f"You agreed to come back {back_at}, one timer for you both. Go where you "
                "can't see or hear each other; don't rehearse the argument.",
                tips=tips,
                timer_text=short_clock_text(math.ceil(round(left_s, 3))),
                timer_caption="left of your break",
                progress=elapsed_s / agreed.agreed_s,
                actions=(Action.MORE_TIME,),
                action_labels=more,
                pacer=True,
            )
        timer_text = short_clock_text(elapsed_s)
        settled = self.ready[person] and not self.flooded[person]
        if settled:
            return Prompt(
                PromptKind.TIME_UP,
                "Your body has settled.",
                f"{other} is still settling. There is no rush: rest a little longer, "
                "and come back together when you both are.",
                tips=BREAK_TIPS,
                timer_text=timer_text,
                timer_caption=BREAK_SO_FAR,
                progress=1.0,
            )
        body = COME_BACK_UNKNOWN if away else COME_BACK_SETTLING
        if other not in self.still_settling():
            body += f" {other} has settled and will wait for you."
        return Prompt(
            PromptKind.SETTLING,
            break_due_words(None if away else False),
            body,
            tips=tips,
            timer_text=timer_text,
            timer_caption=BREAK_SO_FAR,
            progress=1.0,
            actions=(Action.MORE_TIME,),
            action_labels=more,
            pacer=True,
        )


class CoupleLiveSession(RecordingShell["CoupleRecorder", CoupleViewModel]):
    """Feeds each partner's samples through the couple recorder (or a bare engine when
    nothing can be recorded) and each CoupleUpdate to the view; Start break for both goes
    through the recorder, so a replay pauses at the same point."""

    def __init__(
        self,
        config: Config,
        view: CoupleViewModel,
        status: StatusModel,
        *,
        recorder: CoupleRecorder | None = None,
        engine: CoupleEngine | None = None,
    ) -> None:
        super().__init__(config, view, status, recorder)
        if recorder is not None:
            self.engine: CoupleEngine = recorder.engine
        elif engine is not None:
            self.engine = engine
        else:
            raise ValueError("a CoupleLiveSession needs a recorder or an engine")
        self.beats: tuple[list[Beat], list[Beat]] = ([], [])
        """Each partner's beats, kept whole for the linkage at the end."""
        self.links = ["scanning"] * len(PARTNERS)
        """Each partner's strap link."""

    @classmethod
    def open(
        cls,
        config: Config,
        view: CoupleViewModel,
        status: StatusModel,
        store: Store | None,
        *,
        source: str,
        details: dict[str, Any] | None = None,
        profiles: Sequence[Profile | None] = (None, None),
    ) -> CoupleLiveSession:
        """Record into ``store`` when there is one; else run unrecorded and say so.
        ``profiles``: each partner's calibration.Profile (or None: learnt in the session)."""
        from pausepoint.sessions.recorder import CoupleRecorder
        from pausepoint.sessions.settings import CoupleSettings

        view.reset()
        view.set_started_at(datetime.now().astimezone())
        settings = CoupleSettings.for_profiles(profiles)
        recorder = cls._recorder(
            store,
            status,
            lambda store: CoupleRecorder(
                store,
                config,
                source=source,
                settings=settings,
                details=details,
                profiles=(_name_of(profiles[0]), _name_of(profiles[1])),
            ),
        )
        if recorder is not None:
            return cls(config, view, status, recorder=recorder)
        return cls(config, view, status, engine=settings.build(config))

    def feed(self, person: int, sample: Sample) -> CoupleUpdate | None:
        if self.finished:
            return None
        if self.recorder is not None:
            try:
                cu = self.recorder.feed(person, sample)
            except Exception as exc:
                self._stop_recording(exc)
                return None
        else:
            cu = self.engine.push(person, sample)
        self._show(cu)
        return cu

    def tick(self, now_t_s: float) -> None:
        """Also each connected partner's pipeline: a strap that stays silent is looked for
        (one out of reach is said so by the break card and the status line)."""
        for person, link in enumerate(self.links):
            connected = link == "streaming" and not self.finished
            cu = self.engine.tick(person, now_t_s) if connected else None
            if cu is not None:
                self._show(cu)
        super().tick(now_t_s)

    def _show(self, cu: CoupleUpdate) -> None:
        self.updates += 1
        self.beats[cu.person].extend(cu.update.beats)
        self.view.feed(cu)
        self.status.feed(cu.update, self.config.signal)
        self._record_told()

    def start_break(self, agreed_s: float | None = None) -> None:
        """Start break for both (for ``agreed_s``): the couple's own pause, recorded as
        theirs."""
        t_s = self.view.t_s
        agreed_s = agreed_s or self.config.break_.min_s
        if self.recorder is not None:
            self.recorder.start_pause(t_s, agreed_s)
        else:
            self.engine.start_pause(t_s)
        self.view.start_break(t_s, agreed_s)

    def more_time(self) -> None:
        """ "We need more time": the agreed time moves on for both, and the session says so."""
        event = self.view.more_time(self.view.t_s)
        if event is not None:
            for person in range(len(self.view.lanes)):
                self.add_source_event(person, event)

    def _record_told(self) -> None:
        for person, event in self.view.take_told():
            self.add_source_event(person, event)

    def add_source_event(self, person: int, event: Event) -> None:
        """A partner's strap dropped or came back, or their agreed time came: recorded with
        that partner, and shown."""
        if self.recorder is not None:
            self.recorder.add_source_event(person, event)
        self.view.add_event(person, event)

    def set_strap(self, person: int, info: ConnectedStrap) -> None:
        if self.recorder is not None:
            self.recorder.set_strap(person, info.name, info.address)
        self._say_once(sensor_note(info.name, self.view.names[person]))

    def strap_sinks(self) -> list[StrapHandlers]:
        """Where each partner's strap goes; the status line gives each partner's link."""

        def link(person: int, state: LinkState) -> None:
            self.links[person] = str(state)
            self.status.set_link(partner_links_text(self.view.names, self.links))

        def sink(person: int) -> StrapHandlers:
            def feed(sample: Sample) -> None:
                self.feed(person, sample)

            def on_event(event: Event) -> None:
                self.add_source_event(person, event)

            def on_info(info: ConnectedStrap) -> None:
                self.set_strap(person, info)

            def on_state(state: LinkState) -> None:
                link(person, state)

            return StrapHandlers(feed, on_event, on_info, on_state)

        self.status.set_link(partner_links_text(self.view.names, self.links))
        return [sink(person) for person in range(len(PARTNERS))]

    def finish(self) -> None:
        """End of both streams: the held beats released, the session complete, linkage shown."""
        if self.finished:
            return
        self.finished = True
        if self.recorder is not None:
            try:
                updates = self.recorder.finish()
            except Exception as exc:
                self._stop_recording(exc)
                updates = []
        else:
            updates = self.engine.finish()
        for cu in updates:
            self._show(cu)
        self.view.set_linkage(linkage_text(self.beats, self.view.names, self.config))
        self.view.end()


def _name_of(profile: Profile | None) -> str | None:
    return None if profile is None else profile.name


def linkage_text(beats: Sequence[Sequence[Beat]], names: Sequence[str], config: Config) -> str:
    """The linkage of the two heart rates in plain words: exploratory, never a verdict."""
    from pausepoint.couple.engine import couple_linkage

    report = couple_linkage(beats[0], beats[1], config.linkage)
    return linkage_summary(report, names)


def merged_couple_samples(
    scenario: str, seed: int, minutes: float | None = None
) -> list[tuple[int, Sample]]:
    """A simulated couple as one stream of (person, sample) in time order."""
    from pausepoint.couple.engine import merge
    from pausepoint.sources.simulated.couples import simulate_couple

    recording = simulate_couple(scenario, seed=seed, minutes=minutes)
    return merge(recording.a.samples, recording.b.samples)


async def play_couple(
    session: CoupleLiveSession,
    stream: Sequence[tuple[int, Sample]],
    speed: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Feed a merged couple stream at ``speed`` times its pace (inf: at once)."""
    persons = iter([person for person, _ in stream])

    def feed(sample: Sample) -> None:
        session.feed(next(persons), sample)

    await play_paced(session, [s for _, s in stream], feed, speed, sleep=sleep, clock=clock)


STARTED_TOGETHER = "You started the break together."


def couple_words(profile_a: str | None, profile_b: str | None) -> str:
    """How the session list names a couple: "Couple: Sam & Alex", "Couple: Partner A & B"."""
    if profile_a is None and profile_b is None:
        return f"Couple: Partner {PARTNERS[0]} & {PARTNERS[1]}"
    a, b = partner_names((profile_a, profile_b))
    return f"Couple: {a} & {b}"


def couple_source_words(info: SessionInfo) -> str:
    """Who and where from, for a couple session's row."""
    kind = info.source.partition(":")[0]
    straps = " / ".join(strap_words(name) for name in (info.strap_name, info.strap_name_b) if name)
    where = (straps or "heart-rate straps") if kind == "ble" else source_words(info.source)
    return f"{couple_words(info.profile, info.profile_b)}, {where}"


def _presses(
    updates: Sequence[CoupleUpdate], pause_actions: Sequence[tuple[int, float]]
) -> list[tuple[int, float]]:
    """When the lanes showed Start break for both as pressed: ``(before, t_s)``, applied
    before update ``before``. The couple's own presses are where they were recorded; a
    shared pause with no press recorded (a session recorded without the dashboard, where
    the words to take the break were all there was) shows as taken when it began."""
    starts: list[tuple[int, float]] = []
    readies: list[int] = []
    for i, cu in enumerate(updates):
        for event in cu.couple_events:
            if event.kind == CoupleEventKind.SHARED_READY:
                readies.append(i)
            elif event.detail.get("by") in PARTNERS:
                starts.append((i, event.t_s))
    presses = list(pause_actions)
    for start, t_s in starts:
        end = next((i for i in readies if i > start), len(updates))
        if not any(start < before <= end for before, _t_s in pause_actions):
            presses.append((start + 1, t_s))
    return sorted(presses)


def _due_s(updates: Sequence[CoupleUpdate]) -> np.ndarray:
    """When each update is shown: at its time, or earlier to bring in an event it reports
    that happened before it (a break started on a partner between their samples), so a jump
    to an event lands on it. Never decreasing, so the updates stay in order."""
    due_s = np.array([cu.t_s for cu in updates], dtype=float)
    for i, cu in enumerate(updates):
        for t_s in [e.t_s for e in cu.update.events] + [e.t_s for e in cu.couple_events]:
            due_s[i] = min(due_s[i], t_s)
    return np.minimum.accumulate(due_s[::-1])[::-1]


class CoupleReplayModel(Playback):
    """A stored couple session fed once through a fresh couple engine; the couple view shows
    it at any moment (``seek``, ``advance`` at ``speed``), as ReplayModel does for one."""

    def __init__(
        self,
        info: ReplayInfo,
        updates: Sequence[CoupleUpdate],
        view: CoupleViewModel,
        *,
        linkage: LinkageReport,
        markers: Sequence[tuple[float, str]] = (),
        source_events: Sequence[tuple[int, Event]] = (),
        pause_actions: Sequence[tuple[int, float]] = (),
        agreed_s: dict[float, float] | None = None,
        stored: SessionInfo | None = None,
    ) -> None:
        """``pause_actions``: the couple's Start break for both, as (samples recorded
        before it, t_s); ``agreed_s``: the break each agreed on, by its press's t_s;
        ``stored``: the session's store.SessionInfo, for the report."""
        self.info = info
        self.updates = list(updates)
        self.view = view
        self.linkage = linkage
        self.markers = sorted(markers)
        self.source_events = sorted(source_events, key=lambda pe: pe[1].t_s)
        self.pause_actions = sorted(pause_actions)
        self.agreed_s = agreed_s or {}
        self.stored = stored
        self.summary = linkage_summary(linkage, view.names)
        self.position_s = info.start_t_s
        self._presses = _presses(self.updates, self.pause_actions)
        self._due_s = _due_s(self.updates)
        self._next = self._next_marker = self._next_press = self._next_source = 0
        view.reset()
        self.seek(info.start_t_s)

    @classmethod
    def load(cls, store: Store, session_id: int, config: Config) -> CoupleReplayModel:
        """Replay the session as `pausepoint replay` does and measure its linkage (a second
        or two for an hour: the caller shows a wait cursor)."""
        from pausepoint.couple.engine import updates_linkage
        from pausepoint.sessions.records import PAUSE
        from pausepoint.sessions.replay import CoupleEngineReplay

        replay = CoupleEngineReplay(store, session_id, config)
        stored = replay.info
        updates = list(replay.run())
        names = partner_names((stored.profile, stored.profile_b))
        view = CoupleViewModel([p.config(config) for p in replay.settings.partners], names)
        start_t_s = min((cu.t_s for cu in updates), default=0.0)
        end_t_s = max((cu.t_s for cu in updates), default=0.0)
        started = stored.started_utc.astimezone()
        view.set_started_at(started)
        pauses = [a for a in store.actions(session_id) if a.kind == PAUSE]
        title = f"Session {stored.id}, {started:%Y-%m-%d %H:%M}, {couple_source_words(stored)}"
        if stored.note:
            title += f": {stored.note}"
        return cls(
            ReplayInfo(stored.id, title, start_t_s, end_t_s, stored.source, stored.note or ""),
            updates,
            view,
            linkage=updates_linkage(updates, config.linkage),
            markers=[(m.t_s, m.text) for m in store.markers(session_id)],
            source_events=store.person_events(session_id, origin="source"),
            pause_actions=[(a.seq, a.t_s) for a in pauses],
            agreed_s={a.t_s: a.detail["agreed_s"] for a in pauses if "agreed_s" in a.detail},
            stored=stored,
        )

    @property
    def names(self) -> tuple[str, str]:
        a, b = self.view.names
        return a, b

    def couple_events(self) -> list[CoupleEvent]:
        return [event for cu in self.updates for event in cu.couple_events]

    def entries(self) -> list[TimelineEntry]:
        """Both partners' events (by name), the couple's, the breaks they started, their
        notes and the straps' events, in time order."""
        names = self.names
        entries: list[TimelineEntry] = []
        for cu in self.updates:
            for event in cu.update.events:
                entry = event_entry(event, self.view.break_min_s)
                entries.append(replace(entry, text=f"{names[cu.person]}: {entry.text}"))
            for couple_event in cu.couple_events:
                text = couple_event_text(couple_event, self.view.break_min_s, names)
                entries.append(TimelineEntry(couple_event.t_s, text, str(couple_event.kind)))
        entries += [TimelineEntry(t_s, STARTED_TOGETHER, "pause") for _, t_s in self.pause_actions]
        entries += [marker_entry(t_s, text) for t_s, text in self.markers]
        for person, event in self.source_events:
            entry = event_entry(event, self.view.break_min_s)
            entries.append(replace(entry, text=f"{names[person]}: {entry.text}"))
        return sorted(entries, key=lambda entry: entry.t_s)

    def seek(self, t_s: float) -> None:
        t_s = min(max(t_s, self.info.start_t_s), self.info.end_t_s)
        if t_s < self.position_s or self._next == 0:
            self.view.reset()
            self._next = self._next_marker = self._next_press = self._next_source = 0
        updates = self.updates
        while self._next < len(updates) and self._due_s[self._next] <= t_s:
            self._press(self._next)
            self.view.feed(updates[self._next])
            self._next += 1
        self._press(self._next)
        while self._next_marker < len(self.markers) and self.markers[self._next_marker][0] <= t_s:
            self.view.add_marker(*self.markers[self._next_marker])
            self._next_marker += 1
        events = self.source_events
        while self._next_source < len(events) and events[self._next_source][1].t_s <= t_s:
            self.view.add_event(*events[self._next_source])
            self._next_source += 1
        self.view.tick(t_s)
        self.position_s = t_s
        if self._next >= len(updates):
            self.view.end()

    def _press(self, before: int) -> None:
        """Start break for both, shown where it was pressed (see _presses)."""
        presses = self._presses
        while self._next_press < len(presses) and presses[self._next_press][0] <= before:
            t_s = presses[self._next_press][1]
            self.view.start_break(t_s, self.agreed_s.get(t_s))
            self._next_press += 1

    def window_at(self, t_s: float) -> LinkageWindow | None:
        """The linkage window centred nearest ``t_s`` (None before the first one ends)."""
        windows = self.linkage.windows
        if not windows or t_s < windows[0].start_s:
            return None
        return min(windows, key=lambda w: abs((w.start_s + w.end_s) / 2 - t_s))

    def window_words(self, window: LinkageWindow) -> str:
        """One window in words: in step beyond chance or not, and whose changes came first."""
        span = f"{short_clock_text(window.start_s)}–{short_clock_text(window.end_s)}"
        if not window.linked:
            return f"{span}: no more in step than chance gives"
        if window.lag_s == 0:
            return f"{span}: in step, at the same moment"
        first, second = (0, 1) if window.lag_s > 0 else (1, 0)
        return (
            f"{span}: in step, {self.names[first]} first, "
            f"{self.names[second]} {abs(window.lag_s)} s later"
        )

    def report_input(self, withheld: tuple[bool, bool] = (False, False)) -> CoupleReportInput:
        """The couple report of this replay, both partners on one page with the linkage
        already measured (``withheld``: partners whose numbers and graph are left out)."""
        from pausepoint.reports.inputs import CoupleReportInput

        if self.stored is None:
            raise ValueError("a couple report needs the stored session's details")
        return CoupleReportInput.of_session(
            self.stored, self.updates, self.linkage, self.markers, withheld
        )


def load_replay(
    store: Store, session_id: int, config: Config, view: SessionViewModel
) -> ReplayModel | CoupleReplayModel:
    """A past session ready to show: a couple's in two lanes, one person's in ``view``."""
    if store.session(session_id).persons == 2:
        return CoupleReplayModel.load(store, session_id, config)
    return ReplayModel.load(store, session_id, config, view)


def export_couple(store: Store, session_id: int, path: Path) -> list[Path]:
    """Each partner's beats, as `export --person` writes them: ``path`` with -A and -B
    added (pausepoint CSV, arrival times kept; Kubios RR text for .txt)."""
    from pausepoint.sources.files import partner_path, write_heart_file

    written = []
    for person in range(len(PARTNERS)):
        out = partner_path(path, person)
        write_heart_file(out, store.samples(session_id, person))
        written.append(out)
    return written

"""The recording shell: every raw sample goes into the store before the pipeline sees it.

One consumer is fed samples in order (an async iterator here, a BLE callback in the
dashboard): it stores each sample, pushes it through the pipeline, stores the events the
pipeline yields and keeps the session's summary current. The way the pipeline was built
and every user action that changes it (a break started) are stored too, at the point of the
stream where they happened, so that a replay is the live session again, event for event.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pausepoint.config import Config
from pausepoint.couple.engine import CoupleEngine, CoupleUpdate, shown_state
from pausepoint.model import Baseline, Event, Sample, State, Update
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.pipeline.summary import Summary
from pausepoint.sessions.store import (
    SessionStatus,
    SessionSummary,
    SessionWriter,
    Store,
    StoreError,
)

BREAK = "break"
"""The action kind for a break the user started (in a couple session: one the couple engine
started on a partner's pipeline, kept for the record; a replay works it out again)."""
PAUSE = "pause"
"""The action kind for a shared pause the couple started themselves."""


@dataclass(frozen=True)
class PipelineSettings:
    """How a session's pipeline was built: stored with the session, so replay builds the same."""

    auto_break: bool = False
    baseline: Baseline | None = None
    baseline_window_s: tuple[float, float] | None = None
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Threshold changes (a profile's) over calibration/defaults.toml, as Config.override takes."""

    def config(self, config: Config) -> Config:
        """The thresholds this pipeline judges by: the defaults with the overrides applied."""
        return config.override(self.overrides) if self.overrides else config

    @classmethod
    def for_profile(cls, profile: Any | None, *, auto_break: bool = False) -> PipelineSettings:
        """A person's pipeline: their profile's calm level and thresholds (calibration.Profile),
        or with None the defaults, the calm level learnt in the first minutes."""
        if profile is None:
            return cls(auto_break=auto_break)
        return cls(auto_break=auto_break, baseline=profile.baseline, overrides=profile.overrides())

    def build(self, config: Config) -> Pipeline:
        return Pipeline(
            self.config(config),
            baseline=self.baseline,
            baseline_window_s=self.baseline_window_s,
            auto_break=self.auto_break,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "auto_break": self.auto_break,
            "baseline": None if self.baseline is None else asdict(self.baseline),
            "baseline_window_s": self.baseline_window_s,
            "overrides": self.overrides,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PipelineSettings:
        baseline = data.get("baseline")
        if baseline is not None:
            window = baseline.get("window_s")
            baseline = Baseline(
                **{**baseline, "window_s": None if window is None else tuple(window)}
            )
        window_s = data.get("baseline_window_s")
        return cls(
            auto_break=bool(data.get("auto_break", False)),
            baseline=baseline,
            baseline_window_s=None if window_s is None else (window_s[0], window_s[1]),
            overrides=data.get("overrides") or {},
        )


class _SessionRecording:
    """What both recorders share: the session writer, its id, and saving what can be saved
    after an error."""

    _writer: SessionWriter

    @property
    def session_id(self) -> int | None:
        """None until an atomic session is written, and for a session discarded as empty."""
        return self._writer.session_id

    @property
    def samples_recorded(self) -> int:
        return self._writer.samples_recorded

    def abort(self) -> None:
        """After an error: a live session keeps what can be saved, as interrupted; an atomic
        one writes nothing."""
        if self._writer.finished:
            return
        if self._writer.live:
            with contextlib.suppress(StoreError):
                self._writer.finish(SessionStatus.INTERRUPTED)
        self._writer.abandon()


async def _record(
    recorder: _SessionRecording,
    stream: AsyncIterable[Any],
    feed: Callable[[Any], Any],
    finish: Callable[[], list[Any]],
    on_update: Callable[[Any], None] | None,
) -> None:
    """Feed a recorder until its stream ends or the task is cancelled (Ctrl-C): both finish
    a live session as complete (a cancelled atomic one writes nothing); an error saves a
    live session as interrupted and is raised."""

    def finish_to() -> None:
        try:
            updates = finish()
        except BaseException:
            recorder.abort()
            raise
        for update in updates:
            if on_update is not None:
                on_update(update)

    try:
        async for item in stream:
            update = feed(item)
            if on_update is not None:
                on_update(update)
    except (asyncio.CancelledError, KeyboardInterrupt):
        if recorder._writer.live:
            finish_to()
        else:
            recorder.abort()
        raise
    except BaseException:
        recorder.abort()
        raise
    finish_to()


class Recorder(_SessionRecording):
    """Records one session: ``feed`` each sample, ``finish`` at the end (``run`` does both)."""

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        source: str,
        settings: PipelineSettings | None = None,
        note: str | None = None,
        strap_name: str | None = None,
        strap_address: str | None = None,
        profile: str | None = None,
        details: dict[str, Any] | None = None,
        atomic: bool = False,
    ) -> None:
        """``details``: more to keep with the session (e.g. the simulator's seed).
        ``atomic``: write the whole session at ``finish`` or nothing (imports)."""
        settings = settings or PipelineSettings()
        self.pipeline = settings.build(config)
        self.summary = Summary()
        self._state = State.CALIBRATING
        self._last_update_t_s: float | None = None
        self._last_sample_t_s: float | None = None
        self._writer: SessionWriter = store.begin_session(
            source,
            note=note,
            strap_name=strap_name,
            strap_address=strap_address,
            profile=profile,
            settings={**(details or {}), "pipeline": settings.to_dict()},
            atomic=atomic,
        )

    def feed(self, sample: Sample) -> Update:
        self._writer.add_sample(sample, hold=True)
        self._last_sample_t_s = sample.t_s
        update = self.pipeline.push(sample)
        self._note(update)
        self._writer.flush_if_due()
        return update

    def start_break(self, t_s: float) -> None:
        """The user chose to pause: recorded first, so a replay pauses at the same point."""
        self._writer.add_action(t_s, BREAK)
        self.pipeline.start_break(t_s)

    def add_marker(self, t_s: float, text: str) -> None:
        self._writer.add_marker(t_s, text)

    def add_source_event(self, event: Event) -> None:
        """An event from the source, not the pipeline (strap lost, reconnected)."""
        self._writer.add_events([event], origin="source")

    def add_pmd_frame(self, t_s: float, kind: str, raw: bytes) -> None:
        self._writer.add_pmd_frame(t_s, kind, raw)

    def set_strap(self, name: str | None, address: str | None) -> None:
        self._writer.set_strap(name, address)

    def finish(self) -> Update | None:
        """Release the beats held for look-ahead, write the rest, mark the session complete.

        Returns the pipeline's last update (None when no sample came: then the empty session
        is not kept)."""
        if self._writer.finished:
            return None
        update = None
        if self._last_sample_t_s is not None:
            update = self.pipeline.finish(self._last_sample_t_s)
            self._note(update)
        self._writer.finish(SessionStatus.COMPLETE)
        return update

    async def run(
        self,
        samples: AsyncIterable[Sample],
        on_update: Callable[[Update], None] | None = None,
    ) -> None:
        """Record until the samples end or the task is cancelled (Ctrl-C): both finish a live
        session as complete (a cancelled atomic one writes nothing); an error saves a live
        session as interrupted and is raised."""

        def finish() -> list[Update]:
            last = self.finish()
            return [] if last is None else [last]

        await _record(self, samples, self.feed, finish, on_update)

    def _note(self, update: Update) -> None:
        dt_s = 0.0 if self._last_update_t_s is None else update.t_s - self._last_update_t_s
        self.summary.add(update, dt_s, self._state)
        self._state = update.state
        self._last_update_t_s = update.t_s
        s = self.summary
        self._writer.set_summary(SessionSummary(s.duration_s, s.beats, s.flooded_s, s.peak_hr_bpm))
        if update.events:
            self._writer.add_events(update.events)


class Replay:
    """A stored session fed back through a fresh pipeline built as the live one was."""

    def __init__(self, store: Store, session_id: int, config: Config) -> None:
        self.info = store.session(session_id)
        if self.info.persons != 1:
            raise ValueError(f"session {session_id} is a couple session: use CoupleReplay")
        settings = PipelineSettings.from_dict(self.info.settings.get("pipeline", {}))
        self.pipeline = settings.build(config)
        self.samples = store.samples(session_id)
        self._actions = deque(store.actions(session_id))
        self._seq = 0

    def push(self, sample: Sample) -> Update:
        """Feed the next stored sample (in order), after the user actions taken before it."""
        self._act()
        self._seq += 1
        return self.pipeline.push(sample)

    def finish(self) -> Update | None:
        self._act()
        if not self.samples:
            return None
        return self.pipeline.finish(self.samples[-1].t_s)

    def _act(self) -> None:
        while self._actions and self._actions[0].seq <= self._seq:
            action = self._actions.popleft()
            if action.kind != BREAK:
                raise ValueError(f"session {self.info.id}: unknown action {action.kind!r}")
            self.pipeline.start_break(action.t_s)


def replay(store: Store, session_id: int, config: Config, person: int = 0) -> Iterator[Update]:
    """Every Update of the session again, the last one from the end of the stream (of a
    couple session: one partner's, as the couple engine gave them, flooded where the engine
    saw them flooded during the shared pause)."""
    if store.session(session_id).persons == 2:
        couple = CoupleReplay(store, session_id, config)
        for cu in couple.run():
            if cu.person == person:
                yield replace(cu.update, state=shown_state(cu))
        return
    session = Replay(store, session_id, config)
    for sample in session.samples:
        yield session.push(sample)
    last = session.finish()
    if last is not None:
        yield last


async def record_strap(
    recorder: Recorder,
    *,
    address: str | None = None,
    name: str | None = None,
    minutes: float | None = None,
    acc: bool = True,
    ecg: bool = False,
    on_update: Callable[[Update], None] | None = None,
    on_state: Callable[[Any], None] | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Any] = asyncio.sleep,
    backend: Any = None,
) -> None:
    """Record a Bluetooth strap until ``minutes`` pass, the task is cancelled or the strap is
    lost. Session time starts at zero when this is called, unless ``clock`` is given.
    ``acc``: movement from a Polar H10's accelerometer, as the monitor uses it; ``ecg``: also
    keep its raw ECG frames (about 1.6 MB an hour). ``on_state`` gets each LinkState."""
    from pausepoint.strap.ble import BleSource, ConnectedStrap

    if clock is None:
        start_s = time.monotonic()

        def clock() -> float:
            return time.monotonic() - start_s

    def on_sample(sample: Sample) -> None:
        update = recorder.feed(sample)
        if on_update is not None:
            on_update(update)

    def on_info(info: ConnectedStrap) -> None:
        recorder.set_strap(info.name, info.address)

    source = BleSource(
        on_sample,
        address=address,
        name=name,
        on_event=recorder.add_source_event,
        on_info=on_info,
        on_state=on_state,
        acc=acc,
        on_ecg=(lambda t_s, raw: recorder.add_pmd_frame(t_s, "ecg", raw)) if ecg else None,
        clock=clock,
        sleep=sleep,
        backend=backend,
    )
    runner = asyncio.ensure_future(source.run())
    timer = asyncio.ensure_future(sleep(minutes * 60.0)) if minutes is not None else None
    try:
        if timer is not None:
            await asyncio.wait({runner, timer}, return_when=asyncio.FIRST_COMPLETED)
            if not runner.done():
                await source.stop()
        await runner
    except (asyncio.CancelledError, KeyboardInterrupt):
        await source.stop()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await runner
        recorder.finish()
        raise
    except BaseException:
        runner.cancel()
        recorder.abort()
        raise
    finally:
        if timer is not None:
            timer.cancel()
    update = recorder.finish()
    if update is not None and on_update is not None:
        on_update(update)


# --- couples -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoupleSettings:
    """How a couple session's engine was built: each partner's pipeline (a profile's
    baseline and thresholds). ``auto_break`` is not used: the engine pauses both."""

    partners: tuple[PipelineSettings, PipelineSettings] = (PipelineSettings(), PipelineSettings())

    @classmethod
    def for_profiles(cls, profiles: Sequence[Any | None]) -> CoupleSettings:
        """Each partner's pipeline from their profile (None: learnt in the session)."""
        a, b = (PipelineSettings.for_profile(profile) for profile in profiles)
        return cls((a, b))

    def build(self, config: Config, *, spectral: bool = True) -> CoupleEngine:
        return CoupleEngine(
            [p.config(config) for p in self.partners],
            baselines=[p.baseline for p in self.partners],
            baseline_windows_s=[p.baseline_window_s for p in self.partners],
            spectral=spectral,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"partners": [p.to_dict() for p in self.partners]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoupleSettings:
        partners = data.get("partners") or [{}, {}]
        return cls(
            (PipelineSettings.from_dict(partners[0]), PipelineSettings.from_dict(partners[1]))
        )


class CoupleRecorder(_SessionRecording):
    """Records one couple session: both partners' raw samples in one stream, each with its
    person, then the couple engine's events (each partner's and the couple's). The breaks
    the engine starts are stored as actions too, for the record."""

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        source: str,
        settings: CoupleSettings | None = None,
        note: str | None = None,
        straps: tuple[tuple[str | None, str | None], ...] = ((None, None), (None, None)),
        profiles: tuple[str | None, str | None] = (None, None),
        details: dict[str, Any] | None = None,
        atomic: bool = False,
    ) -> None:
        settings = settings or CoupleSettings()
        self.engine = settings.build(config)
        self._summary = SessionSummary()
        self._first_t_s: float | None = None
        self._last_t_s: float | None = None
        self._any_flooded = False
        self._writer: SessionWriter = store.begin_session(
            source,
            note=note,
            strap_name=straps[0][0],
            strap_address=straps[0][1],
            profile=profiles[0],
            persons=2,
            strap_name_b=straps[1][0],
            strap_address_b=straps[1][1],
            profile_b=profiles[1],
            settings={**(details or {}), "couple": settings.to_dict()},
            atomic=atomic,
        )

    def feed(self, person: int, sample: Sample) -> CoupleUpdate:
        self._writer.add_sample(sample, hold=True, person=person)
        cu = self.engine.push(person, sample)
        self._note(cu)
        self._writer.flush_if_due()
        return cu

    def start_pause(self, t_s: float) -> None:
        """The couple chose to pause: recorded first, so a replay pauses at the same point."""
        self._writer.add_action(t_s, PAUSE, person=None)
        self.engine.start_pause(t_s)

    def add_marker(self, t_s: float, text: str) -> None:
        self._writer.add_marker(t_s, text)

    def add_source_event(self, person: int, event: Event) -> None:
        self._writer.add_events([event], origin="source", person=person)

    def add_pmd_frame(self, person: int, t_s: float, kind: str, raw: bytes) -> None:
        self._writer.add_pmd_frame(t_s, kind, raw, person=person)

    def set_strap(self, person: int, name: str | None, address: str | None) -> None:
        self._writer.set_strap(name, address, person=person)

    def finish(self) -> list[CoupleUpdate]:
        """Release both partners' held beats, write the rest, mark the session complete."""
        if self._writer.finished:
            return []
        updates = self.engine.finish()
        for cu in updates:
            self._note(cu)
        self._writer.finish(SessionStatus.COMPLETE)
        return updates

    async def run(
        self,
        stream: AsyncIterable[tuple[int, Sample]],
        on_update: Callable[[CoupleUpdate], None] | None = None,
    ) -> None:
        """Record until the stream ends or the task is cancelled, as Recorder.run does."""
        await _record(self, stream, lambda item: self.feed(*item), self.finish, on_update)

    def _note(self, cu: CoupleUpdate) -> None:
        """Events and actions go in at once; the summary row counts both partners' beats,
        the time at least one of them was flooded and the higher peak heart rate."""
        s = self._summary
        if self._first_t_s is None:
            self._first_t_s = cu.t_s
        if self._last_t_s is not None and self._any_flooded:
            s.flooded_s += max(0.0, cu.t_s - self._last_t_s)
        self._last_t_s = max(cu.t_s, self._last_t_s or cu.t_s)
        self._any_flooded = any(cu.flooded)
        s.duration_s = self._last_t_s - self._first_t_s
        s.beats += len(cu.update.beats)
        if cu.update.hr_bpm is not None:
            s.peak_hr_bpm = max(s.peak_hr_bpm or 0.0, cu.update.hr_bpm)
        self._writer.set_summary(replace(s))
        for person in cu.breaks:
            self._writer.add_action(cu.t_s, BREAK, {"by": "couple"}, person=person)
        if cu.update.events:
            self._writer.add_events(cu.update.events, person=cu.person)
        if cu.couple_events:
            self._writer.add_couple_events(cu.couple_events)


class CoupleReplay:
    """A stored couple session fed back through a fresh couple engine built as the live
    one was. The shared pauses the engine started are worked out again from the samples;
    pauses the couple started themselves are applied where they were taken."""

    def __init__(self, store: Store, session_id: int, config: Config) -> None:
        self.info = store.session(session_id)
        if self.info.persons != 2:
            raise ValueError(f"session {session_id} is not a couple session: use Replay")
        self.settings = CoupleSettings.from_dict(self.info.settings.get("couple", {}))
        self.engine = self.settings.build(config)
        self.stream = store.person_samples(session_id)
        self._actions = deque(a for a in store.actions(session_id) if a.kind != BREAK)
        self._seq = 0

    def push(self, person: int, sample: Sample) -> CoupleUpdate:
        self._act()
        self._seq += 1
        return self.engine.push(person, sample)

    def finish(self) -> list[CoupleUpdate]:
        self._act()
        return self.engine.finish()

    def run(self) -> Iterator[CoupleUpdate]:
        for person, sample in self.stream:
            yield self.push(person, sample)
        yield from self.finish()

    def _act(self) -> None:
        while self._actions and self._actions[0].seq <= self._seq:
            action = self._actions.popleft()
            if action.kind != PAUSE:
                raise ValueError(f"session {self.info.id}: unknown action {action.kind!r}")
            self.engine.start_pause(action.t_s)


async def run_straps(
    targets: Sequence[dict[str, str]],
    on_sample: Callable[[int, Sample], None],
    *,
    minutes: float | None = None,
    on_event: Callable[[int, Event], None] | None = None,
    on_info: Callable[[int, Any], None] | None = None,
    on_state: Callable[[int, Any], None] | None = None,
    on_ecg: Callable[[int, float, bytes], None] | None = None,
    acc: bool = True,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Any] = asyncio.sleep,
    backend: Any = None,
) -> None:
    """Stream several straps at once, one BleSource each (``targets``: their address or
    name), until ``minutes`` pass, the task is cancelled or a strap is lost (then the others
    are stopped too). Samples come to ``on_sample(person, sample)`` in arrival order, stamped
    by one clock, so the merged stream is in time order. ``on_ecg(person, t_s, frame)``: each
    Polar strap's raw ECG frames too.

    The straps are connected one at a time, each once the one before streams (or failed):
    Bluetooth stacks refuse a second connection attempt while one is pending (BlueZ:
    "Operation already in progress")."""
    from pausepoint.strap.ble import BleSource, LinkState

    if clock is None:
        start_s = time.monotonic()

        def clock() -> float:
            return time.monotonic() - start_s

    streaming = [asyncio.Event() for _ in targets]

    def bind(callback: Callable[..., None] | None, person: int) -> Any:
        return None if callback is None else (lambda *args: callback(person, *args))

    def state_of(person: int) -> Callable[[LinkState], None]:
        def on(state: LinkState) -> None:
            if state == LinkState.STREAMING:
                streaming[person].set()
            if on_state is not None:
                on_state(person, state)

        return on

    sources = [
        BleSource(
            bind(on_sample, person),
            on_event=bind(on_event, person),
            on_info=bind(on_info, person),
            on_state=state_of(person),
            acc=acc,
            on_ecg=bind(on_ecg, person),
            clock=clock,
            sleep=sleep,
            backend=backend,
            **target,
        )
        for person, target in enumerate(targets)
    ]
    runners: list[asyncio.Future[None]] = []
    timer = asyncio.ensure_future(sleep(minutes * 60.0)) if minutes is not None else None
    try:
        for person, source in enumerate(sources):
            runners.append(asyncio.ensure_future(source.run()))
            if person + 1 < len(sources):
                started = asyncio.ensure_future(streaming[person].wait())
                await asyncio.wait({runners[-1], started}, return_when=asyncio.FIRST_COMPLETED)
                started.cancel()
                if runners[-1].done():
                    break
        waiting = {*runners, *([timer] if timer is not None else [])}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for source in sources:
            await source.stop()
        if timer is not None:
            timer.cancel()
        results = await asyncio.gather(*runners, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result


async def record_couple_straps(
    recorder: CoupleRecorder,
    targets: Sequence[dict[str, str]],
    *,
    minutes: float | None = None,
    on_update: Callable[[CoupleUpdate], None] | None = None,
    on_state: Callable[[int, Any], None] | None = None,
    ecg: bool = False,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Any] = asyncio.sleep,
    backend: Any = None,
) -> None:
    """Record two straps, one per partner, into one couple session (see run_straps).
    ``ecg``: also keep each Polar strap's raw ECG frames, with its person, as record_strap
    does for one."""

    def on_sample(person: int, sample: Sample) -> None:
        cu = recorder.feed(person, sample)
        if on_update is not None:
            on_update(cu)

    try:
        await run_straps(
            targets,
            on_sample,
            minutes=minutes,
            on_event=recorder.add_source_event,
            on_info=lambda person, info: recorder.set_strap(person, info.name, info.address),
            on_state=on_state,
            on_ecg=(lambda p, t_s, raw: recorder.add_pmd_frame(p, t_s, "ecg", raw))
            if ecg
            else None,
            clock=clock,
            sleep=sleep,
            backend=backend,
        )
    except (asyncio.CancelledError, KeyboardInterrupt):
        finished = recorder.finish()
        if on_update is not None:
            for cu in finished:
                on_update(cu)
        raise
    except BaseException:
        recorder.abort()
        raise
    for cu in recorder.finish():
        if on_update is not None:
            on_update(cu)

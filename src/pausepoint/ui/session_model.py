"""The dashboard's one consumer: samples in, recorded, through the pipeline, onto the view.

Everything here runs on the Qt thread (the qasync loop): a strap's notifications, the
simulator's paced samples and the person's clicks arrive one at a time, so nothing needs a
lock. Raw samples are recorded before processing (the recorder does that); a break the
person starts goes through the recorder too, so a replay pauses at the same point.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pausepoint.clock import session_clock
from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.model import Event, Sample, Update
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.ui.view_model import (
    SessionViewModel,
    StatusModel,
    TimelineEntry,
    event_entry,
    marker_entry,
)

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import BleBackend, ConnectedStrap, LinkState

logger = logging.getLogger(__name__)

TRIGGERED = "I feel triggered"


class SessionRecording(Protocol):
    """What a live session asks of its recorder, one person's or a couple's."""

    session_id: int

    def add_marker(self, t_s: float, text: str) -> None: ...

    def abort(self) -> None: ...


class SessionView(Protocol):
    """What a live session asks of its view, one person's or a couple's."""

    @property
    def t_s(self) -> float: ...

    def add_marker(self, t_s: float, text: str) -> None: ...


RecorderT = TypeVar("RecorderT", bound=SessionRecording)
ViewT = TypeVar("ViewT", bound=SessionView)


class RecordingShell(Generic[RecorderT, ViewT]):
    """A live session's hold on its recorder: markers go to it, and when the store fails the
    session goes on showing, stops writing, and says so."""

    def __init__(
        self, config: Config, view: ViewT, status: StatusModel, recorder: RecorderT | None
    ) -> None:
        self.config = config
        self.view = view
        self.status = status
        self.recorder = recorder
        self.finished = False
        self.updates = 0
        status.recording = recorder is not None
        status.session_id = None if recorder is None else recorder.session_id

    @staticmethod
    def _recorder(
        store: Store | None, status: StatusModel, make: Callable[[Store], RecorderT]
    ) -> RecorderT | None:
        """``make(store)``'s recorder; None without a store, or (said on the status line)
        when the store refuses."""
        from pausepoint.sessions.errors import StoreError

        if store is None:
            return None
        try:
            recorder = make(store)
        except StoreError as exc:
            status.set_message(f"Not recording: {exc}")
            return None
        status.set_message(None)
        return recorder

    def _stop_recording(self, exc: Exception) -> None:
        """The store failed (disk full, file gone): keep showing, stop writing, say so."""
        from pausepoint.sessions.errors import StoreError

        if not isinstance(exc, StoreError):
            raise exc
        logger.warning("recording stopped: %s", exc)
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.abort()
        self.recorder = None
        self.status.recording = False
        self.status.set_message(f"Recording stopped (what came before is saved): {exc}")

    def add_marker(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        t_s = self.view.t_s
        if self.recorder is not None:
            self.recorder.add_marker(t_s, text)
        self.view.add_marker(t_s, text)


class LiveSession(RecordingShell["Recorder", SessionViewModel]):
    """Feeds each sample through the recorder (or a bare pipeline when nothing can be
    recorded) and gives each Update to the view and the status line."""

    def __init__(
        self,
        config: Config,
        view: SessionViewModel,
        status: StatusModel,
        *,
        recorder: Recorder | None = None,
        pipeline: Pipeline | None = None,
    ) -> None:
        super().__init__(config, view, status, recorder)
        if recorder is not None:
            self.pipeline: Pipeline = recorder.pipeline
        elif pipeline is not None:
            self.pipeline = pipeline
        else:
            raise ValueError("a LiveSession needs a recorder or a pipeline")

    @classmethod
    def open(
        cls,
        config: Config,
        view: SessionViewModel,
        status: StatusModel,
        store: Store | None,
        *,
        source: str,
        details: dict[str, Any] | None = None,
        strap_name: str | None = None,
        strap_address: str | None = None,
        profile: Profile | None = None,
    ) -> LiveSession:
        """Record into ``store`` when there is one; else run unrecorded and say so.

        ``profile`` (calibration.Profile): the person's calm level and thresholds, so the
        session judges from the first minute instead of learning the calm level first."""
        from pausepoint.sessions.recorder import Recorder
        from pausepoint.sessions.settings import PipelineSettings

        view.reset()
        settings = PipelineSettings.for_profile(profile)
        recorder = cls._recorder(
            store,
            status,
            lambda store: Recorder(
                store,
                config,
                source=source,
                settings=settings,
                details=details,
                strap_name=strap_name,
                strap_address=strap_address,
                profile=None if profile is None else profile.name,
            ),
        )
        if recorder is not None:
            return cls(config, view, status, recorder=recorder)
        return cls(config, view, status, pipeline=settings.build(config))

    def feed(self, sample: Sample) -> Update | None:
        if self.finished:
            return None
        update: Update | None = None
        if self.recorder is not None:
            try:
                update = self.recorder.feed(sample)
            except Exception as exc:
                self._stop_recording(exc)
                return None
        else:
            update = self.pipeline.push(sample)
        self._show(update)
        return update

    def _show(self, update: Update | None) -> None:
        self.updates += 1
        self.view.feed(update)
        self.status.feed(update, self.config.signal.poor_artifact_rate)

    def start_break(self) -> None:
        t_s = self.view.t_s
        if self.recorder is not None:
            self.recorder.start_break(t_s)
        else:
            self.pipeline.start_break(t_s)
        self.view.start_break(t_s)

    def add_source_event(self, event: Event) -> None:
        if self.recorder is not None:
            self.recorder.add_source_event(event)
        self.view.add_event(event)

    def set_strap(self, info: ConnectedStrap) -> None:
        self.status.set_strap(info.name, info.address, info.battery_pct)
        if self.recorder is not None:
            self.recorder.set_strap(info.name, info.address)

    def strap_sinks(self) -> list[StrapSink]:
        """Where the one strap's notifications go (the status line says it is looked for)."""
        self.status.set_link("scanning")
        return [
            StrapSink(
                self.feed,
                self.add_source_event,
                self.set_strap,
                lambda state: self.status.set_link(str(state)),
            )
        ]

    def finish(self) -> None:
        """End of the stream: release the held beats, mark the session complete."""
        if self.finished:
            return
        self.finished = True
        if self.recorder is not None:
            try:
                update = self.recorder.finish()
            except Exception as exc:
                self._stop_recording(exc)
                update = None
            if update is not None:
                self._show(update)
        self.view.end()


async def play_simulation(
    session: LiveSession,
    samples: Sequence[Sample],
    speed: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Feed simulated samples at ``speed`` times their pace (inf: at once, yielding to Qt)."""
    from pausepoint.sources.pacing import paced

    session.status.set_link("simulated")
    try:
        async for sample in paced(samples, speed, sleep=sleep, clock=clock):
            session.feed(sample)
            if session.finished:
                return
    finally:
        session.finish()
        session.status.set_link("ended")


def run_simulation_now(
    session: LiveSession,
    samples: Sequence[Sample],
    until_t_s: float = math.inf,
    on_update: Callable[[LiveSession], None] | None = None,
) -> None:
    """Feed samples at once, without an event loop, up to session time ``until_t_s``."""
    session.status.set_link("simulated")
    for sample in samples:
        if sample.t_s > until_t_s:
            return
        session.feed(sample)
        if on_update is not None:
            on_update(session)
    session.finish()
    session.status.set_link("ended")


def strap_trouble(exc: BaseException, instead: str) -> str:
    """What the window says when a strap cannot be reached: the source's own line, or where
    Bluetooth itself is missing, what to do in the window (``instead``), not a command flag."""
    from pausepoint.strap.ble import NoBluetooth

    if isinstance(exc, UserError) and not isinstance(exc, NoBluetooth):
        return str(exc)
    detail = exc.detail if isinstance(exc, NoBluetooth) else str(exc) or type(exc).__name__
    return f"Bluetooth is not available ({detail}): turn it on, or {instead}"


@dataclass(frozen=True)
class StrapSink:
    """Where one strap's notifications go in a live session (one per partner for a couple)."""

    feed: Callable[[Sample], object]
    on_event: Callable[[Event], None]
    on_info: Callable[[ConnectedStrap], None]
    on_state: Callable[[LinkState], None]


class StrapSession(Protocol):
    """A live session straps can feed: LiveSession, or a couple's (one sink per partner)."""

    @property
    def status(self) -> StatusModel: ...

    def strap_sinks(self) -> list[StrapSink]: ...

    def finish(self) -> None: ...


class StrapFeed:
    """Bluetooth straps feeding a live session, one strap or one per partner, each into its
    sink; ``run`` until stopped or a strap is lost, then the session is finished."""

    def __init__(
        self,
        session: StrapSession,
        targets: Sequence[Mapping[str, str | None]],
        *,
        instead: str,
        backend: BleBackend | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``targets``: each strap's address, name or last used address (none: the strongest
        heard); ``instead``: what to do when Bluetooth is missing, said on the status line."""
        from pausepoint.strap.ble import BleSource

        self.session = session
        self.targets = [dict(target) for target in targets]
        self.sinks = session.strap_sinks()
        if len(self.sinks) != len(self.targets):
            raise ValueError(f"{len(self.sinks)} straps to feed, {len(self.targets)} given")
        self.instead = instead
        self.backend = backend
        self.clock = clock or session_clock()
        self.sleep = sleep
        self._stopped = False
        self._several: asyncio.Future[None] | None = None
        self.source: BleSource | None = None
        if len(self.sinks) == 1:
            (sink,), (target,) = self.sinks, self.targets
            self.source = BleSource(
                sink.feed,
                on_event=sink.on_event,
                on_state=sink.on_state,
                on_info=sink.on_info,
                acc=True,
                clock=self.clock,
                sleep=sleep,
                backend=backend,
                **target,
            )

    async def run(self) -> None:
        """Stream until stop(); a strap not found or lost is said in the status line."""
        from bleak.exc import BleakError

        try:
            if self.source is not None:
                await self.source.run()
            elif not self._stopped:
                self._several = asyncio.ensure_future(self._run_several())
                await self._several  # stop() cancels it, and so this task
        except (UserError, BleakError, OSError) as exc:
            self.session.status.set_message(strap_trouble(exc, self.instead))
        finally:
            self.session.finish()

    async def _run_several(self) -> None:
        from pausepoint.strap.feed import run_straps

        sinks = self.sinks
        await run_straps(
            self.targets,
            lambda person, sample: sinks[person].feed(sample),
            on_info=lambda person, info: sinks[person].on_info(info),
            on_state=lambda person, state: sinks[person].on_state(state),
            on_event=lambda person, event: sinks[person].on_event(event),
            clock=self.clock,
            sleep=self.sleep,
            backend=self.backend,
        )

    async def stop(self) -> None:
        """One strap: disconnect it (``run`` returns). Several: cancel their run (and so the
        task running this feed)."""
        self._stopped = True
        if self.source is not None:
            await self.source.stop()
        elif self._several is not None and not self._several.done():
            self._several.cancel()


@dataclass(frozen=True)
class ReplayInfo:
    session_id: int
    title: str
    start_t_s: float
    end_t_s: float
    source: str = ""
    note: str = ""


SPEEDS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def source_words(source: str, strap_name: str | None = None) -> str:
    """Where a session came from, for a person: "simulated (argument)", "Polar H10 …"."""
    kind, _, detail = source.partition(":")
    if kind == "simulated":
        return f"simulated ({detail})"
    if kind == "file":
        return f"imported from {detail}"
    return strap_name or "heart-rate strap"


class Playback:
    """Play, pause and advance at ``speed`` through a replay whose ``seek`` shows a moment."""

    info: ReplayInfo
    position_s: float
    speed: float = 1.0
    playing: bool = False

    def seek(self, t_s: float) -> None:
        raise NotImplementedError

    def play(self) -> None:
        if self.position_s >= self.info.end_t_s:
            self.seek(self.info.start_t_s)
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    def advance(self, wall_dt_s: float) -> None:
        """Move on by ``wall_dt_s`` of real time at the chosen speed (when playing)."""
        if not self.playing:
            return
        self.seek(self.position_s + wall_dt_s * self.speed)
        if self.position_s >= self.info.end_t_s:
            self.playing = False


class ReplayModel(Playback):
    """A stored session fed once through a fresh pipeline; the view shows it at any moment.

    ``seek`` moves the moment (backwards: the view is rebuilt from the start, which costs
    milliseconds, not a second pipeline run); ``advance`` plays at ``speed``.
    """

    def __init__(
        self,
        info: ReplayInfo,
        updates: Sequence[Update],
        markers: Sequence[tuple[float, str]],
        source_events: Sequence[Event],
        view: SessionViewModel,
    ) -> None:
        self.info = info
        self.updates = list(updates)
        self.markers = sorted(markers)
        self.source_events = sorted(source_events, key=lambda e: e.t_s)
        self.view = view
        self.position_s = info.start_t_s
        self._next = 0
        self._next_marker = 0
        self._next_source = 0
        view.reset()
        self.seek(info.start_t_s)

    @classmethod
    def load(
        cls, store: Store, session_id: int, config: Config, view: SessionViewModel
    ) -> ReplayModel:
        from pausepoint.sessions.replay import replayed_updates

        info = store.session(session_id)
        updates = list(replayed_updates(store, session_id, config))
        markers = [(m.t_s, m.text) for m in store.markers(session_id)]
        source_events = store.events(session_id, origin="source")
        start_t_s = updates[0].t_s if updates else 0.0
        end_t_s = updates[-1].t_s if updates else 0.0
        when = info.started_utc.astimezone().strftime("%Y-%m-%d %H:%M")
        title = f"Session {info.id}, {when}, {source_words(info.source, info.strap_name)}"
        if info.note:
            title += f": {info.note}"
        meta = ReplayInfo(info.id, title, start_t_s, end_t_s, info.source, info.note or "")
        return cls(meta, updates, markers, source_events, view)

    @property
    def duration_s(self) -> float:
        return self.info.end_t_s - self.info.start_t_s

    def entries(self) -> list[TimelineEntry]:
        """The whole session's events, markers and strap events, in time order."""
        break_min_s = self.view.config.break_.min_s
        entries = [event_entry(e, break_min_s) for u in self.updates for e in u.events]
        entries += [marker_entry(t_s, text) for t_s, text in self.markers]
        entries += [event_entry(e, break_min_s) for e in self.source_events]
        return sorted(entries, key=lambda entry: entry.t_s)

    def seek(self, t_s: float) -> None:
        t_s = min(max(t_s, self.info.start_t_s), self.info.end_t_s)
        if t_s < self.position_s or self._next == 0:
            self.view.reset()
            self._next = self._next_marker = self._next_source = 0
        updates = self.updates
        while self._next < len(updates) and updates[self._next].t_s <= t_s:
            self.view.feed(updates[self._next])
            self._next += 1
        while self._next_marker < len(self.markers) and self.markers[self._next_marker][0] <= t_s:
            self.view.add_marker(*self.markers[self._next_marker])
            self._next_marker += 1
        events = self.source_events
        while self._next_source < len(events) and events[self._next_source].t_s <= t_s:
            self.view.add_event(events[self._next_source])
            self._next_source += 1
        self.position_s = t_s
        if self._next >= len(updates):
            self.view.end()

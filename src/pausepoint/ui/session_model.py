"""The dashboard's one consumer: samples in, recorded, through the pipeline, onto the view;
and the straps that feed it.

Everything here runs on the Qt thread (the qasync loop): a strap's notifications, the
simulator's paced samples and the person's clicks arrive one at a time, so nothing needs a
lock. Raw samples are recorded before processing (the recorder does that); a break the
person starts goes through the recorder too, so a replay pauses at the same point.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pausepoint.clock import session_clock
from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.model import Event, Sample, Update
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.strap.catalogue import sensor_note
from pausepoint.ui.view_model import SessionViewModel, StatusModel

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import BleBackend, ConnectedStrap, LinkState

logger = logging.getLogger(__name__)

TRIGGERED = "I feel triggered"


class SessionRecording(Protocol):
    """What a live session asks of its recorder, one person's or a couple's."""

    @property
    def session_id(self) -> int | None: ...

    def add_marker(self, t_s: float, text: str) -> None: ...

    def abort(self) -> None: ...


class SessionView(Protocol):
    """What a live session asks of its view, one person's or a couple's."""

    @property
    def t_s(self) -> float: ...

    def add_marker(self, t_s: float, text: str) -> None: ...

    def add_note(self, text: str) -> None: ...

    def tick(self, now_t_s: float) -> None: ...


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
        self._said: set[str] = set()
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

    def _say_once(self, note: str | None) -> None:
        """Show ``note`` the first time in this session (an optical sensor connected), not
        again when the strap reconnects."""
        if note is None or note in self._said:
            return
        self._said.add(note)
        self.view.add_note(note)

    def tick(self, now_t_s: float) -> None:
        """The straps' clock reads ``now_t_s``: the break timer runs on without beats, and
        an agreed time that came is recorded."""
        if self.finished:
            return
        self.view.tick(now_t_s)
        self._record_told()

    def _record_told(self) -> None:
        """Record the time-up events the view has seen come (each shell its own way)."""
        raise NotImplementedError

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
        view.started_at = datetime.now().astimezone()
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

    def tick(self, now_t_s: float) -> None:
        """Also the pipeline's while the strap is connected: with no beat for a while (its
        notifications lost, no contact flag to say so) the state says it is looking for the
        pulse. A strap out of reach is said so by the break card and the status line."""
        connected = self.status.link == "streaming"
        update = self.pipeline.tick(now_t_s) if connected and not self.finished else None
        if update is not None:
            self._show(update)
        super().tick(now_t_s)

    def _show(self, update: Update) -> None:
        self.updates += 1
        self.view.feed(update)
        self.status.feed(update, self.config.signal)
        self._record_told()

    def _record_told(self) -> None:
        for event in self.view.take_told():
            self.add_source_event(event)

    def start_break(self, agreed_s: float | None = None) -> None:
        """Start break, for ``agreed_s`` (the person's choice; default the minimum)."""
        t_s = self.view.t_s
        agreed_s = agreed_s or self.config.break_.min_s
        if self.recorder is not None:
            self.recorder.start_break(t_s, agreed_s)
        else:
            self.pipeline.start_break(t_s, agreed_s)
        self.view.start_break(t_s, agreed_s)

    def more_time(self) -> None:
        """ "I need more time": the agreed time moves on, and the session says so."""
        event = self.view.checkin.more_time(self.view.t_s)
        if event is not None:
            self.add_source_event(event)

    def add_source_event(self, event: Event) -> None:
        if self.recorder is not None:
            self.recorder.add_source_event(event)
        self.view.add_event(event)

    def set_strap(self, info: ConnectedStrap) -> None:
        self.status.set_strap(info.name, info.address, info.battery_pct)
        if self.recorder is not None:
            self.recorder.set_strap(info.name, info.address)
        self._say_once(sensor_note(info.name))

    def strap_sinks(self) -> list[StrapHandlers]:
        """Where the one strap's notifications go (the status line says it is looked for)."""
        self.status.set_link("scanning")

        def feed(sample: Sample) -> None:
            self.feed(sample)

        return [
            StrapHandlers(
                feed,
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


class PlayedSession(Protocol):
    """A live session a simulation plays into: one person's or a couple's."""

    @property
    def status(self) -> StatusModel: ...

    @property
    def finished(self) -> bool: ...

    def finish(self) -> None: ...


async def play_paced(
    session: PlayedSession,
    samples: Sequence[Sample],
    feed: Callable[[Sample], object],
    speed: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Give ``feed`` the samples at ``speed`` times their pace (inf: at once, yielding to Qt)
    until they end or the session does; then the session is finished."""
    from pausepoint.sources.pacing import paced

    session.status.set_link("simulated")
    try:
        async for sample in paced(samples, speed, sleep=sleep, clock=clock):
            feed(sample)
            if session.finished:
                return
    finally:
        session.finish()
        session.status.set_link("ended")


async def play_simulation(
    session: LiveSession,
    samples: Sequence[Sample],
    speed: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Feed simulated samples at ``speed`` times their pace (inf: at once, yielding to Qt)."""
    await play_paced(session, samples, session.feed, speed, sleep=sleep, clock=clock)


def strap_trouble(exc: BaseException, instead: str) -> str:
    """What the window says when a strap cannot be reached: the source's own line, or where
    Bluetooth itself is missing, what to do in the window (``instead``), not a command flag."""
    from pausepoint.strap.ble import NoBluetooth

    if isinstance(exc, UserError) and not isinstance(exc, NoBluetooth):
        return str(exc)
    detail = exc.detail if isinstance(exc, NoBluetooth) else str(exc) or type(exc).__name__
    return f"Bluetooth is not available ({detail}): turn it on, or {instead}"


@dataclass(frozen=True)
class StrapHandlers:
    """Where one strap's notifications go in a live session (one per partner for a couple)."""

    feed: Callable[[Sample], None]
    on_event: Callable[[Event], None]
    on_info: Callable[[ConnectedStrap], None]
    on_state: Callable[[LinkState], None]


class StrapSession(Protocol):
    """A live session straps can feed: LiveSession, or a couple's (one sink per partner)."""

    @property
    def status(self) -> StatusModel: ...

    def strap_sinks(self) -> list[StrapHandlers]: ...

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
                address=target.get("address"),
                name=target.get("name"),
                last_used_address=target.get("last_used_address"),
                acc=True,
                clock=self.clock,
                sleep=sleep,
                backend=backend,
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
            [{key: value for key, value in t.items() if value is not None} for t in self.targets],
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

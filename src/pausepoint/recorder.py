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
from collections.abc import AsyncIterable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from pausepoint.config import Config
from pausepoint.model import Baseline, Event, Sample, State, Update
from pausepoint.monitor import Summary
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.store import SessionStatus, SessionSummary, SessionWriter, Store, StoreError

BREAK = "break"
"""The action kind for a break the user started."""


@dataclass(frozen=True)
class PipelineSettings:
    """How a session's pipeline was built: stored with the session, so replay builds the same."""

    auto_break: bool = False
    baseline: Baseline | None = None
    baseline_window_s: tuple[float, float] | None = None
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Threshold changes (a profile's) over calibration/defaults.toml, as Config.override takes."""

    def build(self, config: Config) -> Pipeline:
        return Pipeline(
            config.override(self.overrides) if self.overrides else config,
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


class Recorder:
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

    @property
    def session_id(self) -> int | None:
        """None until an atomic session is written, and for a session discarded as empty."""
        return self._writer.session_id

    @property
    def samples_recorded(self) -> int:
        return self._writer.samples_recorded

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

    def abort(self) -> None:
        """After an error: a live session keeps what can be saved, as interrupted; an atomic
        one writes nothing."""
        if self._writer.finished:
            return
        if self._writer.live:
            with contextlib.suppress(StoreError):
                self._writer.finish(SessionStatus.INTERRUPTED)
        self._writer.abandon()

    async def run(
        self,
        samples: AsyncIterable[Sample],
        on_update: Callable[[Update], None] | None = None,
    ) -> None:
        """Record until the samples end or the task is cancelled (Ctrl-C): both finish a live
        session as complete (a cancelled atomic one writes nothing); an error saves a live
        session as interrupted and is raised."""
        try:
            async for sample in samples:
                update = self.feed(sample)
                if on_update is not None:
                    on_update(update)
        except (asyncio.CancelledError, KeyboardInterrupt):
            if self._writer.live:
                self._finish_to(on_update)
            else:
                self.abort()
            raise
        except BaseException:
            self.abort()
            raise
        self._finish_to(on_update)

    def _finish_to(self, on_update: Callable[[Update], None] | None) -> None:
        try:
            update = self.finish()
        except BaseException:
            self.abort()
            raise
        if update is not None and on_update is not None:
            on_update(update)

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


def replay(store: Store, session_id: int, config: Config) -> Iterator[Update]:
    """Every Update of the session again, the last one from the end of the stream."""
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
    from pausepoint.sources.ble import BleSource, ConnectedStrap

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

"""Driving Bluetooth straps into whatever records them: one strap for one person, or one
strap per partner on one clock.

The straps know nothing of sessions: samples, drops, strap details and ECG frames go to a
``StrapSink`` (a session recorder is one) or to plain callbacks (``run_straps``), so the
same functions feed a recording, a calibration or the text monitor.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from pausepoint.clock import session_clock
from pausepoint.model import Event, Sample

if TYPE_CHECKING:
    from pausepoint.strap.ble import BleBackend, ConnectedStrap, LinkState

UpdateT = TypeVar("UpdateT")
UpdateT_co = TypeVar("UpdateT_co", covariant=True)


class StrapSink(Protocol[UpdateT_co]):
    """Where one strap's stream goes (a sessions Recorder): each sample, in order, gives an
    update; ``finish`` gives the last one (None when nothing came); ``abort`` after an error."""

    def feed(self, sample: Sample) -> UpdateT_co: ...
    def add_source_event(self, event: Event) -> None: ...
    def set_strap(self, name: str | None, address: str | None) -> None: ...
    def add_pmd_frame(self, t_s: float, kind: str, raw: bytes) -> None: ...
    def finish(self) -> UpdateT_co | None: ...
    def abort(self) -> None: ...


class PersonsSink(Protocol[UpdateT_co]):
    """Where several straps' merged stream goes, each item with its person (a sessions
    CoupleRecorder); ``finish`` gives the updates held back to the end."""

    def feed(self, person: int, sample: Sample) -> UpdateT_co: ...
    def add_source_event(self, person: int, event: Event) -> None: ...
    def set_strap(self, person: int, name: str | None, address: str | None) -> None: ...
    def add_pmd_frame(self, person: int, t_s: float, kind: str, raw: bytes) -> None: ...
    def finish(self) -> Sequence[UpdateT_co]: ...
    def abort(self) -> None: ...


async def record_strap(
    sink: StrapSink[UpdateT],
    *,
    address: str | None = None,
    name: str | None = None,
    minutes: float | None = None,
    acc: bool = True,
    ecg: bool = False,
    on_update: Callable[[UpdateT], None] | None = None,
    on_state: Callable[[LinkState], None] | None = None,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    backend: BleBackend | None = None,
) -> None:
    """Record a Bluetooth strap until ``minutes`` pass, the task is cancelled or the strap is
    lost. Session time starts at zero when this is called, unless ``clock`` is given.
    ``acc``: movement from a Polar H10's accelerometer, as the monitor uses it; ``ecg``: also
    keep its raw ECG frames (about 1.6 MB an hour). ``on_state`` gets each LinkState."""
    from pausepoint.strap.ble import BleSource

    def on_sample(sample: Sample) -> None:
        update = sink.feed(sample)
        if on_update is not None:
            on_update(update)

    def on_info(info: ConnectedStrap) -> None:
        sink.set_strap(info.name, info.address)

    def on_ecg(t_s: float, raw: bytes) -> None:
        sink.add_pmd_frame(t_s, "ecg", raw)

    source = BleSource(
        on_sample,
        address=address,
        name=name,
        on_event=sink.add_source_event,
        on_info=on_info,
        on_state=on_state,
        acc=acc,
        on_ecg=on_ecg if ecg else None,
        clock=clock or session_clock(),
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
        sink.finish()
        raise
    except BaseException:
        runner.cancel()
        sink.abort()
        raise
    finally:
        if timer is not None:
            timer.cancel()
    update = sink.finish()
    if update is not None and on_update is not None:
        on_update(update)


async def run_straps(
    targets: Sequence[dict[str, str]],
    on_sample: Callable[[int, Sample], None],
    *,
    minutes: float | None = None,
    on_event: Callable[[int, Event], None] | None = None,
    on_info: Callable[[int, ConnectedStrap], None] | None = None,
    on_state: Callable[[int, LinkState], None] | None = None,
    on_ecg: Callable[[int, float, bytes], None] | None = None,
    acc: bool = True,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    backend: BleBackend | None = None,
) -> None:
    """Stream several straps at once, one BleSource each (``targets``: each one's
    ``strap.target.strap_target``, an address or a name), until ``minutes`` pass, the task
    is cancelled or a strap is lost (then the others are stopped too). Samples come to
    ``on_sample(person, sample)`` in arrival order, stamped by one clock, so the merged
    stream is in time order. ``on_ecg(person, t_s, frame)``: each Polar strap's raw ECG
    frames too.

    The straps are connected one at a time, each once the one before streams (or failed):
    Bluetooth stacks refuse a second connection attempt while one is pending (BlueZ:
    "Operation already in progress")."""
    from pausepoint.strap.ble import BleSource, LinkState

    shared_clock = clock or session_clock()
    streaming = [asyncio.Event() for _ in targets]

    async def streams(person: int) -> None:
        await streaming[person].wait()

    def state_of(person: int) -> Callable[[LinkState], None]:
        def on(state: LinkState) -> None:
            if state == LinkState.STREAMING:
                streaming[person].set()
            if on_state is not None:
                on_state(person, state)

        return on

    def source_of(person: int, target: dict[str, str]) -> BleSource:
        def sample_to(sample: Sample) -> None:
            on_sample(person, sample)

        def event_to(event: Event) -> None:
            if on_event is not None:
                on_event(person, event)

        def info_to(info: ConnectedStrap) -> None:
            if on_info is not None:
                on_info(person, info)

        def ecg_to(t_s: float, raw: bytes) -> None:
            if on_ecg is not None:
                on_ecg(person, t_s, raw)

        return BleSource(
            sample_to,
            on_event=None if on_event is None else event_to,
            on_info=None if on_info is None else info_to,
            on_state=state_of(person),
            acc=acc,
            on_ecg=None if on_ecg is None else ecg_to,
            clock=shared_clock,
            sleep=sleep,
            backend=backend,
            address=target.get("address"),
            name=target.get("name"),
        )

    sources = [source_of(person, target) for person, target in enumerate(targets)]
    runners: list[asyncio.Future[None]] = []
    timer = asyncio.ensure_future(sleep(minutes * 60.0)) if minutes is not None else None
    try:
        for person, source in enumerate(sources):
            runners.append(asyncio.ensure_future(source.run()))
            if person + 1 < len(sources):
                started = asyncio.ensure_future(streams(person))
                await asyncio.wait({runners[-1], started}, return_when=asyncio.FIRST_COMPLETED)
                started.cancel()
                if runners[-1].done():
                    break
        waiting: set[asyncio.Future[None]] = {*runners}
        if timer is not None:
            waiting.add(timer)
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
    sink: PersonsSink[UpdateT],
    targets: Sequence[dict[str, str]],
    *,
    minutes: float | None = None,
    on_update: Callable[[UpdateT], None] | None = None,
    on_state: Callable[[int, LinkState], None] | None = None,
    ecg: bool = False,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    backend: BleBackend | None = None,
) -> None:
    """Record two straps, one per partner, into one couple session (see run_straps).
    ``ecg``: also keep each Polar strap's raw ECG frames, with its person, as record_strap
    does for one."""

    def on_sample(person: int, sample: Sample) -> None:
        update = sink.feed(person, sample)
        if on_update is not None:
            on_update(update)

    def on_info(person: int, info: ConnectedStrap) -> None:
        sink.set_strap(person, info.name, info.address)

    def on_ecg(person: int, t_s: float, raw: bytes) -> None:
        sink.add_pmd_frame(person, t_s, "ecg", raw)

    try:
        await run_straps(
            targets,
            on_sample,
            minutes=minutes,
            on_event=sink.add_source_event,
            on_info=on_info,
            on_state=on_state,
            on_ecg=on_ecg if ecg else None,
            clock=clock,
            sleep=sleep,
            backend=backend,
        )
    except (asyncio.CancelledError, KeyboardInterrupt):
        finished = sink.finish()
        if on_update is not None:
            for update in finished:
                on_update(update)
        raise
    except BaseException:
        sink.abort()
        raise
    for update in sink.finish():
        if on_update is not None:
            on_update(update)

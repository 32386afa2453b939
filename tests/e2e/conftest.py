"""End-to-end rig: the real bleak client, over a bumble backend, against the virtual strap.

Each test is a coroutine run with ``asyncio.run`` inside a sync test (no pytest-asyncio).
Session time runs on a ``VirtualClock`` shared by the strap and the source: minutes of strap
time pass in seconds, every timestamp, backoff and gap is in session seconds, and a beat is
stamped with the session time it was sent at, however busy the machine.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from hardware.bumble_backend import VirtualRadio  # noqa: E402
from hardware.virtual_clock import VirtualClock  # noqa: E402
from hardware.virtual_strap import VirtualStrap  # noqa: E402

from pausepoint.model import Event, EventKind, HeartSample, MotionSample, Sample  # noqa: E402
from pausepoint.strap.ble import BleSource, ConnectedStrap, LinkState  # noqa: E402

TEST_TIMEOUT_S = 30.0


class Rig:
    """One virtual radio with its straps, and what a BleSource on it delivered."""

    def __init__(self, radio: VirtualRadio, speed: float) -> None:
        self.radio = radio
        self.clock = VirtualClock(speed)
        self.backend = radio.backend()
        self.straps: list[VirtualStrap] = []
        self.samples: list[Sample] = []
        self.events: list[Event] = []
        self.states: list[LinkState] = []
        self.infos: list[ConnectedStrap] = []
        self.ecg_frames: list[tuple[float, bytes]] = []
        self._state_changed = asyncio.Event()

    async def strap(self, **options: Any) -> VirtualStrap:
        strap = VirtualStrap(self.radio, self.clock, **options)
        await strap.start()
        self.straps.append(strap)
        return strap

    def source(self, **options: Any) -> BleSource:
        def on_state(state: LinkState) -> None:
            self.states.append(state)
            self._state_changed.set()

        options.setdefault("on_event", self.events.append)
        options.setdefault("on_info", self.infos.append)
        return BleSource(
            self.samples.append,
            on_state=on_state,
            clock=self.clock.now,
            sleep=self.clock.sleep,
            backend=self.backend,
            **options,
        )

    async def until_state(self, source: BleSource, state: LinkState, count: int = 1) -> None:
        """Wait until ``state`` has been entered ``count`` times."""
        while self.states.count(state) < count:
            self._state_changed.clear()
            await self._state_changed.wait()

    @property
    def heart(self) -> list[HeartSample]:
        return [s for s in self.samples if isinstance(s, HeartSample)]

    @property
    def motion(self) -> list[MotionSample]:
        return [s for s in self.samples if isinstance(s, MotionSample)]

    def events_of(self, kind: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    async def close(self) -> None:
        """Straps first: their advertising timers must stop while the loop still runs."""
        for strap in self.straps:
            await strap.stop()
        await self.radio.close()


@pytest.fixture
def run_rig() -> Callable[..., None]:
    def run(test: Callable[[Rig], Awaitable[None]], speed: float = 50.0) -> None:
        async def main() -> None:
            rig = Rig(VirtualRadio(), speed)
            try:
                await asyncio.wait_for(test(rig), TEST_TIMEOUT_S)
            finally:
                await rig.close()

        asyncio.run(main())

    return run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every end-to-end test is slow (a radio stack, a child process or a wheel build), so
    ``-m "not slow"`` leaves this folder out and a quick loop stays quick."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.slow)

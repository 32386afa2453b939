"""Session time for the test rig: one clock shared by the virtual straps and the code under test.

``VirtualClock`` is a discrete-event clock. Nothing reads the wall clock to tell the time:
session time moves only when the clock's driver moves it, from one waiting deadline to the
next, in order. At each deadline the task waiting for it (a strap due to send a beat, a
source's backoff, a test's poll) runs, and the loop gets a few turns to carry what it sent
across the virtual link, before time moves on. So a notification is stamped on arrival with
the session time it was sent at, and a stall of a busy machine delays everything equally:
it never reads as beats lost or a link gone quiet.

The driver paces itself loosely on the event loop's clock, ``speed`` session seconds per
second, so the parts that still run on real time (bumble's advertising and link set-up)
keep up; a stall of the loop counts as at most ``max_stall_s`` of it.

``ScaledClock`` is the older clock: the event loop's clock times ``speed``, so a stall of
the loop jumps session time by the stall times ``speed``.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Protocol


class StrapClock(Protocol):
    """What a virtual strap needs of its clock: session seconds, and waiting for them."""

    def now(self) -> float: ...

    async def sleep(self, duration_s: float) -> None: ...

    async def sleep_until(self, t_s: float) -> None: ...


SETTLE_TURNS = 12
"""Loop turns given to what a deadline's task set off (a notification crosses bumble's
virtual link and reaches the bleak callback in about four) before time moves on."""
TICK_S = 0.005
"""Loop seconds between the driver's steps."""


class VirtualClock:
    """Session time moved deadline by deadline; ``speed`` session seconds per loop second."""

    def __init__(self, speed: float = 1.0, *, max_stall_s: float = 0.02) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self.speed = speed
        self.max_stall_s = max_stall_s
        """Loop seconds a stall may count for: a longer one only slows session time."""
        self._now_s = 0.0
        self._order = itertools.count()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._driver: asyncio.Task[None] | None = None

    def now(self) -> float:
        return self._now_s

    async def sleep(self, duration_s: float) -> None:
        """Wait until session time has moved on by ``duration_s`` (a turn of the loop if 0)."""
        if duration_s <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._now_s + duration_s, next(self._order), woken))
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await woken

    async def sleep_until(self, t_s: float) -> None:
        await self.sleep(t_s - self._now_s)

    def _pending(self) -> bool:
        """Drop sleepers that were cancelled; True while any still waits."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        if any(not woken.done() for _, _, woken in self._sleepers):
            return True
        self._sleepers.clear()
        return False

    async def _drive(self) -> None:
        """Move time while anyone waits on it; end as soon as nobody does (so no driver is
        left pending when the loop stops)."""
        loop = asyncio.get_running_loop()
        last_s = loop.time()
        while self._pending():
            await asyncio.sleep(TICK_S)
            loop_s = loop.time()
            target_s = self._now_s + self.speed * min(loop_s - last_s, self.max_stall_s)
            last_s = loop_s
            while self._pending() and self._sleepers[0][0] <= target_s:
                deadline_s, _, woken = heapq.heappop(self._sleepers)
                self._now_s = max(self._now_s, deadline_s)
                woken.set_result(None)
                for _ in range(SETTLE_TURNS):
                    if not self._pending():
                        return  # nobody waits for time to move on: nothing to settle for
                    await asyncio.sleep(0)
            self._now_s = max(self._now_s, target_s)


class ScaledClock:
    """Session time that runs ``speed`` times faster than the event loop's clock."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self.speed = speed
        self._origin_s: float | None = None

    def now(self) -> float:
        loop_s = asyncio.get_running_loop().time()
        if self._origin_s is None:
            self._origin_s = loop_s
        return (loop_s - self._origin_s) * self.speed

    async def sleep(self, duration_s: float) -> None:
        await asyncio.sleep(max(0.0, duration_s) / self.speed)

    async def sleep_until(self, t_s: float) -> None:
        await self.sleep(t_s - self.now())

"""Deliver recorded or simulated samples at the pace they were lived, or faster."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from pausepoint.model import Sample


async def paced(
    samples: Iterable[Sample],
    speed: float = 1.0,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[Sample]:
    """Yield each sample when its session time comes; speed=inf yields without waiting."""
    start_wall_s: float | None = None
    first_t_s = 0.0
    for sample in samples:
        if math.isinf(speed):
            yield sample
            await asyncio.sleep(0)
            continue
        if start_wall_s is None:
            start_wall_s, first_t_s = clock(), sample.t_s
        due_s = start_wall_s + (sample.t_s - first_t_s) / speed
        wait_s = due_s - clock()
        if wait_s > 0:
            await sleep(wait_s)
        yield sample

"""Deliver recorded or simulated samples at the pace they were lived, or faster.

``paced`` paces one person's samples; ``paced_stream`` paces a merged stream of two partners,
each sample tagged with its person.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence

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


async def paced_stream(
    stream: Sequence[tuple[int, Sample]],
    speed: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[tuple[int, Sample]]:
    """A merged (person, sample) stream delivered at the pace it was lived, or faster."""
    persons = iter([person for person, _ in stream])
    async for sample in paced([sample for _, sample in stream], speed, sleep=sleep, clock=clock):
        yield next(persons), sample

"""Pacing: a merged couple stream comes at its own pace, each sample with its person."""

from __future__ import annotations

import asyncio
import math

from pausepoint.model import HeartSample, Sample
from pausepoint.sources.pacing import paced_stream

STREAM = (
    (0, HeartSample(1.0, 60, (1000.0,), True)),
    (1, HeartSample(1.5, 70, (857.0,), True)),
    (0, HeartSample(3.0, 61, (984.0,), True)),
)


def delivered(speed: float) -> tuple[list[tuple[int, Sample]], list[float]]:
    """What paced_stream yields, and each wait it asked for, on a clock that only sleeps move."""
    now_s = [100.0]
    waits_s: list[float] = []

    async def sleep(wait_s: float) -> None:
        waits_s.append(wait_s)
        now_s[0] += wait_s

    async def run() -> list[tuple[int, Sample]]:
        items = paced_stream(STREAM, speed, sleep=sleep, clock=lambda: now_s[0])
        return [(person, sample) async for person, sample in items]

    return asyncio.run(run()), waits_s


def test_a_merged_stream_keeps_each_sample_with_its_person_at_its_pace() -> None:
    items, waits_s = delivered(2.0)
    assert items == list(STREAM)
    assert waits_s == [0.25, 0.75]


def test_at_infinite_speed_a_merged_stream_never_waits() -> None:
    items, waits_s = delivered(math.inf)
    assert items == list(STREAM) and waits_s == []

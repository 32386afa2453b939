"""``monitor``: the live text monitor of one person or a couple, from straps or the simulator.

One person: a strap (``--device``, else the strongest known strap nearby) or a scenario,
a status line a second. A couple: two straps (A, then B) or a couple scenario, two lines.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from pausepoint.cli.common import (
    add_profile_option,
    add_quiet_option,
    any_scenario,
    is_couple_scenario,
    positive,
    rings,
)
from pausepoint.cli.store_access import chosen_profiles
from pausepoint.errors import UserError
from pausepoint.strap.target import strap_target

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.couple.engine import CoupleEngine
    from pausepoint.pipeline.pipeline import Pipeline
    from pausepoint.strap.ble import BleBackend, ConnectedStrap, LinkState


class StrapOptions(TypedDict, total=False):
    """What the tests hand the straps' sources: a virtual radio and its clock."""

    backend: BleBackend
    clock: Callable[[], float]
    sleep: Callable[[float], Awaitable[None]]


def register(sub: Subparsers) -> None:
    p = sub.add_parser("monitor", help="live text monitor: a status line per second")
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--simulate", metavar="SCENARIO", type=any_scenario, help="couple-*: two people"
    )
    src.add_argument(
        "--device",
        metavar="ADDRESS|NAME",
        action="append",
        help="a strap's address or name; twice for a couple (A, then B)",
    )
    p.add_argument("--seed", type=int, default=0, help="simulated person (with --simulate)")
    p.add_argument("--minutes", type=positive, help="simulated length (with --simulate)")
    p.add_argument("--speed", type=positive, default=1.0, help="simulation speed, e.g. 10")
    add_profile_option(p)
    add_quiet_option(p)
    p.set_defaults(func=cmd_monitor)


def cmd_monitor(args: argparse.Namespace) -> int:
    from pausepoint.cli.common import run_until_stopped
    from pausepoint.cli.monitor import TextMonitor

    devices = args.device or []
    if len(devices) > 2:
        raise UserError("--device at most twice: one strap per partner")
    monitor: TextMonitor | CoupleTextMonitor
    if len(devices) == 2 or is_couple_scenario(args.simulate):
        monitor, work = _couple(args, devices)
    else:
        monitor, work = _one_person(args, devices)
    run_until_stopped(work)
    print(monitor.summary.text() if isinstance(monitor, TextMonitor) else monitor.text())
    return 0


def _one_person(
    args: argparse.Namespace, devices: Sequence[str]
) -> tuple[TextMonitor, Coroutine[Any, Any, None]]:
    """The monitor and its work: a strap, the strongest one nearby, else a scenario."""
    from pausepoint.cli.monitor import TextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.settings import PipelineSettings

    (profile,) = chosen_profiles(args, 1)
    config = load_config()
    pipeline = PipelineSettings.for_profile(profile, auto_break=True).build(config)
    monitor = TextMonitor(sys.stdout, config.break_.min_s, bell=rings(args))
    scenario = args.simulate
    device = devices[0] if devices else None
    if scenario is None and device is None:
        device = _nearby_strap()
        if device is None:
            scenario = "argument"
    if device is not None:
        return monitor, monitor_strap(device, pipeline, monitor)
    return monitor, _monitor_simulation(scenario, args, pipeline, monitor)


def _couple(
    args: argparse.Namespace, devices: Sequence[str]
) -> tuple[CoupleTextMonitor, Coroutine[Any, Any, None]]:
    """The couple's monitor and its work: two straps (A, then B), or a couple scenario."""
    from pausepoint.cli.couple_monitor import CoupleTextMonitor
    from pausepoint.config import load_config
    from pausepoint.sessions.settings import CoupleSettings

    config = load_config()
    engine = CoupleSettings.for_profiles(chosen_profiles(args, 2)).build(config)
    monitor = CoupleTextMonitor(sys.stdout, config.break_.min_s, bell=rings(args))
    if devices:
        return monitor, monitor_couple_straps(devices, engine, monitor)
    return monitor, _monitor_couple_simulation(args, engine, monitor)


def _nearby_strap() -> str | None:
    """The strongest known strap nearby, or None (said in one line) to run the simulator."""
    import asyncio

    from pausepoint.strap.ble import NoBluetooth, scan

    try:
        found = asyncio.run(scan(3.0))
    except NoBluetooth:
        print("No Bluetooth adapter: running the simulated 'argument' scenario.", file=sys.stderr)
        return None
    straps = [s for s in found if s.known] or found
    if not straps:
        print("No strap found nearby: running the simulated 'argument' scenario.", file=sys.stderr)
        return None
    return straps[0].address


async def _monitor_simulation(
    scenario: str, args: argparse.Namespace, pipeline: Pipeline, monitor: TextMonitor
) -> None:
    from pausepoint.sources.pacing import paced
    from pausepoint.sources.simulated.scenarios import simulate

    rec = simulate(scenario, seed=args.seed, minutes=args.minutes)
    async for sample in paced(rec.samples, args.speed):
        monitor.feed(pipeline.push(sample))


async def _monitor_couple_simulation(
    args: argparse.Namespace, engine: CoupleEngine, monitor: CoupleTextMonitor
) -> None:
    from pausepoint.sources.pacing import paced_stream
    from pausepoint.sources.simulated.couples import simulate_couple

    rec = simulate_couple(args.simulate, seed=args.seed, minutes=args.minutes)
    async for person, sample in paced_stream(rec.merged(), args.speed):
        monitor.feed(engine.push(person, sample))
    for cu in engine.finish():
        monitor.feed(cu)


async def monitor_strap(
    device: str,
    pipeline: Pipeline,
    monitor: TextMonitor,
    **source_options: Unpack[StrapOptions],
) -> None:
    """One strap into the pipeline and the monitor; ``source_options`` go to the BleSource
    (the tests' backend, clock and sleep)."""
    from pausepoint.strap.ble import BleSource
    from pausepoint.strap.catalogue import sensor_note

    def on_state(state: LinkState) -> None:
        print(f"Strap: {state}", file=sys.stderr, flush=True)

    say_once = _once_each()

    def on_info(info: ConnectedStrap) -> None:
        say_once(sensor_note(info.name))

    target = strap_target(device)
    source = BleSource(
        lambda sample: monitor.feed(pipeline.push(sample)),
        on_state=on_state,
        on_info=on_info,
        acc=True,
        address=target.get("address"),
        name=target.get("name"),
        **source_options,
    )
    try:
        await source.run()
    finally:
        await source.stop()


async def monitor_couple_straps(
    devices: Sequence[str],
    engine: CoupleEngine,
    monitor: CoupleTextMonitor,
    **source_options: Unpack[StrapOptions],
) -> None:
    """Both straps on one event loop and one clock, into the couple engine;
    ``source_options`` go to run_straps (the tests' backend, clock and sleep)."""
    from pausepoint.couple.engine import PARTNERS, partner_names
    from pausepoint.strap.catalogue import sensor_note
    from pausepoint.strap.feed import run_straps

    def on_state(person: int, state: LinkState) -> None:
        print(f"Strap {PARTNERS[person]}: {state}", file=sys.stderr, flush=True)

    say_once = _once_each()
    names = partner_names()

    def on_info(person: int, info: ConnectedStrap) -> None:
        say_once(sensor_note(info.name, names[person]))

    await run_straps(
        [strap_target(device) for device in devices],
        lambda person, sample: monitor.feed(engine.push(person, sample)),
        on_state=on_state,
        on_info=on_info,
        **source_options,
    )


def _once_each() -> Callable[[str | None], None]:
    """Print each note the first time only: a strap that reconnects is not explained again."""
    said: set[str] = set()

    def say(note: str | None) -> None:
        if note is not None and note not in said:
            said.add(note)
            print(note, file=sys.stderr, flush=True)

    return say

"""`monitor --device NAME` end to end: virtual strap, real bleak, pipeline, text monitor."""

import asyncio
import io

from pausepoint.cli.monitor import TextMonitor
from pausepoint.cli.monitor_command import monitor_strap
from pausepoint.config import load_config
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sources.simulated.scenarios import simulate


def test_monitor_streams_a_named_strap_into_the_engine(run_rig, capsys) -> None:
    recording = simulate("calm", seed=5, minutes=4.0)
    sent = recording.heart_samples()
    out = io.StringIO()
    monitor = TextMonitor(out, load_config().break_.min_s)
    pipeline = Pipeline(load_config())

    async def test(rig) -> None:
        strap = await rig.strap(name="Polar H10 A1B2C3D4")
        task = asyncio.create_task(
            monitor_strap(
                "polar h10 a1b2c3d4",
                pipeline,
                monitor,
                backend=rig.backend,
                clock=rig.clock.now,
                sleep=rig.clock.sleep,
            )
        )
        while not strap.subscribed(strap.heart_rate):
            await asyncio.sleep(0.01)
        await strap.play(sent)
        while monitor.summary.beats < len(recording.rr_ms()) - 2:
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    run_rig(test, speed=60.0)
    lines = out.getvalue().splitlines()
    assert monitor.summary.beats == len(recording.rr_ms()) - 2  # two held for look-ahead
    assert "learning your calm level" in lines[0]
    assert any(" calm" in line and "HR  " in line for line in lines[-30:])
    assert "Calm level learned." in out.getvalue()
    assert "Strap: streaming" in capsys.readouterr().err


def test_monitor_says_once_that_an_arm_band_is_optical(run_rig, capsys) -> None:
    """An optical arm band: the monitor explains it once, not again when it comes back."""
    sent = simulate("calm", seed=3, minutes=1.0).heart_samples()
    out = io.StringIO()
    monitor = TextMonitor(out, load_config().break_.min_s)
    pipeline = Pipeline(load_config())

    async def test(rig) -> None:
        strap = await rig.strap(name="Polar OH1 1A2B3C4D", pmd_kinds=())
        task = asyncio.create_task(
            monitor_strap(
                "Polar OH1 1A2B3C4D",
                pipeline,
                monitor,
                backend=rig.backend,
                clock=rig.clock.now,
                sleep=rig.clock.sleep,
            )
        )
        for part in (sent[:15], sent[15:30]):  # streaming, then streaming again
            while not strap.subscribed(strap.heart_rate):
                await asyncio.sleep(0.01)
            beats = monitor.summary.beats
            await strap.play(part)
            while monitor.summary.beats == beats:
                await asyncio.sleep(0.01)
            if strap.log.connections == 1:
                await strap.drop()
                while strap.subscribed(strap.heart_rate):
                    await asyncio.sleep(0.01)
                await strap.come_back()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    run_rig(test, speed=60.0)
    err = capsys.readouterr().err
    assert err.count("Strap: streaming") == 2  # connected, then back after the drop
    assert err.count("This sensor is optical: heart rate is reliable") == 1

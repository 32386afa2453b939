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
